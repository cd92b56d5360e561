import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteReadModelStore } from './sqlite-read-model-store';

describe("SqliteReadModelStore durability 'none' (read models of a rebuildable log)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-durability-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens a new file with synchronous=OFF, and refuses one a projection has committed to', async () => {
    const file = path.join(dir, 'read-models.db');
    const fast = SqliteReadModelStore.open({ file, durability: 'none' });
    expect(fast.settings()).toEqual({ journalMode: 'wal', synchronous: 'OFF' });
    await fast.ensureCollections([{ name: 'orders', indexes: [] }]);
    await fast.commit('orders', [{ collection: 'orders', id: 'o-1', doc: { n: 1 } }], 7n);
    await fast.close();

    const durable = SqliteReadModelStore.open({ file });
    try {
      expect(durable.settings().synchronous).toBe('NORMAL');
      expect([await durable.get('orders', 'o-1'), await durable.getCheckpoint('orders')]).toEqual([{ n: 1 }, 7n]);
    } finally {
      await durable.close();
    }
    expect(() => SqliteReadModelStore.open({ file, durability: 'none' })).toThrow(/holds projected read models: durability 'none' opens only a new file/);
  });
});
