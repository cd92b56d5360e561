import { performance } from 'node:perf_hooks';
import { connect, openAccount, subscribe } from './auth-fixtures';
import { startTestApp, TestApp } from './test-app';

/** Commands to time; LIVE_LATENCY_COMMANDS=200 for the figure in docs/performance-and-live.md. */
const COMMANDS = Number(process.env.LIVE_LATENCY_COMMANDS ?? 20);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

// Correctness only (every accepted command reaches the subscriber, seqs without a gap); the latency is printed, never asserted.
describe('live updates: command accepted -> update received', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it(`delivers the update of each of ${COMMANDS} deposits, in order`, async () => {
    t = await startTestApp();
    const base = await t.listen();
    const trader = await t.createKey('trader');
    const account = await openAccount(t, trader, 'latency');
    const socket = await connect(base, trader.token);
    try {
      expect((await subscribe(socket, `account:${account}`)).ok).toBe(true);
      const seqs: number[] = [];
      let waiting: { position: number; resolve: () => void } | null = null;
      socket.on('update', (u: { seq: number; position: number; collection: string }) => {
        seqs.push(u.seq);
        if (waiting && u.collection === 'accounts' && u.position >= waiting.position) waiting.resolve();
      });
      const latencies: number[] = [];
      for (let i = 0; i < COMMANDS; i++) {
        const res = await t.as(trader.token).post(`/api/accounts/${account}/deposits`).send({ amountPaise: 100 + i });
        expect(res.status).toBe(201);
        const accepted = performance.now();
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no update for position ${res.body.globalPosition}`)), 10_000);
          waiting = { position: res.body.globalPosition, resolve: () => (clearTimeout(timer), resolve()) };
        });
        latencies.push(performance.now() - accepted);
      }
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      const sorted = [...latencies].sort((a, b) => a - b);
      console.log(`live update latency over ${COMMANDS} commands: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`);
    } finally {
      socket.close();
    }
  }, 120_000);
});
