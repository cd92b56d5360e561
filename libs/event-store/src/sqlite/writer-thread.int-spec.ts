import fs from 'node:fs';
import { DuplicateEventIdError, StoreUnavailableError, WrongExpectedVersionError } from '../errors';
import { rejectionOf, someEvents } from '../testing/test-events';
import { prepareAppend } from './append-validation';
import { TempStores } from './testing/temp-stores';
import { fromWire, toWire, WriterThread, type WriterThreadData } from './writer-thread';

describe('WriterThread', () => {
  let temp: TempStores;
  beforeEach(() => {
    temp = new TempStores();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('writes a group in its own thread, visible to the caller thread once answered', async () => {
    const store = temp.open(); // creates the file and schema; the writer thread never creates one
    const writer = new WriterThread({ file: temp.file, busyTimeoutMs: 1000 });
    try {
      const outcomes = await writer.write(
        [
          { streamName: 'a', events: prepareAppend('a', someEvents(2)), expectedRevision: 'no_stream' },
          { streamName: 'b', events: prepareAppend('b', someEvents(1)), expectedRevision: 3n },
        ],
        '2026-11-20T04:30:00.000Z',
      );
      expect(outcomes[0]).toEqual({ kind: 'written', eventCount: 2, result: { nextExpectedRevision: 1n, lastGlobalPosition: 2n, idempotent: false } });
      expect(outcomes[1].kind === 'rejected' && outcomes[1].error).toBeInstanceOf(WrongExpectedVersionError);
      const stored = await store.readStream('a');
      expect(stored.map((e) => [e.streamRevision, e.recordedAt])).toEqual([
        [0n, '2026-11-20T04:30:00.000Z'],
        [1n, '2026-11-20T04:30:00.000Z'],
      ]);
    } finally {
      await writer.close();
    }
  });

  it('fails a call as unavailable when the thread dies, instead of leaving it waiting, and starts again on the next', async () => {
    // No workerData: the worker script throws while loading, as a crashed thread would.
    const writer = new WriterThread(undefined as unknown as WriterThreadData);
    const request = [{ streamName: 'a', events: prepareAppend('a', someEvents(1)), expectedRevision: 'any' as const }];
    const first = await rejectionOf(writer.write(request, '2026-11-20T04:30:00.000Z'));
    expect(first).toBeInstanceOf(StoreUnavailableError);
    expect((first as Error).message).toMatch(/writer thread stopped .*may or may not be stored/);
    expect(await rejectionOf(writer.write(request, '2026-11-20T04:30:00.000Z'))).toBeInstanceOf(StoreUnavailableError);
    await writer.close();
  });

  it('reports a file it cannot use as unavailable, with the SQLite cause', async () => {
    const file = `${temp.dir}/not-a-database.db`;
    fs.writeFileSync(file, 'this is not an SQLite file, but it is long enough to have a header.'.repeat(20));
    const writer = new WriterThread({ file, busyTimeoutMs: 1000 });
    const request = [{ streamName: 'a', events: prepareAppend('a', someEvents(1)), expectedRevision: 'any' as const }];
    const error = await rejectionOf(writer.write(request, '2026-11-20T04:30:00.000Z'));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ cause: expect.objectContaining({ code: 'SQLITE_NOTADB' }) });
    await writer.close();
  });
});

describe('errors across the thread boundary', () => {
  it('come back as the classes callers test for, with their fields', () => {
    const version = fromWire(toWire(new WrongExpectedVersionError('order-1', 'no_stream', 4n)));
    expect(version).toBeInstanceOf(WrongExpectedVersionError);
    expect(version).toMatchObject({ streamName: 'order-1', expected: 'no_stream', actual: 4n, code: 'VERSION_CONFLICT' });
    const duplicate = fromWire(toWire(new DuplicateEventIdError('e-1', 'order-1')));
    expect(duplicate).toBeInstanceOf(DuplicateEventIdError);
    expect(duplicate).toMatchObject({ eventId: 'e-1', streamName: 'order-1' });
    const cause = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_FSYNC' });
    const unavailable = fromWire(toWire(new StoreUnavailableError('event store unavailable while appending', cause)));
    expect(unavailable).toBeInstanceOf(StoreUnavailableError);
    expect(unavailable).toMatchObject({ message: 'event store unavailable while appending', cause: { code: 'SQLITE_IOERR_FSYNC', message: 'disk I/O error' } });
    const other = fromWire(toWire(Object.assign(new TypeError('bad'), { code: 'SQLITE_MISUSE' })));
    expect(other).toMatchObject({ name: 'TypeError', message: 'bad', code: 'SQLITE_MISUSE' });
  });
});
