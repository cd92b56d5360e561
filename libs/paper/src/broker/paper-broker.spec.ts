import type { Quote } from '@robo/market-data';
import { at, calendar, quote } from '../testing/paper-fixtures';
import { toOrderCommand, type BrokerOrder, type ExecutionReport } from './broker.port';
import { PaperBroker } from './paper-broker';

const order = (over: Partial<BrokerOrder> = {}): BrokerOrder => ({
  orderId: 'o-1',
  accountId: 'acc-1',
  instrument: 'INFY',
  side: 'BUY',
  quantity: 100,
  orderType: 'LIMIT',
  limitPricePaise: 150_005,
  triggerPricePaise: null,
  product: 'MIS',
  validity: 'DAY',
  placedAt: at('10:00'),
  ...over,
});

describe('paper broker', () => {
  const quotes = (q: Quote | null) => () => q;

  it('executes a resting limit over several steps and reports fills in order to every listener', async () => {
    const broker = new PaperBroker({ slippageBps: 0, maxFillFractionOfVolume: 0.1, calendar });
    const heard: ExecutionReport[] = [];
    broker.onExecution(async (r) => {
      heard.push(r);
    });
    await broker.submit(order());
    await broker.submit(order()); // the same order twice is one order
    const first = await broker.match(quotes(quote({ volume: 600 })), at('10:00'));
    expect(first.map((r) => r.type === 'FILL' && [r.fillId, r.quantity, r.pricePaise])).toEqual([['o-1:p1', 60, 150_005]]);
    expect(broker.working()).toMatchObject([{ orderId: 'o-1', status: 'PARTIALLY_FILLED', filledQuantity: 60 }]);
    const second = await broker.match(quotes(quote({ volume: 5_000 })), at('10:01'));
    expect(second.map((r) => r.type === 'FILL' && [r.fillId, r.quantity])).toEqual([['o-1:p2', 40]]);
    expect(broker.working()).toEqual([]);
    expect(heard).toEqual([...first, ...second]);
  });

  it('reports a trigger before its fill, and maps each report to the order command a real broker would cause', async () => {
    const broker = new PaperBroker({ slippageBps: 0, maxFillFractionOfVolume: 1, calendar });
    await broker.submit(order({ orderType: 'SL-M', side: 'SELL', limitPricePaise: null, triggerPricePaise: 149_000, quantity: 10 }));
    expect(await broker.match(quotes(quote()), at('10:00'))).toEqual([]);
    const reports = await broker.match(quotes(quote({ lastPaise: 149_000, bidPaise: 148_995, askPaise: 149_005 })), at('10:05'));
    expect(reports.map(toOrderCommand)).toEqual([
      { type: 'TriggerOrder', data: { orderId: 'o-1', lastPricePaise: 149_000, now: at('10:05') } },
      { type: 'ReportFill', data: { orderId: 'o-1', fillId: 'o-1:p1', quantity: 10, pricePaise: 148_995, feesPaise: expect.any(Number), occurredAt: at('10:05') } },
    ]);
  });

  it('expires DAY orders at the close and forgets cancelled ones', async () => {
    const broker = new PaperBroker({ slippageBps: 0, maxFillFractionOfVolume: 0.1, calendar });
    await broker.submit(order({ orderId: 'day', limitPricePaise: 100_000 }));
    await broker.submit(order({ orderId: 'gone', limitPricePaise: 100_000 }));
    await broker.cancel('gone');
    const reports = await broker.match(quotes(quote()), at('15:30'));
    expect(reports).toEqual([{ type: 'EXPIRED', orderId: 'day', accountId: 'acc-1', reason: 'end of day (DAY validity)', occurredAt: at('15:30') }]);
    expect(toOrderCommand(reports[0])).toEqual({ type: 'ExpireOrder', data: { orderId: 'day', reason: 'end of day (DAY validity)' } });
    expect(broker.working()).toEqual([]);
  });

  it('resumes a partly filled order after a restart and numbers its next fill after the earlier ones', async () => {
    const broker = new PaperBroker({ slippageBps: 0, maxFillFractionOfVolume: 1, calendar });
    broker.resume({ ...order(), validity: 'DAY', status: 'PARTIALLY_FILLED', filledQuantity: 60, fillIds: ['o-1:p1'], filledValuePaise: 60 * 150_005, feesPaise: 2_500 });
    const [fill] = await broker.match(quotes(quote()), at('11:00'));
    expect(fill).toMatchObject({ type: 'FILL', fillId: 'o-1:p2', quantity: 40 });
  });
});
