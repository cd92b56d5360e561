import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AccountCommand,
  accountStream,
  decideAccount,
  decidePosition,
  evolveAccount,
  evolvePosition,
  initialAccountState,
  initialPositionState,
  MARKET_PRICES_STREAM,
  positionStreamName,
} from '@robo/domain';
import { SqliteEventStore } from '@robo/event-store';
import { correlationTree, explainFigure, portfolioAsOf, readWholeStream, replayStream } from './index';

const ACC = '11111111-1111-4111-8111-111111111111';
/** Returns once the wall clock (which stamps recordedAt) reads a later millisecond: what follows is recorded after what came before. */
async function pause(): Promise<void> {
  const now = Date.now();
  while (Date.now() <= now) await new Promise((resolve) => setImmediate(resolve));
}

describe('replay, as-of and lineage over a real log', () => {
  let store: SqliteEventStore;
  const recorded: Record<string, string> = {};

  async function append(stream: string, events: { type: string; data: unknown }[], occurredAt: string, correlationId: string, causationId: string | null = null) {
    const existing = await readWholeStream(store, stream);
    const expected = existing.length === 0 ? ('no_stream' as const) : existing[existing.length - 1].streamRevision;
    const result = await store.append(
      stream,
      events.map((e) => ({ ...e, metadata: { eventId: randomUUID(), correlationId, causationId, actor: 'key:alice', occurredAt, schemaVersion: 1 } })),
      { expectedRevision: expected },
    );
    await pause();
    return result;
  }

  async function account(command: AccountCommand, occurredAt: string, correlationId: string) {
    const events = await readWholeStream(store, accountStream(ACC));
    const state = events.reduce((s, e) => evolveAccount(s, e as never), initialAccountState);
    return append(accountStream(ACC), decideAccount(command, state), occurredAt, correlationId);
  }

  /** A fill as the settlement reactor applies it: position first, then cash, both caused by the fill. */
  async function fill(id: string, side: 'BUY' | 'SELL', quantity: number, pricePaise: number, feesPaise: number, occurredAt: string) {
    const stream = positionStreamName(ACC, 'INFY');
    const events = await readWholeStream(store, stream);
    const state = events.reduce((s, e) => evolvePosition(s, e as never), initialPositionState);
    const decided = decidePosition({ type: 'ApplyFill', data: { accountId: ACC, instrument: 'INFY', orderId: `o-${id}`, fillId: id, side, quantity, pricePaise, feesPaise, occurredAt } }, state);
    const after = decided.reduce(evolvePosition, state);
    await append(stream, decided, occurredAt, `corr-${id}`, `fill-event-${id}`);
    await account(
      {
        type: 'SettleFill',
        data: { accountId: ACC, orderId: `o-${id}`, fillId: id, instrument: 'INFY', side, quantity, pricePaise, feesPaise, reservationToReleasePaise: 0, realizedPnlPaise: after.appliedFills.get(id)!.realizedNetPaise, tradingDay: occurredAt.slice(0, 10) },
      },
      occurredAt,
      `corr-${id}`,
    );
    recorded[id] = new Date().toISOString();
    await pause();
  }

  /** The market-data feed records INFY's price (what positions are marked at). */
  async function market(at: string, pricePaise: number) {
    await append(MARKET_PRICES_STREAM, [{ type: 'MarketPricesRecorded', data: { at, source: 'simulated:test', prices: [{ instrument: 'INFY', pricePaise }] } }], at, `market-${at}`);
    recorded[`market ${at}`] = new Date().toISOString();
  }

  beforeAll(async () => {
    store = SqliteEventStore.open({ file: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'robo-audit-')), 'events.db') });
    await account({ type: 'OpenAccount', data: { accountId: ACC, name: 'Alice', initialCashPaise: 1_000_000, now: '2026-11-20T09:00:00+05:30' } }, '2026-11-20T09:00:00+05:30', 'corr-open');
    recorded.open = new Date().toISOString();
    await pause();
    // A: buy 10 @ 1,000 (fees 10) at 10:00; B: sell 4 @ 1,100 (fees 5) at 11:00;
    // C: buy 2 @ 950 (fees 2) that happened at 09:30 but was reported last (back-dated).
    // The market: INFY 990 at 09:20, 1,020 at 10:15, 1,080 at 11:30 (recorded in between).
    await market('2026-11-20T09:20:00+05:30', 990);
    await fill('A', 'BUY', 10, 1_000, 10, '2026-11-20T10:00:00+05:30');
    await market('2026-11-20T10:15:00+05:30', 1_020);
    await fill('B', 'SELL', 4, 1_100, 5, '2026-11-20T11:00:00+05:30');
    await market('2026-11-20T11:30:00+05:30', 1_080);
    await fill('C', 'BUY', 2, 950, 2, '2026-11-20T09:30:00+05:30');
  });
  afterAll(async () => store.close());

  it('replays a stream with the state and the changes after each event', async () => {
    const replay = await replayStream(store, positionStreamName(ACC, 'INFY'));
    expect(replay.steps.map((s) => s.type)).toEqual(['PositionOpened', 'PositionReduced', 'PositionIncreased']);
    expect(replay.steps[1].changes).toEqual(expect.arrayContaining([{ path: 'quantity', before: 10, after: 6 }]));
    const upTo = await replayStream(store, positionStreamName(ACC, 'INFY'), { toRevision: 0n });
    expect((upTo.state as { quantity: number }).quantity).toBe(10);
  });

  it('replays an account stream with its settled fills as plain fields, one change per fill', async () => {
    const replay = await replayStream(store, accountStream(ACC));
    expect(replay.steps.map((s) => s.type)).toEqual(['AccountOpened', 'CashSettled', 'CashSettled', 'CashSettled']);
    expect(replay.steps[2].changes).toEqual(expect.arrayContaining([{ path: 'settledFills.B', before: null, after: 'o-B' }]));
    expect(replay.steps[2].changes.filter((c) => c.path.startsWith('settledFills'))).toHaveLength(1);
    const json = JSON.parse(JSON.stringify(replay.state)) as { settledFills: unknown; reservations: unknown };
    expect(json.settledFills).toEqual({ A: 'o-A', B: 'o-B', C: 'o-C' });
    expect(json.reservations).toEqual({});
  });

  it('answers "as of" by recorded time: what the system knew then', async () => {
    // After B was recorded, before C: 10 bought, 4 sold -> 6 left at cost 6,000 (average 1,000)
    const p = await portfolioAsOf(store, ACC, recorded.B, 'recorded');
    // Marked at the market price known then (1,020 of 10:15), not at the account's own last fill (1,100)
    expect(p.positions[0]).toMatchObject({ quantity: 6, costBasisPaise: 6_000, lastPricePaise: 1_020, markSource: 'MARKET', markedAt: '2026-11-20T10:15:00+05:30' });
    // unrealized = 6 x 1,020 - 6,000 = 120, never 0 by construction
    expect(p.unrealizedPnlPaise).toBe(120);
    // cash = 1,000,000 - 10,010 + 4,395 = 994,385
    expect(p.cashPaise).toBe(994_385);
    // realized on B: gross 4 x (1,100 - 1,000) = 400; net = 400 - 4 (entry fees 10 x 4/10) - 5 = 391
    expect(p.realizedNetPaise).toBe(391);
    const beforeA = await portfolioAsOf(store, ACC, recorded.open, 'recorded');
    expect(beforeA.positions).toEqual([]);
    expect(beforeA.cashPaise).toBe(1_000_000);
  });

  it('answers "as of" by business time: what had happened then, back-dated fill included', async () => {
    // At 09:45 IST only C had happened (reported later): 2 @ 950, cash 1,000,000 - 1,902
    const early = await portfolioAsOf(store, ACC, '2026-11-20T09:45:00+05:30', 'business');
    // Marked at the market's 09:20 price, 990: unrealized 2 x 990 - 1,900 = 80
    expect(early.positions[0]).toMatchObject({ quantity: 2, costBasisPaise: 1_900, lastPricePaise: 990, unrealizedPnlPaise: 80 });
    expect(early.cashPaise).toBe(1_000_000 - 1_902);
    // By recorded time at the same moment nothing was known yet (C was recorded after A and B)
    // At 10:30 IST: C then A -> 12 units, cost 1,900 + 10,000 = 11,900
    const mid = await portfolioAsOf(store, ACC, '2026-11-20T10:30:00+05:30', 'business');
    expect(mid.positions[0]).toMatchObject({ quantity: 12, costBasisPaise: 11_900 });
    // At 12:00 IST: C, A, then B sells 4 of 12 at average 991.67: cost closed = 11,900 x 4/12 = 3,967 (rounded)
    // gross = 4,400 - 3,967 = 433; entry fees 12 x 4/12 = 4; net = 433 - 4 - 5 = 424
    const end = await portfolioAsOf(store, ACC, '2026-11-20T12:00:00+05:30', 'business');
    expect(end.positions[0]).toMatchObject({ quantity: 8, costBasisPaise: 7_933, realizedNetPaise: 424 });
    // At the 11:30 price 1,080: market value 8,640, unrealized 8,640 - 7,933 = 707; open entry charges 12 - 4 = 8
    // cash 1,000,000 - 10,010 + 4,395 - 1,902 = 992,483; equity 1,001,123; total P&L = equity - 1,000,000 put in
    expect(end).toMatchObject({ marketValuePaise: 8_640, unrealizedPnlPaise: 707, equityPaise: 1_001_123, netInflowPaise: 1_000_000, totalPnlPaise: 1_123 });
    expect(end.pnlSplit).toEqual({ realizedNetPaise: 424, unrealizedPnlPaise: 707, openChargesPaise: 8 }); // 424 + 707 - 8 = 1,123
    expect(end.sources).toContainEqual(expect.objectContaining({ stream: MARKET_PRICES_STREAM, events: 1 }));
    // Recorded order differs (A, B, C): B realized 391 and C was added afterwards
    const now = await portfolioAsOf(store, ACC, new Date().toISOString(), 'recorded');
    expect(now.positions[0]).toMatchObject({ quantity: 8, costBasisPaise: 7_900, realizedNetPaise: 391 });
    expect(end.cashPaise).toBe(now.cashPaise); // cash does not depend on the order
  });

  it('explains a figure by exactly the events that produced it', async () => {
    const cash = await explainFigure(store, ACC, 'cash');
    expect(cash.contributions.map((c) => [c.type, c.amount])).toEqual([
      ['AccountOpened', 1_000_000],
      ['CashSettled', -10_010],
      ['CashSettled', 4_395],
      ['CashSettled', -1_902],
    ]);
    expect(cash.value).toBe(992_483);
    expect(cash.contributions[1]).toMatchObject({ actor: 'key:alice', correlationId: 'corr-A' });
    const realized = await explainFigure(store, ACC, 'realized:INFY');
    expect(realized.contributions.map((c) => [c.type, c.amount])).toEqual([['PositionReduced', 391]]);
    const quantity = await explainFigure(store, ACC, 'quantity:INFY');
    expect(quantity.contributions.map((c) => c.amount)).toEqual([10, -4, 2]);
    await expect(explainFigure(store, ACC, 'nonsense')).rejects.toMatchObject({ code: 'UNKNOWN_FIGURE' });
  });

  it('builds the causal tree of a correlation id', async () => {
    const all = await store.readAll({ maxCount: 100 });
    const tree = correlationTree('corr-A', all.filter((e) => e.metadata.correlationId === 'corr-A'));
    expect(tree.eventCount).toBe(2);
    expect(tree.commands.map((c) => c.events.map((e) => e.type))).toEqual([['PositionOpened'], ['CashSettled']]);
  });
});
