import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore } from '@robo/event-store';
import { api, bearer, ChildApp, createKey, freePort } from './child-app';

interface Outcome {
  correlationId: string;
  /** HTTP status, or null when the connection was refused or closed without an answer. */
  status: number | null;
  code?: string;
  stream?: string;
  streamRevision?: number;
}

/**
 * SIGTERM in the middle of a burst: the api stops accepting, finishes what it accepted, commits the projector's
 * checkpoints, closes the stores and exits 0. Every request was either answered (2xx with its events in the log,
 * or 503 SHUTTING_DOWN with none) or refused at the connection, with nothing half done.
 */
describe('graceful shutdown (child process, SIGTERM mid-load)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-sigterm-'));
  let app: ChildApp;
  afterAll(async () => app?.kill());

  it('finishes in-flight commands, refuses the rest cleanly, and exits 0', async () => {
    app = new ChildApp(dataDir, await freePort(), { LOG_LEVEL: 'info' });
    await app.start();
    const admin = await bearer(app.url, app.bootstrapKey());
    const traderKey = await createKey(app.url, admin, 'trader');
    const trader = await bearer(app.url, traderKey.apiKey);
    const accounts: string[] = [];
    for (let i = 0; i < 8; i++) accounts.push((await api(app.url, 'POST', '/api/accounts', { name: `sigterm-${i}`, initialCashPaise: 1_000_000_000 }, trader)).body.accountId);

    const outcomes: Outcome[] = [];
    let stopping: Promise<void> | null = null;
    let next = 0;
    const total = 400;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < total) {
          const i = next++;
          // Already namespaced by the key, as the api would make it, so the events carry it as it is.
          const correlationId = `key:${traderKey.kid}:sigterm-${i}`;
          const accountId = accounts[i % accounts.length];
          const [url, body] =
            i % 2 === 0
              ? [`/api/accounts/${accountId}/deposits`, { amountPaise: 1 }]
              : ['/api/orders', { accountId, instrument: 'ITC', side: 'BUY', quantity: 1, type: 'LIMIT', limitPricePaise: 45_000, product: 'CNC', validity: 'DAY' }];
          try {
            const res = await api(app.url, 'POST', url, body, { ...trader, 'x-correlation-id': correlationId });
            const stream = res.status < 300 ? (res.body.orderId ? `order-${res.body.orderId}` : `account-${accountId}`) : undefined;
            outcomes.push({ correlationId, status: res.status, code: res.body?.code, stream, streamRevision: res.body?.streamRevision });
          } catch {
            outcomes.push({ correlationId, status: null });
          }
          if (outcomes.filter((o) => o.status !== null && o.status < 300).length === 60 && stopping === null) stopping = app.stop();
        }
      }),
    );
    await stopping;
    expect(stopping).not.toBeNull();
    expect(app.lastExit).toEqual({ code: 0, signal: null });
    expect(app.output).toContain('projections stopped, checkpoints committed');

    const acknowledged = outcomes.filter((o) => o.status !== null && o.status < 300);
    const answeredRefusals = outcomes.filter((o) => o.status !== null && o.status >= 300);
    const unanswered = outcomes.filter((o) => o.status === null);
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);
    expect(acknowledged.length + answeredRefusals.length + unanswered.length).toBe(total);
    // The only refusals with an answer: the shutdown's own, and the usual "retry" of writers racing on one account.
    for (const refusal of answeredRefusals) expect(['503 SHUTTING_DOWN', '409 VERSION_CONFLICT']).toContain(`${refusal.status} ${refusal.code}`);
    expect(answeredRefusals.length + unanswered.length).toBeGreaterThan(0);

    const store = SqliteEventStore.open({ file: path.join(dataDir, 'events.db') });
    try {
      const log = await store.readAll({ after: 0n, maxCount: 100_000 });
      const byCorrelation = new Map<string, typeof log>();
      for (const event of log) byCorrelation.set(event.metadata.correlationId, [...(byCorrelation.get(event.metadata.correlationId) ?? []), event]);
      // Every acknowledged command is in the log at the revision it was acknowledged with.
      for (const ack of acknowledged) {
        const events = byCorrelation.get(ack.correlationId) ?? [];
        expect(events.some((e) => e.streamName === ack.stream && Number(e.streamRevision) === ack.streamRevision)).toBe(true);
      }
      // Nothing refused or unanswered was half done.
      for (const other of [...answeredRefusals, ...unanswered]) expect([other.correlationId, byCorrelation.get(other.correlationId) ?? []]).toEqual([other.correlationId, []]);
    } finally {
      await store.close();
    }

    // It starts again on the same files and the projections are where the log is.
    await app.start();
    const status = await api(app.url, 'GET', '/api/projections', undefined, trader);
    expect(status.status).toBe(200);
    await app.stop();
    expect(app.lastExit).toEqual({ code: 0, signal: null });
  }, 120_000);
});
