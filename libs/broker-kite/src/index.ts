export * from './kite-params';
export * from './kite-broker';
