import { MongoServerError } from 'mongodb';
import { MongoCredentialStore } from './mongo-credential-store';
import { bootstrap, newKey } from './testing/credential-store.contract';

/*
 * The order of the first start's writes, without a MongoDB server: the real store and its real MongoClient, whose
 * database is swapped for an in-memory one that records every write and can fail one of them as a crash would.
 * (Against a server, the shared contract runs in mongo-credential-store.int-spec.ts when MONGO_URL is set.)
 */
type Doc = Record<string, unknown>;

class MemoryDb {
  readonly data = new Map<string, Map<unknown, Doc>>();
  readonly writes: string[] = [];
  /** The write (1-based, counted from now) that throws as if the process died there. */
  crashAt: number | null = null;

  collection(name: string) {
    const docs = this.data.get(name) ?? new Map<unknown, Doc>();
    this.data.set(name, docs);
    const write = (what: string): void => {
      this.writes.push(`${what} ${name}`);
      if (this.crashAt !== null && this.writes.length === this.crashAt) throw new Error('crashed here');
    };
    const all = (filter: Doc) => [...docs.values()].filter((doc) => matches(doc, filter));
    return {
      countDocuments: async (filter: Doc) => all(filter).length,
      findOne: async (filter: Doc) => all(filter)[0] ?? null,
      find: (filter: Doc) => ({ toArray: async () => all(filter) }),
      insertOne: async (doc: Doc) => {
        write('insert');
        if (docs.has(doc._id)) throw new MongoServerError({ message: 'E11000 duplicate key', code: 11000 });
        docs.set(doc._id, { ...doc });
      },
      deleteOne: async (filter: Doc) => {
        write('delete');
        const [doc] = all(filter);
        if (doc) docs.delete(doc._id);
        return { deletedCount: doc ? 1 : 0 };
      },
      updateOne: async (filter: Doc, update: Doc) => {
        write('update');
        const [doc] = all(filter);
        if (doc) apply(doc, update);
        return { modifiedCount: doc ? 1 : 0 };
      },
      updateMany: async (filter: Doc, update: Doc) => {
        write('update');
        const found = all(filter);
        for (const doc of found) apply(doc, update);
        return { modifiedCount: found.length };
      },
    };
  }
}

function matches(doc: Doc, filter: Doc): boolean {
  return Object.entries(filter).every(([key, want]) => {
    const value = doc[key];
    if (want !== null && typeof want === 'object' && '$exists' in want) return (value !== undefined) === (want as { $exists: boolean }).$exists;
    if (want !== null && typeof want === 'object' && '$ne' in want) return value !== (want as { $ne: unknown }).$ne;
    return value === want;
  });
}

function apply(doc: Doc, update: Doc): void {
  Object.assign(doc, update.$set ?? {});
  for (const key of Object.keys((update.$unset as Doc | undefined) ?? {})) delete doc[key];
}

/** A real store on the in-memory database (a start of the api). */
function start(db: MemoryDb): MongoCredentialStore {
  const store = MongoCredentialStore.connect({ url: 'mongodb://127.0.0.1:1/robo' });
  const internals = store as unknown as { db: unknown; client: { connect: () => Promise<unknown> } };
  internals.db = db;
  internals.client.connect = async () => internals.client;
  return store;
}

describe('MongoCredentialStore first start', () => {
  it('writes the key before the marker that says the bootstrap is done', async () => {
    const db = new MemoryDb();
    expect(await bootstrap(start(db), 'a1')).toBe(true);
    expect(db.writes.slice(0, 2)).toEqual(['insert robo_api_keys', 'insert robo_auth_bootstrap']);
    expect(await start(db).createIfEmpty(newKey('a2', { role: 'admin' }))).toBe(false);
    expect((await start(db).list()).map((k) => [k.kid, k.revokedAt])).toEqual([['a1', null]]);
  });

  it('bootstraps again at the next start after a crash between the two writes, revoking the unknown key left behind', async () => {
    const db = new MemoryDb();
    db.crashAt = 2;
    await expect(bootstrap(start(db), 'a1', '2026-11-20T04:30:00.000Z')).rejects.toThrow('crashed here');
    db.crashAt = null;
    const next = start(db);
    expect(await bootstrap(next, 'a2', '2026-11-20T04:31:00.000Z')).toBe(true);
    const keys = new Map((await next.list()).map((k) => [k.kid, k.revokedAt]));
    expect(keys.get('a2')).toBeNull();
    // a1's secret was never shown to anyone: it must not stay usable.
    expect(keys.get('a1') ?? 'gone').not.toBeNull();
    expect(await next.countActive('admin')).toBe(1);
  });

  it.each([3, 4])('bootstraps again after a crash at write %i, after the marker but before the key was confirmed', async (crashAt) => {
    const db = new MemoryDb();
    db.crashAt = crashAt;
    await expect(bootstrap(start(db), 'a1', '2026-11-20T04:30:00.000Z')).rejects.toThrow('crashed here');
    expect(db.writes.slice(0, 2)).toEqual(['insert robo_api_keys', 'insert robo_auth_bootstrap']);
    db.crashAt = null;
    const next = start(db);
    expect(await bootstrap(next, 'a2', '2026-11-20T04:31:00.000Z')).toBe(true);
    const keys = new Map((await next.list()).map((k) => [k.kid, k.revokedAt]));
    expect(keys.get('a2')).toBeNull();
    expect(keys.get('a1') ?? 'gone').not.toBeNull();
    expect(await next.countActive('admin')).toBe(1);
    // And the bootstrap is over now: a third start makes none.
    expect(await start(db).createIfEmpty(newKey('a3', { role: 'admin' }))).toBe(false);
  });

  it('still makes one key of two starts racing, and none into a store that holds a key already', async () => {
    const db = new MemoryDb();
    const answers = await Promise.all([bootstrap(start(db), 'a1'), bootstrap(start(db), 'a2')]);
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await start(db).countActive('admin')).toBe(1);

    const other = new MemoryDb();
    expect(await start(other).create(newKey('k1'))).toBe(true);
    expect(await start(other).createIfEmpty(newKey('a1', { role: 'admin' }))).toBe(false);
  });
});
