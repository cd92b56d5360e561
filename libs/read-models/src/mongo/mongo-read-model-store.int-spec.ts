import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { SqliteReadModelStore } from '../sqlite/sqlite-read-model-store';
import { validateFindQuery } from '../support/find-query';
import { throwawayDatabases } from '../testing/mongo-databases';
import { FERRETDB_NO_QUERY_PLANNER, FERRETDB_NO_RENAME_DROP_TARGET, FERRETDB_NON_ATOMIC_UPDATES, exceptOnFerretDb, mongoServer } from '../testing/mongo-server';
import { type ReadModelContractOptions, readModelStoreContract } from '../testing/read-model-store.contract';
import { collectionName, findFilter, findSort } from './mongo-query';
import { MongoReadModelStore, type MongoReadModelStoreOptions } from './mongo-read-model-store';
import { skippedSuite } from '@robo/runtime/testing/skip';

/*
 * Runs against a real MongoDB when MONGO_URL is set, e.g.
 *   docker compose up -d mongo
 *   MONGO_URL='mongodb://localhost:27017/?directConnection=true' npx jest libs/read-models/src/mongo --runInBand
 * or against FerretDB (scripts/servers/ferretdb.sh start, or nothing at all when .tools/bin/ferretdb is installed: the
 * Jest global setup starts it). Each test gets its own database (dropped afterwards). With a replica set (the compose
 * file runs one) the contract runs twice: with transactions, and with the position guards alone as on a standalone
 * server. On FerretDB the cases it cannot run are skipped with their reason printed (docs/production.md, "FerretDB
 * is not MongoDB"); on MongoDB every case runs.
 */
const url = process.env.MONGO_URL;

if (!url) {
  skippedSuite('MongoReadModelStore against MongoDB', 'MONGO_URL is not set (see docs/production.md, "Running the integration tests")');
} else {
  const database = throwawayDatabases(url, 'robo_it');
  const open = (options: Partial<MongoReadModelStoreOptions> = {}): MongoReadModelStore => MongoReadModelStore.connect({ url, dbName: database(), ...options });
  const server = mongoServer(url);
  const onFerretDb = server.ferretdb !== null;
  const contractOptions: ReadModelContractOptions = onFerretDb ? { unsupported: { promoteShadow: FERRETDB_NO_RENAME_DROP_TARGET } } : {};

  readModelStoreContract('mongo (transactions when the server has them)', () => open(), contractOptions);
  readModelStoreContract('mongo (position guards only)', () => open({ transactions: 'never' }), contractOptions);

  describe('MongoReadModelStore (MongoDB specifics)', () => {
    let store: MongoReadModelStore;
    let raw: MongoClient;
    beforeEach(() => {
      store = open();
      raw = new MongoClient(url);
    });
    afterEach(async () => {
      await store.close();
      await raw.close();
    });

    it('commits a batch that rewrites hundreds of stored documents (FerretDB 1.24 never answers an update command of ~100 matching statements)', async () => {
      await store.ensureCollections([{ name: 'audit', indexes: [] }]);
      const ids = Array.from({ length: 300 }, (_, i) => `e-${String(i).padStart(3, '0')}`);
      await store.commit('audit', ids.map((id) => ({ collection: 'audit', id, doc: { id, seen: 1 } })), 1n);
      // Every document is there already: each change is an update that matches (the upsert and the guarded replace).
      await store.commit('audit', ids.map((id) => ({ collection: 'audit', id, doc: { id, seen: 2 } })), 2n);
      const stored = await store.getMany<{ seen: number }>('audit', ids);
      expect([...stored.values()].filter((doc) => doc.seen === 2)).toHaveLength(ids.length);
      expect(await store.getCheckpoint('audit')).toBe(2n);
    }, 30_000);

    it('creates the CollectionSpec indexes (ending with _id) once, however often ensureCollections runs', async () => {
      const spec = { name: 'orders', indexes: [['accountId', 'seq'], ['status']] };
      await store.ensureCollections([spec]);
      await store.ensureCollections([spec]);
      const indexes = await raw.db(store.databaseName).collection(collectionName('orders')).indexes();
      expect(indexes.map((index) => [index.name, index.key])).toEqual([
        ['_id_', { _id: 1 }],
        ['ix_accountId__seq', { 'doc.accountId': 1, 'doc.seq': 1, _id: 1 }],
        ['ix_status', { 'doc.status': 1, _id: 1 }],
      ]);
    });

    it('drops an index the spec no longer declares and keeps the documents', async () => {
      await store.ensureCollections([{ name: 'orders', indexes: [['accountId', 'seq'], ['status']] }]);
      await store.commit('orders', [{ collection: 'orders', id: 'o-1', doc: { id: 'o-1', accountId: 'a', seq: 1, status: 'OPEN' } }], 1n);
      await store.ensureCollections([{ name: 'orders', indexes: [['accountId', 'seq']] }]);
      const indexes = await raw.db(store.databaseName).collection(collectionName('orders')).indexes();
      expect(indexes.map((index) => index.name)).toEqual(['_id_', 'ix_accountId__seq']);
      expect(await store.get('orders', 'o-1')).toMatchObject({ status: 'OPEN' });
    });

    it('drops an undeclared index once when several replicas start at once (an index already dropped counts as dropped)', async () => {
      await store.ensureCollections([{ name: 'orders', indexes: [['accountId', 'seq'], ['status']] }]);
      const replicas = Array.from({ length: 4 }, () => MongoReadModelStore.connect({ url, dbName: store.databaseName }));
      try {
        await Promise.all(replicas.map((replica) => replica.ensureCollections([{ name: 'orders', indexes: [['accountId', 'seq']] }])));
      } finally {
        await Promise.all(replicas.map((replica) => replica.close()));
      }
      const indexes = await raw.db(store.databaseName).collection(collectionName('orders')).indexes();
      expect(indexes.map((index) => index.name)).toEqual(['_id_', 'ix_accountId__seq']);
    });

    exceptOnFerretDb(server, FERRETDB_NO_QUERY_PLANNER)('serves "where accountId = ? order by seq desc" pages from the index, without a sort stage', async () => {
      await store.ensureCollections([{ name: 'orders', indexes: [['accountId', 'seq']] }]);
      const changes = Array.from({ length: 50 }, (_, i) => ({ collection: 'orders', id: `o-${i}`, doc: { id: `o-${i}`, accountId: i % 2 ? 'a' : 'b', seq: i } }));
      await store.commit('orders', changes, 50n);
      const query = validateFindQuery({ where: { accountId: 'a' }, orderBy: { field: 'seq', direction: 'desc' }, limit: 10 });
      const explained = await raw
        .db(store.databaseName)
        .collection(collectionName('orders'))
        .find(findFilter(query), { sort: findSort(query), limit: 11 })
        .explain('queryPlanner');
      const plan = JSON.stringify(explained.queryPlanner.winningPlan);
      expect(plan).toContain('ix_accountId__seq');
      expect(plan).not.toContain('"stage":"SORT"');
    });

    it('ignores a replayed write whose document is older than the stored one (lastEventPosition guard)', async () => {
      await store.ensureCollections([{ name: 'positions', indexes: [] }]);
      await store.commit('positions', [{ collection: 'positions', id: 'p1', doc: { qty: 10, lastEventPosition: 40 } }], 40n);
      // A replay of an earlier batch, or a stale writer: the document is older than what is stored.
      await store.commit('positions', [{ collection: 'positions', id: 'p1', doc: { qty: 5, lastEventPosition: 20 } }], 45n);
      expect(await store.get('positions', 'p1')).toEqual({ qty: 10, lastEventPosition: 40 });
      await store.commit('positions', [{ collection: 'positions', id: 'p1', doc: { qty: 15, lastEventPosition: 50 } }], 50n);
      expect(await store.get('positions', 'p1')).toEqual({ qty: 15, lastEventPosition: 50 });
      expect(await store.getCheckpoint('positions')).toBe(50n);
    });

    exceptOnFerretDb(server, FERRETDB_NON_ATOMIC_UPDATES)('keeps the newest of one document written by many writers at once without transactions (each write guarded)', async () => {
      // Stores of their own, as two projector processes during a lease handover would be.
      const dbName = store.databaseName;
      await store.ensureCollections([{ name: 'positions', indexes: [] }]);
      const writers = Array.from({ length: 6 }, () => MongoReadModelStore.connect({ url, dbName, transactions: 'never' }));
      try {
        for (let round = 0; round < 5; round += 1) {
          const id = `p${round}`;
          // Newest first, so that a lost guard (an older write replacing a newer one) shows as a lower qty.
          await Promise.all(
            writers.map((writer, i) => writer.commit(`w${i}`, [{ collection: 'positions', id, doc: { qty: 100 - i, lastEventPosition: 100 - i } }], BigInt(100 - i))),
          );
          expect(await store.get('positions', id)).toEqual({ qty: 100, lastEventPosition: 100 });
        }
      } finally {
        await Promise.all(writers.map((writer) => writer.close()));
      }
    });

    it('gives the same checksum as the SQLite adapter for the same documents', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-compare-'));
      const sqlite = SqliteReadModelStore.open({ file: path.join(dir, 'rm.db') });
      try {
        const spec = { name: 'items', indexes: [] };
        const changes = [
          { collection: 'items', id: 'b', doc: { z: 1, a: { y: [1, 'x', 2.5, -0], b: null }, t: true } },
          { collection: 'items', id: 'é', doc: { n: -12345678901, s: 'Réliance ₹ "q"' } },
          { collection: 'items', id: 'a', doc: {} },
        ];
        for (const target of [store, sqlite]) {
          await target.ensureCollections([spec]);
          await target.commit('p', changes, 3n);
        }
        expect(await store.checksum('items')).toEqual(await sqlite.checksum('items'));
        expect(await store.get('items', 'é')).toEqual(await sqlite.get('items', 'é'));
      } finally {
        await sqlite.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reports whether commits are transactional (a replica set is; FerretDB, which has no transactions, is not)', async () => {
      const hello = await raw.db('admin').command({ hello: 1 });
      expect(await store.usesTransactions()).toBe(typeof hello.setName === 'string' || hello.msg === 'isdbgrid');
    });
  });
}
