import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { EventEnvelope } from '../envelope';
import { InvalidAppendError, StoreUnavailableError } from '../errors';
import { idsOf, newEvent, rejectionOf, someEvents, within } from '../testing/test-events';
import { SqliteEventStore } from './sqlite-event-store';
import { TempStores, WRITER_MODES } from './testing/temp-stores';
import { itOrSkip } from '@robo/runtime/testing/skip';

describe.each(WRITER_MODES)('SqliteEventStore availability, validation and close, writing $mode', ({ options }) => {
  let temp: TempStores;
  beforeEach(() => {
    temp = new TempStores(options);
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('fails to open with StoreUnavailableError when the directory cannot exist (its parent is a file)', () => {
    const blocker = path.join(temp.dir, 'not-a-dir');
    fs.writeFileSync(blocker, 'x');
    let error: unknown;
    try {
      SqliteEventStore.open({ file: path.join(blocker, 'events.db') });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', cause: expect.objectContaining({ syscall: 'mkdir' }) }); // EEXIST from a recursive mkdir
  });

  it('fails to open with StoreUnavailableError when the file is not a database', () => {
    fs.mkdirSync(path.dirname(temp.file), { recursive: true });
    fs.writeFileSync(temp.file, 'this is not an SQLite file, but it is long enough to have a header.'.repeat(20));
    let error: unknown;
    try {
      temp.open();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ cause: expect.objectContaining({ code: 'SQLITE_NOTADB' }) });
  });

  it('reports a held write lock and a vanished file as StoreUnavailableError, and recovers by re-opening', async () => {
    const store = temp.open({ busyTimeoutMs: 50 });
    await store.append('account-1', someEvents(2), { expectedRevision: 'no_stream' });

    // Another process holds the write lock longer than busyTimeoutMs.
    const other = new Database(temp.file);
    other.exec('BEGIN IMMEDIATE');
    const busy = await rejectionOf(store.append('account-1', someEvents(1), { expectedRevision: 1n }));
    expect(busy).toBeInstanceOf(StoreUnavailableError);
    expect(busy).toMatchObject({ cause: expect.objectContaining({ code: 'SQLITE_BUSY' }) });
    other.exec('ROLLBACK');
    other.close();

    // The data directory disappears and a file takes its place: re-opening cannot work, and must not create a new, empty log.
    const dataDir = path.dirname(temp.file);
    const parked = `${dataDir}-parked`;
    fs.renameSync(dataDir, parked);
    fs.writeFileSync(dataDir, 'x');
    expect(await rejectionOf(store.append('account-1', someEvents(1), { expectedRevision: 1n }))).toBeInstanceOf(StoreUnavailableError);
    expect(await rejectionOf(store.ping())).toBeInstanceOf(StoreUnavailableError);
    expect(await rejectionOf(store.readAll())).toBeInstanceOf(StoreUnavailableError);

    fs.rmSync(dataDir);
    fs.renameSync(parked, dataDir);
    await expect(store.ping()).resolves.toBeUndefined();
    const recovered = await store.append('account-1', someEvents(1), { expectedRevision: 1n });
    expect(recovered).toEqual({ nextExpectedRevision: 2n, lastGlobalPosition: 3n, idempotent: false }); // 2 events before it
    expect((await store.readStream('account-1')).map((e) => e.streamRevision)).toEqual([0n, 1n, 2n]);
  });

  const asRoot = process.getuid?.() === 0;
  // chmod does not stop root from writing, so the read-only case can only be shown as another user.
  itOrSkip(asRoot && 'running as root, where chmod does not block writes')('reports a read-only file as StoreUnavailableError and recovers once it is writable again', async () => {
    const owner = temp.open();
    await owner.append('a', someEvents(1), { expectedRevision: 'no_stream' });
    const dataDir = path.dirname(temp.file);
    const files = fs.readdirSync(dataDir).map((f) => path.join(dataDir, f));
    for (const f of files) fs.chmodSync(f, 0o444);
    fs.chmodSync(dataDir, 0o555);
    try {
      const store = temp.open();
      const readOnly = await rejectionOf(store.append('a', someEvents(1), { expectedRevision: 0n }));
      expect(readOnly).toBeInstanceOf(StoreUnavailableError);
      expect(readOnly).toMatchObject({ cause: expect.objectContaining({ code: expect.stringMatching(/^SQLITE_READONLY/) }) });
      fs.chmodSync(dataDir, 0o755);
      for (const f of files) fs.chmodSync(f, 0o644);
      await expect(store.append('a', someEvents(1), { expectedRevision: 0n })).resolves.toMatchObject({ nextExpectedRevision: 1n });
    } finally {
      fs.chmodSync(dataDir, 0o755);
      for (const f of files) fs.chmodSync(f, 0o644);
    }
  });

  it('rejects malformed appends with InvalidAppendError (INVALID_APPEND) and writes nothing', async () => {
    const store = temp.open();
    const good = newEvent('TestHappened', { n: 1 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['empty stream name', () => store.append('', [good], { expectedRevision: 'any' })],
      ['no events', () => store.append('s', [], { expectedRevision: 'any' })],
      ['empty type', () => store.append('s', [{ ...good, type: '' }], { expectedRevision: 'any' })],
      ['id not a UUID', () => store.append('s', [newEvent('T', {}, { eventId: 'order-1-placed' })], { expectedRevision: 'any' })],
      ['bigint in data', () => store.append('s', [newEvent('T', { qty: 1n })], { expectedRevision: 'any' })],
      ['NaN in data', () => store.append('s', [newEvent('T', { price: Number.NaN })], { expectedRevision: 'any' })],
      ['Date in data', () => store.append('s', [newEvent('T', { at: new Date(0) })], { expectedRevision: 'any' })],
      ['cycle in data', () => store.append('s', [newEvent('T', cyclic)], { expectedRevision: 'any' })],
      ['id twice in one call', () => store.append('s', [good, good], { expectedRevision: 'any' })],
      ['number as revision', () => store.append('s', [good], { expectedRevision: 0 as unknown as bigint })],
    ];
    for (const [what, attempt] of attempts) {
      const error = await rejectionOf(attempt());
      expect([what, error instanceof InvalidAppendError, (error as { code?: string }).code]).toEqual([what, true, 'INVALID_APPEND']);
    }
    expect(await store.headPosition()).toBe(0n);
  });

  it('commits queued appends before close, ends waiting subscribers, and refuses calls afterwards', async () => {
    const store = temp.open();
    const controller = new AbortController();
    const seen: EventEnvelope[] = [];
    // The subscriber is waiting once it asks the store to wait for events past its position.
    const wait = store.waitForEventsAfter.bind(store);
    const waiting = new Promise<void>((resolve) => {
      store.waitForEventsAfter = (position, options) => {
        resolve();
        return wait(position, options);
      };
    });
    const subscriber = (async () => {
      for await (const event of store.subscribeToAll({ signal: controller.signal })) seen.push(event);
    })();
    await waiting;

    const queued = store.append('account-1', someEvents(2), { expectedRevision: 'no_stream' });
    await store.close();
    await expect(queued).resolves.toMatchObject({ lastGlobalPosition: 2n });
    await within(2000, 'subscriber end on close', subscriber);
    await expect(store.close()).resolves.toBeUndefined();

    expect(await rejectionOf(store.append('account-1', someEvents(1), { expectedRevision: 'any' }))).toBeInstanceOf(StoreUnavailableError);
    expect(await rejectionOf(store.ping())).toBeInstanceOf(StoreUnavailableError);
    expect(await store.waitForEventsAfter(0n, { timeoutMs: 1000 })).toBe(false);

    const reopened = temp.open();
    const stored = await reopened.readAll();
    expect(stored.map((e) => e.globalPosition)).toEqual([1n, 2n]);
    // Whether the subscriber saw the last commit before ending is a race; what it saw must be the log's start.
    expect(idsOf(seen)).toEqual(idsOf(stored.slice(0, seen.length)));
  });
});
