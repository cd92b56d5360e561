export * from './kite-params';
export * from './kite-broker';
export * from './kite-snapshot';
export * from './order-rate-limiter';
export * from './kite-market-data-feed';
export * from './kite-session';
