export * from './csv-bars';
export * from './log-hash';
export * from './bar-market';
export * from './sweep';
export * from './backtest-spec';
export * from './backtest-runs';
export * from './worker-pool';
