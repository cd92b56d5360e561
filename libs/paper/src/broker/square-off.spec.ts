import { createMarketCalendar } from '@robo/domain';
import { at } from '../testing/paper-fixtures';
import { squareOffOrders, type SquareOffPosition } from './square-off';

const calendar = createMarketCalendar({ holidays: [] }); // cut-offs 15:20 equity, 15:25 derivatives (the defaults)
const positions: SquareOffPosition[] = [
  { accountId: 'acc-1', instrument: 'INFY', segment: 'EQ', product: 'MIS', quantity: 40, cycle: 1, strategyId: 'ma-1' },
  { accountId: 'acc-1', instrument: 'TCS', segment: 'EQ', product: 'CNC', quantity: 5, cycle: 1 },
  { accountId: 'acc-1', instrument: 'NIFTY 2026-11-24 26000 CE', segment: 'OPT', product: 'MIS', quantity: -75, cycle: 2 },
  { accountId: 'acc-1', instrument: 'SBIN', segment: 'EQ', product: 'MIS', quantity: 0, cycle: 3 },
];

describe('MIS square-off', () => {
  it('proposes nothing before the equity cut-off', () => {
    expect(squareOffOrders(positions, at('15:19'), calendar)).toEqual([]);
  });

  it('at 15:20 IST flattens intraday equity positions only (not delivery, not flat ones, not yet derivatives)', () => {
    expect(squareOffOrders(positions, at('15:20'), calendar)).toEqual([
      {
        kind: 'PLACE',
        clientOrderId: 'sqoff:acc-1:INFY:2026-11-20:c1',
        accountId: 'acc-1',
        instrument: 'INFY',
        side: 'SELL',
        quantity: 40,
        orderType: 'MARKET',
        limitPricePaise: null,
        triggerPricePaise: null,
        product: 'MIS',
        validity: 'IOC',
        strategyId: 'ma-1',
        reason: 'MIS square-off after the equity cut-off',
      },
    ]);
  });

  it('from 15:25 IST also buys back short derivative positions, with an id the api accepts', () => {
    const orders = squareOffOrders(positions, '2026-11-20T09:55:00Z', calendar); // 15:25 IST
    expect(orders.map((o) => [o.instrument, o.side, o.quantity, o.strategyId])).toEqual([
      ['INFY', 'SELL', 40, 'ma-1'],
      ['NIFTY 2026-11-24 26000 CE', 'BUY', 75, null],
    ]);
    expect(orders[1].clientOrderId).toBe('sqoff:acc-1:NIFTY_2026-11-24_26000_CE:2026-11-20:c2');
    for (const o of orders) expect(o.clientOrderId).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
  });

  it('the cut-offs come from the calendar', () => {
    const early = createMarketCalendar({ holidays: [], misCutoffEquity: '15:00', misCutoffDerivatives: '15:10' });
    expect(squareOffOrders(positions, at('15:05'), early).map((o) => o.instrument)).toEqual(['INFY']);
  });

  it('proposes nothing once the market has closed or on a closed day (the orders could not execute)', () => {
    expect(squareOffOrders(positions, at('15:30'), calendar)).toEqual([]);
    expect(squareOffOrders(positions, at('15:22', '2026-11-21'), calendar)).toEqual([]); // Saturday
  });

  it('is idempotent by id: the same position on the same day gets the same order', () => {
    expect(squareOffOrders(positions, at('15:26'), calendar)).toEqual(squareOffOrders(positions, at('15:28'), calendar));
  });
});
