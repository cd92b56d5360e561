import { fixtureReportFill } from '@robo/domain/testing/fill-context';
import { createMarketCalendar, orderDecider, toUtcIso, type OrderCommand, type OrderEvent, type RiskContext } from '@robo/domain';
import { projectAll, TestLog } from '../testing/test-log';
import { auditId, auditProjection, type AuditDoc } from './audit.projection';

const placed = {
  orderId: 'o1',
  accountId: 'a1',
  instrument: 'RELIANCE',
  side: 'BUY' as const,
  quantity: 10,
  orderType: 'LIMIT' as const,
  limitPricePaise: 250000,
  triggerPricePaise: null,
  product: 'CNC' as const,
  validity: 'DAY' as const,
  strategyId: null,
  clientOrderId: null,
  placedAt: '2026-01-05T10:00:00+05:30',
};

function audit(log: TestLog): AuditDoc[] {
  const docs = projectAll(auditProjection, log.events).get('audit')!;
  return [...docs.keys()].sort().map((id) => docs.get(id) as AuditDoc);
}

describe('auditProjection', () => {
  it('writes one document per event, with the envelope, the ids found in data, and a summary', () => {
    const log = new TestLog();
    log.append('order-o1', { type: 'OrderPlaced', data: placed }, { correlationId: 'c-7', actor: 'user:asha', occurredAt: '2026-01-05T10:00:00+05:30', recordedAt: '2026-01-05T04:30:00.123Z' });
    log.append('order-o1', { type: 'OrderAccepted', data: { orderId: 'o1', accountId: 'a1', reservedPaise: 2500000 } }, { correlationId: 'c-7', causationId: 'evt-1' });
    const docs = audit(log);
    expect(docs[0]).toEqual({
      position: 1,
      streamName: 'order-o1',
      streamRevision: 0,
      eventId: '00000000-0000-4000-8000-000000000001',
      type: 'OrderPlaced',
      correlationId: 'c-7',
      causationId: null,
      actor: 'user:asha',
      occurredAt: '2026-01-05T10:00:00+05:30',
      // 10:00 at +05:30 = 04:30 UTC
      occurredAtUtc: '2026-01-05T04:30:00.000Z',
      recordedAt: '2026-01-05T04:30:00.123Z',
      accountId: 'a1',
      orderId: 'o1',
      summary: 'BUY 10 RELIANCE LIMIT @ Rs 2,500.00',
      lastEventPosition: 1,
    });
    expect(docs[1]).toMatchObject({ position: 2, streamRevision: 1, accountId: 'a1', orderId: 'o1', causationId: 'evt-1', summary: 'Order accepted, Rs 25,000.00 reserved' });
  });

  it('pads ids to 20 digits so that they sort like positions', () => {
    expect(auditId(7n)).toBe('00000000000000000007');
    expect(auditId(12345678901234567890n)).toBe('12345678901234567890');
    expect([auditId(10n), auditId(9n)].sort()).toEqual([auditId(9n), auditId(10n)]);
    const event = new TestLog(42n).append('account-a1', { type: 'TradingResumed', data: { accountId: 'a1' } });
    expect(auditProjection.keys(event)).toEqual([{ collection: 'audit', id: '00000000000000000042' }]);
  });

  it('summarizes orders, cash and positions in words', () => {
    const log = new TestLog();
    log.append('order-o2', { type: 'OrderPlaced', data: { ...placed, orderId: 'o2', side: 'SELL', quantity: 5, instrument: 'INFY', orderType: 'SL-M', limitPricePaise: null, triggerPricePaise: 145050 } });
    log.append('order-o3', { type: 'OrderPlaced', data: { ...placed, orderId: 'o3', orderType: 'MARKET', limitPricePaise: null } });
    log.append('order-o1', { type: 'OrderRejected', data: { orderId: 'o1', accountId: 'a1', reasonCode: 'MARKET_CLOSED_WEEKEND', reason: 'Saturday' } });
    log.append('order-o1', {
      type: 'OrderFilled',
      data: { orderId: 'o1', accountId: 'a1', fillId: 'f1', quantity: 6, pricePaise: 250005, feesPaise: 1234, filledQuantity: 10, remainingQuantity: 0, occurredAt: 'x' },
    });
    log.append('account-a1', {
      type: 'CashSettled',
      data: {
        accountId: 'a1',
        orderId: 'o1',
        fillId: 'f1',
        instrument: 'RELIANCE',
        side: 'BUY',
        quantity: 10,
        pricePaise: 250000,
        feesPaise: 3500,
        cashDeltaPaise: -2503500,
        reservationReleasedPaise: 2500000,
        realizedPnlPaise: 0,
        tradingDay: '2026-01-05',
      },
    });
    log.append('position-a1-NIFTY 2026-12-31 24000 CE', {
      type: 'PositionOpened',
      data: {
        accountId: 'a1',
        instrument: 'NIFTY 2026-12-31 24000 CE',
        orderId: 'o4',
        fillId: 'f4',
        side: 'SELL',
        fillQuantity: 75,
        quantity: -75,
        pricePaise: 12000,
        feesPaise: 2000,
        occurredAt: 'x',
        cycle: 1,
        costBasisPaise: 900000,
        openFeesPaise: 2000,
      },
    });
    log.append('account-a1', { type: 'RiskLimitsSet', data: { accountId: 'a1', maxOrderValuePaise: 10000000, maxPositionQuantity: null, dailyLossLimitPaise: 500000 } });
    expect(audit(log).map((d) => d.summary)).toEqual([
      'SELL 5 INFY SL-M trigger Rs 1,450.50',
      'BUY 10 RELIANCE MARKET',
      'Order rejected: MARKET_CLOSED_WEEKEND (Saturday)',
      'Filled 6 @ Rs 2,500.05 (10 done, 0 left), charges Rs 12.34',
      'Settled BUY 10 RELIANCE @ Rs 2,500.00: cash -Rs 25,035.00, realized Rs 0.00',
      'Position opened: SELL @ Rs 120.00, now -75 NIFTY 2026-12-31 24000 CE',
      'Risk limits set: order value Rs 1,00,000.00, position none, daily loss Rs 5,000.00',
    ]);
    expect(audit(log).map((d) => d.accountId)).toEqual(['a1', 'a1', 'a1', 'a1', 'a1', 'a1', 'a1']);
  });

  it('records events of types it does not know by their type name', () => {
    const log = new TestLog();
    log.append('strategy-s1', { type: 'StrategyRegistered', data: { strategyId: 's1', accountId: 'a9', name: 'straddle' } });
    expect(audit(log)[0]).toMatchObject({ type: 'StrategyRegistered', summary: 'StrategyRegistered', accountId: 'a9', orderId: null, streamName: 'strategy-s1' });
  });

});

/** Risk context on Friday 20 Nov 2026, 10:00 IST: open market, no limits, 1 lakh rupees of buying power. */
function risk(): RiskContext {
  return {
    now: '2026-11-20T10:00:00+05:30',
    instrument: {
      symbol: 'RELIANCE',
      exchange: 'NSE',
      segment: 'EQ',
      tickSizePaise: 5,
      lotSize: 1,
      referencePricePaise: 147000,
      underlying: null,
      expiry: null,
      strikePaise: null,
      optionType: null,
    },
    calendar: createMarketCalendar({ holidays: [] }),
    account: { halted: false, buyingPowerPaise: 10_000_000, maxOrderValuePaise: null, maxPositionQuantity: null, dailyLossLimitPaise: null, realizedTodayPaise: 0 },
    positionQuantity: 0,
    openBuyQuantity: 0,
    openSellQuantity: 0,
    referencePricePaise: 147000,
  };
}

/** Runs commands through the real order decider, as the command handlers do, and returns every event decided. */
function decided(commands: OrderCommand[]): OrderEvent[] {
  const events: OrderEvent[] = [];
  for (const command of commands) events.push(...orderDecider.decide(command, events.reduce(orderDecider.evolve, orderDecider.initialState)));
  return events;
}

const place = (orderId: string, accountId: string, quantity: number): OrderCommand => ({
  type: 'PlaceOrder',
  data: { orderId, accountId, instrument: 'RELIANCE', side: 'BUY', quantity, orderType: 'LIMIT', limitPricePaise: 147000, product: 'CNC', validity: 'DAY' },
  risk: risk(),
});
const fill = (orderId: string, fillId: string, quantity: number, occurredAt: string): OrderCommand =>
  fixtureReportFill({ orderId, fillId, quantity, pricePaise: 147000, feesPaise: 100, occurredAt }, 'RELIANCE', 'a1');

describe('auditProjection: the per-account view', () => {
  it("includes every event of the account's orders, acceptance and fills included, and nothing of another account", () => {
    const log = new TestLog();
    const o1 = decided([place('o1', 'a1', 10), fill('o1', 'f1', 4, '2026-11-20T10:01:00+05:30'), fill('o1', 'f2', 6, '2026-11-20T10:02:00+05:30')]);
    const o2 = decided([place('o2', 'a2', 5)]);
    for (const event of o1) log.append('order-o1', event);
    for (const event of o2) log.append('order-o2', event);
    // the query the API runs for GET /api/audit?accountId=a1 is an equality on accountId
    const rowsOf = (accountId: string) => audit(log).filter((d) => d.accountId === accountId).map((d) => [d.type, d.orderId]);
    expect(rowsOf('a1')).toEqual([
      ['OrderPlaced', 'o1'],
      ['OrderAccepted', 'o1'],
      ['OrderPartiallyFilled', 'o1'], // 4 of 10
      ['OrderFilled', 'o1'], // 4 + 6 = 10
    ]);
    expect(rowsOf('a2')).toEqual([
      ['OrderPlaced', 'o2'],
      ['OrderAccepted', 'o2'],
    ]);
    expect(audit(log).filter((d) => d.accountId === null)).toEqual([]);
  });

  it('has no account for an order event recorded before order events carried it', () => {
    const log = new TestLog();
    log.append('order-o1', { type: 'OrderAccepted', data: { orderId: 'o1', reservedPaise: 1 } });
    expect(audit(log)[0]).toMatchObject({ type: 'OrderAccepted', orderId: 'o1', accountId: null });
  });
});

describe('auditProjection: business time in UTC', () => {
  /** Events at 04:20 IST (22:50Z the day before), 04:00Z, 10:00 IST (04:30Z) and 05:00:00.5Z, in that order. */
  function mixedOffsets(): TestLog {
    const log = new TestLog();
    const times = ['2026-01-05T04:20:00+05:30', '2026-01-05T04:00:00Z', '2026-01-05T10:00:00+05:30', '2026-01-05T05:00:00.5Z'];
    times.forEach((occurredAt, i) => log.append('account-a1', { type: 'FundsDeposited', data: { accountId: 'a1', amountPaise: i + 1 } }, { occurredAt }));
    return log;
  }

  it('normalises occurredAt to YYYY-MM-DDTHH:mm:ss.sssZ, keeping the original for display', () => {
    expect(audit(mixedOffsets()).map((d) => [d.occurredAt, d.occurredAtUtc])).toEqual([
      ['2026-01-05T04:20:00+05:30', '2026-01-04T22:50:00.000Z'], // 04:20 - 05:30 = 22:50 the day before
      ['2026-01-05T04:00:00Z', '2026-01-05T04:00:00.000Z'],
      ['2026-01-05T10:00:00+05:30', '2026-01-05T04:30:00.000Z'], // 10:00 - 05:30
      ['2026-01-05T05:00:00.5Z', '2026-01-05T05:00:00.500Z'],
    ]);
  });

  it('filters a business-time range correctly by text comparison, where the raw strings would not', () => {
    // The API turns from/to into UTC the same way: 09:45 IST = 04:15Z, 11:00 IST = 05:30Z
    const from = toUtcIso('2026-01-05T09:45:00+05:30')!;
    const to = toUtcIso('2026-01-05T11:00:00+05:30')!;
    expect([from, to]).toEqual(['2026-01-05T04:15:00.000Z', '2026-01-05T05:30:00.000Z']);
    const inRange = (field: 'occurredAt' | 'occurredAtUtc') =>
      audit(mixedOffsets())
        .filter((d) => d[field] !== null && d[field]! >= from && d[field]! < to)
        .map((d) => d.position);
    // 04:30Z and 05:00:00.5Z are in [04:15Z, 05:30Z); 22:50Z the day before and 04:00Z are not
    expect(inRange('occurredAtUtc')).toEqual([3, 4]);
    // the raw strings pick 04:20 IST ("T04:20" is between "T04:15" and "T05:30") and drop 10:00 IST ("T10" >= "T05"): wrong both ways
    expect(inRange('occurredAt')).toEqual([1, 4]);
  });

  it('is indexed for range queries on occurredAtUtc only, and null when occurredAt is not an instant with an offset', () => {
    expect(auditProjection.collections[0]!.indexes).toContainEqual(['occurredAtUtc']);
    expect(auditProjection.collections[0]!.indexes).not.toContainEqual(['occurredAt']);
    const log = new TestLog();
    log.append('account-a1', { type: 'TradingResumed', data: { accountId: 'a1' } }, { occurredAt: '2026-01-05T10:00:00' });
    expect(audit(log)[0]).toMatchObject({ occurredAt: '2026-01-05T10:00:00', occurredAtUtc: null });
  });
});
