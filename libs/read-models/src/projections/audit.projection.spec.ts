import { projectAll, TestLog } from '../testing/test-log';
import { auditId, auditProjection, type AuditDoc } from './audit.projection';
import { formatPaise } from './format';

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
    log.append('order-o1', { type: 'OrderAccepted', data: { orderId: 'o1', reservedPaise: 2500000 } }, { correlationId: 'c-7', causationId: 'evt-1' });
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
      recordedAt: '2026-01-05T04:30:00.123Z',
      accountId: 'a1',
      orderId: 'o1',
      summary: 'BUY 10 RELIANCE LIMIT @ 2500.00',
    });
    // OrderAccepted does not carry the account id
    expect(docs[1]).toMatchObject({ position: 2, streamRevision: 1, accountId: null, orderId: 'o1', causationId: 'evt-1', summary: 'Order accepted, 25000.00 reserved' });
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
    log.append('order-o1', { type: 'OrderRejected', data: { orderId: 'o1', reasonCode: 'MARKET_CLOSED_WEEKEND', reason: 'Saturday' } });
    log.append('order-o1', {
      type: 'OrderFilled',
      data: { orderId: 'o1', fillId: 'f1', quantity: 6, pricePaise: 250005, feesPaise: 1234, filledQuantity: 10, remainingQuantity: 0, occurredAt: 'x' },
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
      'SELL 5 INFY SL-M trigger 1450.50',
      'BUY 10 RELIANCE MARKET',
      'Order rejected: MARKET_CLOSED_WEEKEND (Saturday)',
      'Filled 6 @ 2500.05 (10 done, 0 left), charges 12.34',
      'Settled BUY 10 RELIANCE @ 2500.00: cash -25035.00, realized 0.00',
      'Position opened: SELL @ 120.00, now -75 NIFTY 2026-12-31 24000 CE',
      'Risk limits set: order value 100000.00, position none, daily loss 5000.00',
    ]);
    // OrderPlaced carries accountId; OrderRejected and OrderFilled do not
    expect(audit(log).map((d) => d.accountId)).toEqual(['a1', 'a1', null, null, 'a1', 'a1', 'a1']);
  });

  it('records events of types it does not know by their type name', () => {
    const log = new TestLog();
    log.append('strategy-s1', { type: 'StrategyRegistered', data: { strategyId: 's1', accountId: 'a9', name: 'straddle' } });
    expect(audit(log)[0]).toMatchObject({ type: 'StrategyRegistered', summary: 'StrategyRegistered', accountId: 'a9', orderId: null, streamName: 'strategy-s1' });
  });

  it('formats paise as rupees', () => {
    expect(formatPaise(0)).toBe('0.00');
    expect(formatPaise(5)).toBe('0.05');
    expect(formatPaise(250000)).toBe('2500.00');
    expect(formatPaise(-1250)).toBe('-12.50');
    expect(formatPaise(-5)).toBe('-0.05');
  });
});
