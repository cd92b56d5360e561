import { randomUUID } from 'node:crypto';
import { EVENT_STORE, EventStore, NewEvent, ReadStreamOptions } from '@robo/event-store';
import { startTestApp, TestApp } from './test-app';

const note = (correlationId: string, n: number): NewEvent => ({
  type: 'Noted',
  data: { n },
  metadata: { eventId: randomUUID(), correlationId, causationId: null, actor: 'system:test', occurredAt: '2026-11-20T10:00:00+05:30', schemaVersion: 1 },
});

/** The causal tree of a correlation id is bounded, and built from reads of the events it holds, not of whole spans. */
describe('correlation trees are bounded', () => {
  let t: TestApp;
  let store: EventStore;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000000', RUN_REACTORS: 'false', QUERY_WAIT_TIMEOUT_MS: '60000' });
    store = t.app.get(EVENT_STORE);
    // 2,100 events under one client-chosen correlation id, in chunks as a busy client would produce them.
    for (let chunk = 0; chunk < 7; chunk++) {
      await store.append(`notes-chatty-${chunk}`, Array.from({ length: 300 }, (_, i) => note('one-for-all', i)), { expectedRevision: 'no_stream' });
    }
    // A long stream whose first and last events alone share a correlation id.
    await store.append('notes-sparse', [note('sparse', 0), ...Array.from({ length: 3000 }, (_, i) => note('other', i + 1)), note('sparse', 3001)], { expectedRevision: 'no_stream' });
    const head = await store.headPosition();
    expect((await t.api.get(`/api/audit?limit=1&minPosition=${head}`)).status).toBe(200);
  }, 180_000);
  afterAll(async () => t.close());

  it('refuses a correlation with more events than one tree may hold: 422 RESPONSE_TOO_LARGE, saying how to page', async () => {
    const res = await t.api.get('/api/audit/correlations/one-for-all');
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('RESPONSE_TOO_LARGE');
    expect(res.body.details.hint).toContain('/api/audit?correlationId=one-for-all');
    const paged = await t.api.get('/api/audit?correlationId=one-for-all&limit=200');
    expect(paged.body.items).toHaveLength(200);
    expect(paged.body.nextCursor).not.toBeNull();
  });

  it('reads only the runs of revisions a correlation holds, never the span between them', async () => {
    const counts: number[] = [];
    const read = store.readStream.bind(store);
    Object.assign(store, {
      readStream: (name: string, options?: ReadStreamOptions) => {
        if (name === 'notes-sparse') counts.push(options?.maxCount ?? Infinity);
        return read(name, options);
      },
    });
    try {
      const res = await t.api.get('/api/audit/correlations/sparse');
      expect(res.status).toBe(200);
      expect(res.body.eventCount).toBe(2);
      expect(Math.max(...counts)).toBe(1);
    } finally {
      delete (store as Partial<EventStore>).readStream;
    }
  });
});
