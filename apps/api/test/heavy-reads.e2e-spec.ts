import { accountStream, orderStream, positionStreamName } from '@robo/domain';
import { EVENT_STORE, EventStore, ReadStreamOptions } from '@robo/event-store';
import { reportFillsDirectly } from './heavy-account';
import { startTestApp, TestApp } from './test-app';

const FILLS = 10_000;

interface Probe {
  status: number;
  body: Record<string, unknown>;
  /** Health answers received between the heavy read's first and last page read of the log. */
  healthBetweenPages: number;
  pages: number;
  /** Pages read from the store before the event loop had a turn since the previous page (0: never two in one turn). */
  pagesWithoutTurn: number;
}

/**
 * Replay and state reads of an account with 10,000 fills, while /health/live is asked again and again. The proof
 * is structural: the log records each page the heavy read takes from the store and each health answer, in the
 * order they happen; health answers land between the heavy read's pages, so the work is cut into slices that
 * let other requests through (before, a replay ran from its first page to its answer without a turn in between).
 */
describe('heavy reads of an account with 10,000 fills do not hold up other requests', () => {
  let t: TestApp;
  let store: EventStore;
  let base: string;
  let accountId: string;
  let orderId: string;

  beforeAll(async () => {
    // No reactors and no embedded projector: the fills below go straight into the log, and nothing else runs.
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000000', RUN_REACTORS: 'false', EMBEDDED_PROJECTOR: 'false' });
    store = t.app.get(EVENT_STORE);
    base = await t.listen();
    accountId = (await t.api.post('/api/accounts').send({ name: 'Heavy', initialCashPaise: 100_000_000_000 })).body.accountId;
    const placed = await t.api
      .post('/api/orders')
      .send({ accountId, instrument: 'SBIN', side: 'BUY', quantity: FILLS, type: 'LIMIT', limitPricePaise: 80_000, product: 'CNC', validity: 'DAY' });
    expect(placed.status).toBe(201);
    orderId = placed.body.orderId;
    await reportFillsDirectly(store, orderId, FILLS, { pricePaise: 80_000, feesPaise: 10, firstAt: '2026-11-20T04:30:00.000Z', correlationId: 'bulk' });
  }, 120_000);
  afterAll(async () => t.close());

  async function probe(path: string): Promise<Probe> {
    const log: ('page' | 'health')[] = [];
    const read = store.readStream.bind(store);
    // Each page read schedules a marker for the event loop's next turn; a page read before the previous page's
    // marker ran means two pages were read in one turn, holding everything else up (counted, deterministically).
    let turned = true;
    let pagesWithoutTurn = 0;
    // Every page a replay reads (1,000 events a page) is logged; the single-event look-ups of access checks are not.
    const spied = Object.assign(store, {
      readStream: (name: string, options?: ReadStreamOptions) => {
        if ((options?.maxCount ?? 0) >= 1000) {
          if (!turned) pagesWithoutTurn++;
          turned = false;
          setImmediate(() => (turned = true));
          log.push('page');
        }
        return read(name, options);
      },
    });
    try {
      let done = false;
      const heavy = fetch(base + path, { headers: { authorization: `Bearer ${t.admin.token}` } }).then(async (res) => {
        done = true;
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      });
      while (!done) {
        const health = await fetch(`${base}/health/live`);
        expect(health.status).toBe(200);
        await health.text();
        if (!done) log.push('health');
      }
      const answer = await heavy;
      const first = log.indexOf('page');
      const last = log.lastIndexOf('page');
      return {
        ...answer,
        pages: log.filter((e) => e === 'page').length,
        healthBetweenPages: first < 0 ? 0 : log.slice(first, last).filter((e) => e === 'health').length,
        pagesWithoutTurn,
      };
    } finally {
      delete (spied as Partial<EventStore>).readStream;
    }
  }

  const report = (path: string, p: Probe) => console.log(`${path.replace(accountId, ':account').replace(orderId, ':order')}: ${p.status}, ${p.pages} pages, ${p.healthBetweenPages} health answers between them`);

  it.each([
    ['the account stream state', () => `/api/streams/${accountStream(accountId)}/state`],
    ['the position stream state', () => `/api/streams/${positionStreamName(accountId, 'SBIN')}/state`],
    ['the order stream state', () => `/api/streams/${orderStream(orderId)}/state`],
    ['the cash lineage', () => `/api/lineage?accountId=${accountId}&figure=cash`],
    ['the quantity lineage', () => `/api/lineage?accountId=${accountId}&figure=quantity:SBIN`],
    ['the portfolio as of (recorded time)', () => `/api/accounts/${accountId}/portfolio?asOf=2026-12-31T00:00:00Z`],
    ['the portfolio as of (business time)', () => `/api/accounts/${accountId}/portfolio?asOf=2026-12-31T00:00:00Z&time=business`],
  ])('%s answers, and health checks are answered between its pages', async (_name, path) => {
    const p = await probe(path());
    report(path(), p);
    expect(p.status).toBe(200);
    expect(p.pages).toBeGreaterThanOrEqual(10);
    // The event loop got a turn between every two pages: other requests (the health checks counted in the report)
    // wait at most a page's worth of work, however long the stream.
    expect(p.pagesWithoutTurn).toBe(0);
  }, 60_000);

  it('the state with steps answers one bounded page at a time, and the pages join up', async () => {
    const stream = orderStream(orderId);
    const p = await probe(`/api/streams/${stream}/state?steps=true&limit=500`);
    report(`/api/streams/${stream}/state?steps=true&limit=500`, p);
    expect(p.status).toBe(200);
    expect(p.pagesWithoutTurn).toBe(0);
    // 500 steps at most, fewer when the page reaches 4 MiB first (each step carries the order's state).
    const steps = p.body.steps as { streamRevision: number }[];
    expect(steps.length).toBeGreaterThan(100);
    expect(steps.length).toBeLessThanOrEqual(500);
    expect(steps.map((s) => s.streamRevision)).toEqual(Array.from({ length: steps.length }, (_, i) => i));
    expect(p.body.nextFromRevision).toBe(steps.length);
    expect(p.body.eventCount).toBe(FILLS + 2);
    const next = await t.api.get(`/api/streams/${stream}/state?steps=true&limit=500&fromRevision=${steps.length}`);
    expect(next.body.steps[0].streamRevision).toBe(steps.length);
    // An account's state carries every settled fill: its steps are large, so a page ends on the byte bound.
    const account = await t.api.get(`/api/streams/${accountStream(accountId)}/state?steps=true&limit=500&fromRevision=9000`);
    expect(account.status).toBe(200);
    expect(account.body.steps.length).toBeGreaterThan(0);
    expect(account.body.steps.length).toBeLessThan(500);
    expect(account.text.length).toBeLessThan(9 * 1024 * 1024);
    expect(account.body.nextFromRevision).toBe(9000 + account.body.steps.length);
  }, 60_000);

  it('the lineage lists one page of contributions with the whole figure, and the pages join up', async () => {
    const first = await t.api.get(`/api/lineage?accountId=${accountId}&figure=quantity:SBIN`);
    expect(first.body.value).toBe(FILLS);
    expect(first.body.contributionCount).toBe(FILLS);
    expect(first.body.contributions).toHaveLength(1000);
    const second = await t.api.get(`/api/lineage?accountId=${accountId}&figure=quantity:SBIN&fromRevision=${first.body.nextFromRevision}`);
    expect(second.body.contributions[0].streamRevision).toBe(first.body.contributions[999].streamRevision + 1);
  });

  it('a page of events ends before the byte bound and says where the next one starts', async () => {
    const big = 'x'.repeat(60_000);
    const events = Array.from({ length: 100 }, (_, i) => ({
      type: 'FundsDeposited',
      data: { accountId, amountPaise: 1, note: big },
      metadata: { eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, correlationId: 'big', causationId: null, actor: 'system:test', occurredAt: '2026-11-20T10:00:00+05:30', schemaVersion: 1 },
    }));
    await store.append('bulky-1', events, { expectedRevision: 'no_stream' });
    const res = await t.api.get('/api/streams/bulky-1/events?limit=200');
    expect(res.status).toBe(200);
    expect(res.body.events.length).toBeLessThan(100);
    expect(res.text.length).toBeLessThan(5 * 1024 * 1024);
    expect(res.body.nextFromRevision).toBe(res.body.events.length);
  });
});
