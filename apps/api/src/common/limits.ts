/** Input bounds: far above any real trade, far below where integer maths loses precision. */
export const MAX_PAISE = 1_000_000_000_000_000; // 10^15 paise = 10^13 rupees
export const MAX_QUANTITY = 10_000_000;
export const MAX_PAGE = 200;
