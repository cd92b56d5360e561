export * from './csv-bars';
export * from './log-hash';
export * from './bar-market';
export * from './sweep';
