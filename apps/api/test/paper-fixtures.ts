import { EVENT_STORE, type EventEnvelope, type EventStore } from '@robo/event-store';
import { PaperEngineService } from '../src/paper/paper-engine.service';
import { startTestApp, type TestApp } from './test-app';

/** A session that opens at 09:15 IST on a Friday; business time is the simulated market's (CLOCK_MODE=market). */
export const SESSION_OPEN = '2026-11-20T09:15:00+05:30';

/** Paper trading on, driven step by step by the test (PAPER_TICK_MS=0). */
export function startPaperApp(env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({ CLOCK_START: SESSION_OPEN, CLOCK_MODE: 'market', PAPER_TRADING: 'true', PAPER_TICK_MS: '0', MARKET_SEED: 'paper-e2e', PAPER_SLIPPAGE_BPS: '5', DEMO: 'false', ...env });
}

export const engineOf = (t: TestApp): PaperEngineService => t.app.get(PaperEngineService);
export const storeOf = (t: TestApp): EventStore => t.app.get(EVENT_STORE);

export async function streamEvents(t: TestApp, stream: string): Promise<EventEnvelope[]> {
  return storeOf(t).readStream(stream);
}

export async function allEvents(t: TestApp): Promise<EventEnvelope[]> {
  const store = storeOf(t);
  const out: EventEnvelope[] = [];
  let after = 0n;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    out.push(...page);
    if (page.length < 1000) return out;
    after = page[page.length - 1].globalPosition;
  }
}

export async function openPaperAccount(t: TestApp, cash = 1_000_000_000): Promise<string> {
  const res = await t.api.post('/api/accounts').send({ name: 'paper', initialCashPaise: cash });
  if (res.status !== 201) throw new Error(`open failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accountId as string;
}

export async function placeOrder(t: TestApp, body: Record<string, unknown>): Promise<string> {
  const res = await t.api.post('/api/orders').send(body);
  if (res.status !== 201) throw new Error(`place failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.orderId as string;
}
