import { ConfigError, loadConfig } from './app-config';

describe('projector settings', () => {
  it('projects the audit trail in a worker thread unless PROJECTOR_WORKER_THREADS is false', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/unused' }).projectorWorkerThreads).toBe(true);
    expect(loadConfig({ DATA_DIR: '/tmp/unused', PROJECTOR_WORKER_THREADS: 'false' }).projectorWorkerThreads).toBe(false);
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', PROJECTOR_WORKER_THREADS: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', PROJECTOR_WORKER_THREADS: 'maybe' })).toThrow('PROJECTOR_WORKER_THREADS');
  });
});
