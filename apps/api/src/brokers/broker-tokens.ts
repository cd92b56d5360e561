/** The Kite adapter (a KiteBroker, or null when KITE_API_KEY is unset). */
export const KITE_BROKER = Symbol('KITE_BROKER');
