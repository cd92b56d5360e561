import { fixtureReportFill } from '@robo/domain/testing/fill-context';
import {
  accountStream,
  decideAccount,
  decideOrder,
  decidePosition,
  evolveAccount,
  evolveOrder,
  evolvePosition,
  initialAccountState,
  initialOrderState,
  initialPositionState,
  istTradingDay,
  MARKET_PRICES_STREAM,
  orderStream,
  positionStreamName,
  type AccountCommand,
  type AccountState,
  type OrderEvent,
  type OrderState,
  type PositionState,
  type Product,
  type Side,
} from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { TestLog } from '../../testing/test-log';
import type { ScenarioEntry } from '../../testing/trading-scenario';

export const D1 = '2026-11-16'; // Monday, ISO week 2026-W47
export const D2 = '2026-11-17';
export const D3 = '2026-11-18';
export const D4 = '2026-11-19';

/** Business time on an IST wall clock. */
export const ist = (date: string, hhmm: string): string => `${date}T${hhmm}:00+05:30`;

export interface OrderSpec {
  accountId: string;
  instrument: string;
  side: Side;
  quantity: number;
  strategyId?: string;
  product?: Product;
}

/**
 * Writes a log the way the api does, with the real deciders: an order's fills through decideOrder, each fill then
 * applied to the position (decidePosition) and settled in cash (decideAccount) as the settlement reactor does,
 * fill ids keyed by order. Orders are MARKET and accepted without a reservation: risk checks are not the subject here.
 */
export class PerformanceScenario {
  readonly entries: ScenarioEntry[] = [];
  private readonly accounts = new Map<string, AccountState>();
  private readonly orders = new Map<string, OrderState>();
  private readonly positions = new Map<string, PositionState>();

  open(accountId: string, initialCashPaise: number, at: string): this {
    return this.account({ type: 'OpenAccount', data: { accountId, name: accountId, initialCashPaise, now: at } }, at);
  }

  deposit(accountId: string, amountPaise: number, at: string): this {
    return this.account({ type: 'DepositFunds', data: { accountId, amountPaise } }, at);
  }

  withdraw(accountId: string, amountPaise: number, at: string): this {
    return this.account({ type: 'WithdrawFunds', data: { accountId, amountPaise } }, at);
  }

  /** The market feed records prices (what marks positions and sets the day closes). */
  market(at: string, prices: Record<string, number>): this {
    this.entries.push({
      streamName: MARKET_PRICES_STREAM,
      event: { type: 'MarketPricesRecorded', data: { at, source: 'simulated:test', prices: Object.entries(prices).map(([instrument, pricePaise]) => ({ instrument, pricePaise })) } },
      occurredAt: at,
    });
    return this;
  }

  /** Places an order at the time of its first fill and reports each fill [quantity, price, fees, time]. */
  trade(orderId: string, spec: OrderSpec, fills: readonly [number, number, number, string][]): this {
    const placedAt = fills[0][3];
    const placed: OrderEvent[] = [
      {
        type: 'OrderPlaced',
        data: {
          orderId,
          accountId: spec.accountId,
          instrument: spec.instrument,
          side: spec.side,
          quantity: spec.quantity,
          orderType: 'MARKET',
          limitPricePaise: null,
          triggerPricePaise: null,
          product: spec.product ?? 'CNC',
          validity: 'DAY',
          strategyId: spec.strategyId ?? null,
          clientOrderId: null,
          placedAt,
        },
      },
      { type: 'OrderAccepted', data: { orderId, accountId: spec.accountId, reservedPaise: 0 } },
    ];
    this.onOrder(orderId, placed, placedAt);
    fills.forEach(([quantity, pricePaise, feesPaise, at], i) => this.fill(orderId, `T-${i + 1}`, quantity, pricePaise, feesPaise, at));
    return this;
  }

  /** The entries as envelopes (global positions 1, 2, ...) with their business times. */
  envelopes(): EventEnvelope[] {
    const log = new TestLog();
    for (const entry of this.entries) log.append(entry.streamName, entry.event, { occurredAt: entry.occurredAt });
    return log.events;
  }

  private fill(orderId: string, fillId: string, quantity: number, pricePaise: number, feesPaise: number, at: string): void {
    const placed = this.orders.get(orderId)!;
    const symbol = placed.status === 'NONE' ? '' : placed.instrument;
    const accountOf = placed.status === 'NONE' ? '' : placed.accountId;
    // Scenarios date fills freely (weekends, any hour): decided as late reports, with the clock at the fill.
    const fillEvents = decideOrder(fixtureReportFill({ orderId, fillId, quantity, pricePaise, feesPaise, occurredAt: at, late: true }, symbol, accountOf), placed);
    this.onOrder(orderId, fillEvents, at);
    const order = this.orders.get(orderId)!;
    if (order.status === 'NONE') throw new Error('unreachable: the order was placed');
    const { accountId, instrument, side } = order;
    const key = `${orderId}:${fillId}`;
    const stream = positionStreamName(accountId, instrument);
    const before = this.positions.get(stream) ?? initialPositionState;
    const positionEvents = decidePosition({ type: 'ApplyFill', data: { accountId, instrument, orderId, fillId: key, side, quantity, pricePaise, feesPaise, occurredAt: at } }, before);
    const after = positionEvents.reduce(evolvePosition, before);
    this.positions.set(stream, after);
    for (const event of positionEvents) this.entries.push({ streamName: stream, event, occurredAt: at });
    this.account(
      {
        type: 'SettleFill',
        data: {
          accountId,
          orderId,
          fillId: key,
          instrument,
          side,
          quantity,
          pricePaise,
          feesPaise,
          reservationToReleasePaise: 0,
          realizedPnlPaise: after.appliedFills.get(key)?.realizedNetPaise ?? 0,
          tradingDay: istTradingDay(at),
        },
      },
      at,
    );
  }

  private onOrder(orderId: string, events: readonly OrderEvent[], at: string): void {
    this.orders.set(orderId, events.reduce(evolveOrder, this.orders.get(orderId) ?? initialOrderState));
    for (const event of events) this.entries.push({ streamName: orderStream(orderId), event, occurredAt: at });
  }

  private account(command: AccountCommand, at: string): this {
    const accountId = command.data.accountId;
    const state = this.accounts.get(accountId) ?? initialAccountState;
    const events = decideAccount(command, state);
    this.accounts.set(accountId, events.reduce(evolveAccount, state));
    for (const event of events) this.entries.push({ streamName: accountStream(accountId), event, occurredAt: at });
    return this;
  }
}

/**
 * Account acc-1 over four days (all figures in paise; worked out in performance.spec.ts):
 *   D1 opens with 1,000,000; buys 10 RELIANCE @ 20,000 (fees 50) and 10 INFY @ 10,000 (fees 30)
 *   D2 deposits 500,000; sells 10 RELIANCE @ 21,000 (fees 60): a winning round trip
 *   D3 sells 10 INFY @ 9,500 (fees 40): a losing round trip; buys 20 TCS @ 30,000 in two fills (12 fees 48, 8 fees 32);
 *      withdraws 200,000; buys 5 TCS @ 29,800 (fees 20), which stay open
 *   D4 nothing; account acc-2 (opened D1) buys 1 TCS @ 31,000 (fees 10): another account's fill, which marks nothing
 * The market closes (recorded prices, the last of each day): D1 RELIANCE 20,000, INFY 10,000; D2 RELIANCE 21,000;
 * D3 INFY 9,500, TCS 29,800; D4 TCS 30,000.
 */
export function accountScenario(): PerformanceScenario {
  const a1 = { accountId: 'acc-1' };
  return new PerformanceScenario()
    .open('acc-1', 1_000_000, ist(D1, '09:00'))
    .open('acc-2', 500_000, ist(D1, '09:05'))
    .trade('a1-o1', { ...a1, instrument: 'RELIANCE', side: 'BUY', quantity: 10 }, [[10, 20_000, 50, ist(D1, '10:00')]])
    .trade('a1-o2', { ...a1, instrument: 'INFY', side: 'BUY', quantity: 10 }, [[10, 10_000, 30, ist(D1, '14:00')]])
    .market(ist(D1, '15:29'), { INFY: 10_000, RELIANCE: 20_000 })
    .deposit('acc-1', 500_000, ist(D2, '09:30'))
    .trade('a1-o3', { ...a1, instrument: 'RELIANCE', side: 'SELL', quantity: 10 }, [[10, 21_000, 60, ist(D2, '11:00')]])
    .market(ist(D2, '15:29'), { RELIANCE: 21_000 })
    .trade('a1-o4', { ...a1, instrument: 'INFY', side: 'SELL', quantity: 10 }, [[10, 9_500, 40, ist(D3, '10:00')]])
    .trade('a1-o5', { ...a1, instrument: 'TCS', side: 'BUY', quantity: 20 }, [
      [12, 30_000, 48, ist(D3, '13:00')],
      [8, 30_000, 32, ist(D3, '13:01')],
    ])
    .withdraw('acc-1', 200_000, ist(D3, '14:00'))
    .trade('a1-o6', { ...a1, instrument: 'TCS', side: 'BUY', quantity: 5 }, [[5, 29_800, 20, ist(D3, '15:00')]])
    .market(ist(D3, '15:29'), { INFY: 9_500, TCS: 29_800 })
    .trade('a2-o1', { accountId: 'acc-2', instrument: 'TCS', side: 'BUY', quantity: 1 }, [[1, 31_000, 10, ist(D4, '11:00')]])
    .market(ist(D4, '15:29'), { TCS: 30_000 });
}

/**
 * Account acc-s traded by two strategies and by hand, interleaved (worked out in performance.spec.ts):
 *   D1 alpha buys 10 RELIANCE @ 20,000 (fees 50); beta sells 4 RELIANCE @ 20,100 (fees 20); by hand: buy 5 INFY @ 10,000 (fees 10)
 *   D2 alpha sells 10 RELIANCE @ 20,500 (fees 55); beta buys 4 RELIANCE @ 20,300 (fees 20); beta sells 2 TCS @ 30,000 (fees 15)
 *   D3 alpha buys 3 TCS: 2 @ 29,900 (fees 6), then 1 @ 29,950 (fees 4)
 *   D4 by hand: sell 5 INFY @ 10,200 (fees 10), buy 1 TCS @ 29,500 (fees 5): the TCS close of the day
 * The account nets everything into one position per instrument (its RELIANCE goes 10, 6, -4, 0); each strategy has its own.
 * The market closes are the last fill prices of each day: D1 RELIANCE 20,100, INFY 10,000; D2 RELIANCE 20,300, TCS 30,000;
 * D3 TCS 29,950; D4 INFY 10,200, TCS 29,500.
 */
export function strategyScenario(): PerformanceScenario {
  const acc = { accountId: 'acc-s' };
  const alpha = { ...acc, strategyId: 'alpha' };
  const beta = { ...acc, strategyId: 'beta' };
  return new PerformanceScenario()
    .open('acc-s', 2_000_000, ist(D1, '09:00'))
    .trade('s-o1', { ...alpha, instrument: 'RELIANCE', side: 'BUY', quantity: 10 }, [[10, 20_000, 50, ist(D1, '10:00')]])
    .trade('s-o2', { ...beta, instrument: 'RELIANCE', side: 'SELL', quantity: 4, product: 'MIS' }, [[4, 20_100, 20, ist(D1, '10:30')]])
    .trade('s-o3', { ...acc, instrument: 'INFY', side: 'BUY', quantity: 5 }, [[5, 10_000, 10, ist(D1, '11:00')]])
    .market(ist(D1, '15:29'), { INFY: 10_000, RELIANCE: 20_100 })
    .trade('s-o4', { ...alpha, instrument: 'RELIANCE', side: 'SELL', quantity: 10 }, [[10, 20_500, 55, ist(D2, '10:00')]])
    .trade('s-o5', { ...beta, instrument: 'RELIANCE', side: 'BUY', quantity: 4, product: 'MIS' }, [[4, 20_300, 20, ist(D2, '11:00')]])
    .trade('s-o6', { ...beta, instrument: 'TCS', side: 'SELL', quantity: 2, product: 'NRML' }, [[2, 30_000, 15, ist(D2, '12:00')]])
    .market(ist(D2, '15:29'), { RELIANCE: 20_300, TCS: 30_000 })
    .trade('s-o7', { ...alpha, instrument: 'TCS', side: 'BUY', quantity: 3 }, [
      [2, 29_900, 6, ist(D3, '10:00')],
      [1, 29_950, 4, ist(D3, '10:05')],
    ])
    .market(ist(D3, '15:29'), { TCS: 29_950 })
    .trade('s-o8', { ...acc, instrument: 'INFY', side: 'SELL', quantity: 5 }, [[5, 10_200, 10, ist(D4, '11:00')]])
    .trade('s-o9', { ...acc, instrument: 'TCS', side: 'BUY', quantity: 1 }, [[1, 29_500, 5, ist(D4, '12:00')]])
    .market(ist(D4, '15:29'), { INFY: 10_200, TCS: 29_500 });
}
