import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore } from '@robo/event-store';
import { ResponseTooLargeError, Slicer, SLICE_MS, streamState } from './index';

/** The state endpoint's fold: one pass, steps only for the page asked for, and a bound on the answer's size. */
describe('stream state over a real log', () => {
  let store: SqliteEventStore;
  const stream = 'notes-1';

  beforeAll(async () => {
    store = SqliteEventStore.open({ file: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'robo-state-')), 'events.db') });
    const events = Array.from({ length: 2500 }, (_, i) => ({
      type: 'Noted',
      data: { n: i, text: 'x'.repeat(100) },
      metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'system:test', occurredAt: '2026-11-20T10:00:00+05:30', schemaVersion: 1 },
    }));
    await store.append(stream, events, { expectedRevision: 'no_stream' });
  });
  afterAll(async () => store.close());

  it('folds every event and lists only the page of steps asked for, with where the next one starts', async () => {
    const answer = await streamState(store, stream, {}, 1_000_000, { fromRevision: 1200n, limit: 50, maxBytes: 1_000_000 });
    expect(answer).toMatchObject({ revision: 2499, eventCount: 2500, state: { n: 2499 }, nextFromRevision: 1250 });
    expect(answer.steps!.map((s) => s.streamRevision)).toEqual(Array.from({ length: 50 }, (_, i) => 1200 + i));
    expect(answer.steps![0].changes).toEqual([{ path: 'n', before: 1199, after: 1200 }]);
  });

  it('ends a page of steps before its byte bound', async () => {
    const answer = await streamState(store, stream, {}, 1_000_000, { fromRevision: 0n, limit: 500, maxBytes: 3_000 });
    expect(answer.steps!.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(answer.steps))).toBeLessThanOrEqual(3_000);
    expect(answer.nextFromRevision).toBe(answer.steps!.length);
  });

  it('refuses a state, or a single step, larger than the bound with RESPONSE_TOO_LARGE and how to page', async () => {
    await expect(streamState(store, stream, {}, 100)).rejects.toThrow(ResponseTooLargeError);
    await expect(streamState(store, stream, {}, 100)).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE', details: { maxBytes: 100, hint: expect.stringContaining('fromRevision') } });
    await expect(streamState(store, stream, {}, 1_000_000, { fromRevision: 0n, limit: 10, maxBytes: 50 })).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
  });

  it('stops at toRevision and answers as of an instant', async () => {
    expect(await streamState(store, stream, { toRevision: 10n }, 1_000_000)).toMatchObject({ revision: 10, eventCount: 11, state: { n: 10 } });
    expect(await streamState(store, stream, { asOf: '2000-01-01T00:00:00Z' }, 1_000_000)).toMatchObject({ revision: null, eventCount: 0 });
  });

  it('a slicer gives the event loop a turn once a slice is used up, and not before', async () => {
    const slicer = new Slicer();
    await slicer.pause();
    expect(slicer.yields).toBe(0);
    const until = performance.now() + SLICE_MS + 1;
    while (performance.now() < until) {
      // a slice of synchronous work
    }
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    await slicer.pause();
    expect(slicer.yields).toBe(1);
    expect(ranBetween).toBe(true);
  });
});
