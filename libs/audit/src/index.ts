export * from './aggregates';
export * from './diff';
export * from './time-filter';
export * from './replay-stream';
export * from './portfolio-as-of';
export * from './lineage';
export * from './correlation-tree';
export * from './cooperative';
