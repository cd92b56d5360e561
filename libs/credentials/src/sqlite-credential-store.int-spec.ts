import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteCredentialStore } from './sqlite-credential-store';
import { crashCounter, credentialStoreContract, newKey } from './testing/credential-store.contract';

let dir: string;
let n = 0;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cred-sqlite-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Statements run through a proxy of the store's connection, whose INSERT, UPDATE and DELETE runs are counted. */
function crashingStore(file: string, crash: () => void): SqliteCredentialStore {
  const store = SqliteCredentialStore.open({ file });
  const internals = store as unknown as { db: Database.Database };
  const bound = <T extends object>(target: T, prop: string | symbol) => {
    const value = Reflect.get(target, prop) as unknown;
    return typeof value === 'function' ? value.bind(target) : value;
  };
  internals.db = new Proxy(internals.db, {
    get(db, prop) {
      if (prop !== 'prepare') return bound(db, prop);
      return (sql: string) => {
        const statement = db.prepare(sql);
        if (!/^\s*(INSERT|UPDATE|DELETE)/i.test(sql)) return statement;
        return new Proxy(statement, {
          get(st, p) {
            if (p !== 'run') return bound(st, p);
            return (...args: unknown[]) => {
              crash();
              return st.run(...args);
            };
          },
        });
      };
    },
  });
  return store;
}

credentialStoreContract(
  'sqlite',
  () => SqliteCredentialStore.open({ file: path.join(dir, `auth-${++n}.db`) }),
  () => {
    const file = path.join(dir, `auth-crash-${++n}.db`);
    return { crashingAt: (at) => crashingStore(file, crashCounter(at)), reopen: () => SqliteCredentialStore.open({ file }), dispose: async () => undefined };
  },
);

describe('SqliteCredentialStore: records read per request', () => {
  const file = () => path.join(dir, `auth-cache-${++n}.db`);

  it('sees a revocation and a grant committed by another connection (the CLI) at the next read', async () => {
    const auth = file();
    const store = SqliteCredentialStore.open({ file: auth });
    const cli = new Database(auth);
    try {
      await store.create(newKey('t1', { accountIds: ['acc-1'] }));
      expect(await store.get('t1')).toMatchObject({ revokedAt: null, accountIds: ['acc-1'] });
      expect(await store.get('t1')).toMatchObject({ revokedAt: null }); // read again while nothing changed

      cli.prepare('UPDATE api_keys SET revoked_at = ? WHERE kid = ?').run('2026-11-21T00:00:00.000Z', 't1');
      expect(await store.get('t1')).toMatchObject({ revokedAt: '2026-11-21T00:00:00.000Z' });
      cli.prepare('INSERT INTO grants (kid, account_id, granted_at, granted_by) VALUES (?, ?, ?, ?)').run('t1', 'acc-2', '2026-11-21T00:00:00.000Z', 'key:cli');
      expect((await store.get('t1'))?.accountIds).toEqual(['acc-1', 'acc-2']);
      cli.prepare('INSERT INTO api_keys (kid, name, role, secret_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)').run('late', 'n', 'trader', 'h', 't', 'b');
      expect(await store.get('late')).toMatchObject({ kid: 'late' }); // an unknown id read before would be stale here
    } finally {
      cli.close();
      await store.close();
    }
  });

  it('sees its own writes at once, and hands out records that cannot be changed in place', async () => {
    const store = SqliteCredentialStore.open({ file: file() });
    try {
      expect(await store.get('k1')).toBeNull();
      await store.create(newKey('k1', { accountIds: ['acc-1'] }));
      const record = await store.get('k1');
      expect(record).toMatchObject({ kid: 'k1', accountIds: ['acc-1'] });
      // Frozen (matched by message: the TypeError comes from another realm than the test's).
      expect(() => record!.accountIds.push('acc-x')).toThrow(/not extensible/);
      expect(() => Object.assign(record!, { revokedAt: 'now' })).toThrow(/read.only/);
      await store.grant('k1', 'acc-2', '2026-11-21T00:00:00.000Z', 'key:admin');
      expect((await store.get('k1'))?.accountIds).toEqual(['acc-1', 'acc-2']);
      await store.ungrant('k1', 'acc-1');
      expect((await store.get('k1'))?.accountIds).toEqual(['acc-2']);
      await store.revoke('k1', '2026-11-22T00:00:00.000Z');
      expect((await store.get('k1'))?.revokedAt).toBe('2026-11-22T00:00:00.000Z');
    } finally {
      await store.close();
    }
  });
});
