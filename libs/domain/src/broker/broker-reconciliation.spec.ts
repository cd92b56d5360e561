import {
  decideReconciliation,
  evolveBrokerReconciliation,
  initialBrokerReconciliationState,
  type BrokerEvent,
  type BrokerOrderFact,
  type BrokerReconciliationState,
  type ReconcileBroker,
} from './broker-reconciliation';

const AT = '2026-11-20T04:30:00.000Z'; // 10:00 IST
const fold = (events: BrokerEvent[]): BrokerReconciliationState => events.reduce(evolveBrokerReconciliation, initialBrokerReconciliationState);
const order = (over: Partial<BrokerOrderFact> = {}): BrokerOrderFact => ({
  brokerOrderId: '261120000000001',
  tag: null,
  instrument: 'INFY',
  side: 'BUY',
  quantity: 5,
  brokerStatus: 'OPEN',
  routedByUs: false,
  tagIsOurs: false,
  ...over,
});
const pass = (over: Partial<ReconcileBroker> = {}): ReconcileBroker => ({ broker: 'kite', at: AT, orders: [], positions: [], ...over });

describe('decideReconciliation', () => {
  it('records a broker order neither routed by us nor tagged as ours once, however many passes see it', () => {
    const first = decideReconciliation(pass({ orders: [order(), order()] }), initialBrokerReconciliationState);
    expect(first).toEqual([
      { type: 'ExternalBrokerOrderSeen', data: { broker: 'kite', brokerOrderId: '261120000000001', tag: null, instrument: 'INFY', side: 'BUY', quantity: 5, brokerStatus: 'OPEN', seenAt: AT } },
    ]);
    expect(decideReconciliation(pass({ orders: [order({ brokerStatus: 'COMPLETE' })] }), fold(first))).toEqual([]);
  });

  it('leaves our orders alone: routed by us, or carrying our tag before the routing is recorded', () => {
    expect(decideReconciliation(pass({ orders: [order({ routedByUs: true }), order({ brokerOrderId: '2', tag: 'rtabc', tagIsOurs: true })] }), initialBrokerReconciliationState)).toEqual([]);
  });

  it('records a day position that disagrees once per distinct disagreement, and clears it when the two agree again', () => {
    const disagree = pass({ positions: [{ instrument: 'INFY', brokerQuantity: 15, ourQuantity: 10 }] });
    const found = decideReconciliation(disagree, initialBrokerReconciliationState);
    expect(found).toEqual([{ type: 'PositionDiscrepancyFound', data: { broker: 'kite', tradingDay: '2026-11-20', instrument: 'INFY', brokerQuantity: 15, ourQuantity: 10, seenAt: AT } }]);
    const state = fold(found);
    expect(decideReconciliation(disagree, state)).toEqual([]);
    const other = decideReconciliation(pass({ positions: [{ instrument: 'INFY', brokerQuantity: 20, ourQuantity: 10 }] }), state);
    expect(other.map((e) => [e.type, 'brokerQuantity' in e.data ? e.data.brokerQuantity : null])).toEqual([['PositionDiscrepancyFound', 20]]);
    expect(decideReconciliation(pass({ positions: [{ instrument: 'INFY', brokerQuantity: 10, ourQuantity: 10 }] }), state)).toEqual([
      { type: 'PositionDiscrepancyCleared', data: { broker: 'kite', tradingDay: '2026-11-20', instrument: 'INFY', quantity: 10, seenAt: AT } },
    ]);
  });

  it('agreeing positions decide nothing; an open discrepancy no longer listed (flat on both sides, or the day is over) is cleared', () => {
    expect(decideReconciliation(pass({ positions: [{ instrument: 'INFY', brokerQuantity: 10, ourQuantity: 10 }] }), initialBrokerReconciliationState)).toEqual([]);
    const state = fold(decideReconciliation(pass({ positions: [{ instrument: 'TCS', brokerQuantity: -3, ourQuantity: 0 }] }), initialBrokerReconciliationState));
    const nextDay = '2026-11-23T04:00:00.000Z';
    expect(decideReconciliation(pass({ at: nextDay }), state)).toEqual([
      { type: 'PositionDiscrepancyCleared', data: { broker: 'kite', tradingDay: '2026-11-20', instrument: 'TCS', quantity: 0, seenAt: nextDay } },
    ]);
    expect(fold([...decideReconciliation(pass({ positions: [{ instrument: 'TCS', brokerQuantity: -3, ourQuantity: 0 }] }), initialBrokerReconciliationState)]).discrepancies.size).toBe(1);
  });

  it('refuses figures that are not whole quantities and an instant that is not one', () => {
    expect(() => decideReconciliation(pass({ positions: [{ instrument: 'INFY', brokerQuantity: 1.5, ourQuantity: 0 }] }), initialBrokerReconciliationState)).toThrow(expect.objectContaining({ code: 'INVALID_QUANTITY' }));
    expect(() => decideReconciliation(pass({ at: 'yesterday' }), initialBrokerReconciliationState)).toThrow(expect.objectContaining({ code: 'INVALID_INSTANT' }));
  });
});
