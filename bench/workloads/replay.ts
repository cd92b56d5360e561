import {
  accountStream,
  evolveAccount,
  evolvePosition,
  fold,
  initialAccountState,
  initialPositionState,
  positionStreamName,
  type AccountEvent,
  type PositionEvent,
} from '@robo/domain';
import type { EventEnvelope, EventStore } from '@robo/event-store';
import { repeat } from '../harness/stats';

/** Workload 6a: readStream of the first `toRevision + 1` events of one stream, folded with the real evolve. */
export async function foldStream(store: EventStore, stream: string, toRevision: number, times: number) {
  let folded = 0;
  const stats = await repeat(times, 3, async () => {
    const events = await store.readStream(stream, { maxCount: toRevision + 1 });
    const state = fold(evolveAccount, initialAccountState, events as unknown as AccountEvent[]);
    if (state.status !== 'OPEN') throw new Error('fold produced no account');
    folded = events.length;
  });
  return { ...stats, events: folded };
}

/** readStream alone (no fold), for the comparison with the peer's readStream. */
export async function readWholeStream(store: EventStore, stream: string, times: number) {
  let events = 0;
  const stats = await repeat(times, 3, async () => {
    events = (await store.readStream(stream)).length;
  });
  return { ...stats, events };
}

export interface AsOfPortfolio {
  asOf: string;
  cashPaise: number;
  reservedPaise: number;
  marketValuePaise: number;
  equityPaise: number;
  realizedNetPaise: number;
  unrealizedPnlPaise: number;
  positions: number;
  eventsFolded: number;
}

const recordedBy = (asOf: string) => (e: EventEnvelope) => e.recordedAt <= asOf;

/**
 * Workload 6b, "portfolio as of T by replay" (there is no as-of API yet): the account stream and the streams of
 * the positions it traded, each read and cut at recorded time T, folded with evolveAccount / evolvePosition, then
 * valued. Last price = the account's own last fill in the instrument up to T (the prices read model is not as-of).
 */
export async function portfolioAsOf(store: EventStore, accountId: string, asOf: string): Promise<AsOfPortfolio> {
  const accountEvents = (await store.readStream(accountStream(accountId))).filter(recordedBy(asOf));
  const account = fold(evolveAccount, initialAccountState, accountEvents as unknown as AccountEvent[]);
  if (account.status !== 'OPEN') throw new Error(`account ${accountId} did not exist at ${asOf}`);
  const lastPrice = new Map<string, number>();
  for (const e of accountEvents as unknown as EventEnvelope<AccountEvent['type'], AccountEvent['data']>[]) {
    if (e.type === 'CashSettled') {
      const data = e.data as Extract<AccountEvent, { type: 'CashSettled' }>['data'];
      lastPrice.set(data.instrument, data.pricePaise);
    }
  }
  let eventsFolded = accountEvents.length;
  let marketValuePaise = 0;
  let realizedNetPaise = 0;
  let unrealizedPnlPaise = 0;
  const instruments = [...lastPrice.keys()].sort();
  const streams = await Promise.all(instruments.map((i) => store.readStream(positionStreamName(accountId, i))));
  instruments.forEach((instrument, k) => {
    const events = streams[k].filter(recordedBy(asOf));
    eventsFolded += events.length;
    const position = fold(evolvePosition, initialPositionState, events as unknown as PositionEvent[]);
    const last = lastPrice.get(instrument)!;
    const value = last * position.quantity;
    marketValuePaise += value;
    realizedNetPaise += position.totalRealizedNetPaise;
    unrealizedPnlPaise += value - Math.sign(position.quantity) * position.costBasisPaise;
  });
  return {
    asOf,
    cashPaise: account.cashPaise,
    reservedPaise: account.reservedPaise,
    marketValuePaise,
    equityPaise: account.cashPaise + marketValuePaise,
    realizedNetPaise,
    unrealizedPnlPaise,
    positions: instruments.length,
    eventsFolded,
  };
}

export async function timePortfolioAsOf(store: EventStore, accountId: string, asOf: string, times: number) {
  let last: AsOfPortfolio | null = null;
  const stats = await repeat(times, 1, async () => {
    last = await portfolioAsOf(store, accountId, asOf);
  });
  return { ...stats, portfolio: last as AsOfPortfolio | null };
}
