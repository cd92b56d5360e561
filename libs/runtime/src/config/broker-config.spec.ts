import { ConfigError, loadConfig } from './app-config';

describe('BROKER_TOKEN_KEY', () => {
  it('takes 32 bytes as 64 hex digits or base64, and is unset by default (a key file under DATA_DIR)', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/unused' }).brokerTokenKey).toBeNull();
    expect(loadConfig({ DATA_DIR: '/tmp/unused', BROKER_TOKEN_KEY: 'ab'.repeat(32) }).brokerTokenKey).toEqual(Buffer.alloc(32, 0xab));
    const base64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ DATA_DIR: '/tmp/unused', BROKER_TOKEN_KEY: base64 }).brokerTokenKey).toEqual(Buffer.alloc(32, 7));
  });

  it.each([['short'], ['ab'.repeat(31)], [Buffer.alloc(16).toString('base64')], ['zz'.repeat(32)]])('refuses %p at start', (bad) => {
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', BROKER_TOKEN_KEY: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', BROKER_TOKEN_KEY: bad })).toThrow('BROKER_TOKEN_KEY');
  });
});
