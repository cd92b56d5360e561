export * from './config/app-config';
export * from './config/config.module';
export * from './clock';
export * from './session-clock';
export * from './tokens';
export * from './stores.module';
export * from './correlation';
export * from './logging';
