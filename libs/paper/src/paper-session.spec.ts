import {
  CHARGE_SCHEDULES,
  createMarketCalendar,
  decideOrder,
  decidePosition,
  evolveOrder,
  evolvePosition,
  fold,
  initialOrderState,
  initialPositionState,
  InstrumentCatalog,
  orderChargesPaise,
  unrealizedPnlPaise,
  type Instrument,
  type OrderEvent,
  type OrderState,
  type PositionEvent,
  type PositionState,
} from '@robo/domain';
import { createSimulation } from '@robo/market-data';
import { fixtureFillContext } from '@robo/domain/testing/fill-context';
import { toOrderCommand } from './broker/broker.port';
import { PaperBroker } from './broker/paper-broker';
import { deterministicId } from './ids';
import { addTickToBar, type Bar } from './strategies/bars';
import { initialMaCrossoverState, maCrossoverOnBar, type MaCrossoverParams } from './strategies/ma-crossover';

/**
 * One simulated session, end to end through the pure parts: simulated INFY ticks -> one-minute bars -> the
 * moving-average crossover -> PlaceOrder decided by the domain (risk checks included) -> the paper broker -> its
 * execution reports decided by the domain's order decider -> fills applied to the position decider and to cash.
 * What the api will do with commands and streams, done here with the deciders alone.
 */
const calendar = createMarketCalendar({ holidays: [] });
const catalog = new InstrumentCatalog();
const INFY = catalog.get('INFY') as Instrument;
const INITIAL_CASH = 100_000_000; // 10 lakh rupees
const params: MaCrossoverParams = { instrument: 'INFY', fastPeriod: 5, slowPeriod: 20, barSeconds: 60, product: 'MIS', allowShort: true };
const context = { strategyId: 'ma-demo', accountId: 'acc-demo', capitalAllocationPaise: 20_000_000 };

interface SessionResult {
  log: (OrderEvent | PositionEvent)[];
  orders: Map<string, OrderState>;
  position: PositionState;
  cash: number;
  lastPaise: number;
}

async function runSession(seed: string): Promise<SessionResult> {
  const sim = createSimulation({
    seed,
    instruments: [{ symbol: 'INFY', startPricePaise: INFY.referencePricePaise, annualVolatility: 0.6, tickSizePaise: 5, spreadTicks: 2, volumePerMinute: 2000 }],
    start: '2026-11-20T09:15:00+05:30',
    stepSeconds: 60,
    calendar,
  });
  const broker = new PaperBroker({ slippageBps: 2, maxFillFractionOfVolume: 0.1, calendar, catalog });
  const log: SessionResult['log'] = [];
  const orders = new Map<string, OrderState>();
  let position = initialPositionState;
  let cash = INITIAL_CASH;
  let strategy = initialMaCrossoverState;
  let bar: Bar | null = null;

  const recordOrder = (orderId: string, events: OrderEvent[]) => {
    log.push(...events);
    orders.set(orderId, fold(evolveOrder, orders.get(orderId) ?? initialOrderState, events));
    for (const e of events) {
      if (e.type !== 'OrderFilled' && e.type !== 'OrderPartiallyFilled') continue;
      const order = orders.get(orderId) as Extract<OrderState, { orderId: string }>;
      const { fillId, quantity, pricePaise, feesPaise, occurredAt } = e.data;
      const applied = decidePosition({ type: 'ApplyFill', data: { accountId: order.accountId, instrument: order.instrument, orderId, fillId, side: order.side, quantity, pricePaise, feesPaise, occurredAt } }, position);
      log.push(...applied);
      position = fold(evolvePosition, position, applied);
      cash += (order.side === 'BUY' ? -1 : 1) * quantity * pricePaise - feesPaise;
    }
  };

  // steps 09:16 ... 15:29; the step after lands on the next trading day
  while (sim.nextStepAt().slice(0, 10) === '2026-11-20') {
    const { at: now, ticks } = sim.step();
    for (const report of await broker.match((symbol) => sim.quote(symbol), now)) {
      const command = toOrderCommand(report);
      if (!command) continue;
      const decided = command.type === 'ReportFill' ? { ...command, context: fixtureFillContext(command.data, INFY, { calendar, accountId: report.accountId, position }) } : command;
      recordOrder(report.orderId, decideOrder(decided, orders.get(report.orderId) ?? initialOrderState));
    }
    const folded = addTickToBar(bar, ticks[0], params.barSeconds);
    bar = folded.current;
    if (!folded.completed) continue;
    const decision = maCrossoverOnBar(strategy, { closePaise: folded.completed.closePaise, at: folded.completed.startAt }, params, { ...context, positionQuantity: position.quantity });
    strategy = decision.state;
    for (const intent of decision.intents) {
      if (intent.kind !== 'PLACE') continue;
      const orderId = deterministicId('order', intent.clientOrderId);
      const { kind: _kind, reason: _reason, legGroupId: _group, ...data } = intent;
      const risk = {
        now,
        instrument: INFY,
        calendar,
        account: { halted: false, buyingPowerPaise: cash, maxOrderValuePaise: null, maxPositionQuantity: null, dailyLossLimitPaise: null, realizedTodayPaise: position.totalRealizedNetPaise },
        positionQuantity: position.quantity,
        openBuyQuantity: 0,
        openSellQuantity: 0,
        referencePricePaise: sim.quote('INFY')!.lastPaise,
      };
      recordOrder(orderId, decideOrder({ type: 'PlaceOrder', data: { ...data, orderId }, risk }, initialOrderState));
      const placed = orders.get(orderId)!;
      if (placed.status === 'OPEN') await broker.submit({ ...data, orderId, limitPricePaise: null, triggerPricePaise: null, placedAt: now });
    }
  }
  return { log, orders, position, cash, lastPaise: sim.quote('INFY')!.lastPaise };
}

describe('a simulated paper-trading session', () => {
  let session: SessionResult;
  beforeAll(async () => {
    session = await runSession('session-1');
  });

  it('trades: the crossover placed orders, the broker filled them, the position moved', () => {
    const types = session.log.map((e) => e.type);
    expect(types.filter((t) => t === 'OrderPlaced').length).toBeGreaterThanOrEqual(4);
    expect(types.filter((t) => t === 'OrderFilled').length).toBe(types.filter((t) => t === 'OrderPlaced').length);
    expect(session.position.closedCycles.length).toBeGreaterThanOrEqual(1);
  });

  it('cash + market value = equity, and equity - initial cash = net P&L of the position maths', () => {
    const { position, cash, lastPaise } = session;
    const marketValue = position.quantity * lastPaise;
    const equity = cash + marketValue;
    const netPnl = position.totalRealizedNetPaise + unrealizedPnlPaise(position, lastPaise) - position.openFeesPaise;
    expect(equity - INITIAL_CASH).toBe(netPnl);
  });

  it('realized P&L is the sum over closed trades (cycles), plus what the open cycle has realized', () => {
    const { position } = session;
    const closed = position.closedCycles.reduce((s, c) => s + c.realizedNetPaise, 0);
    expect(position.totalRealizedNetPaise).toBe(closed + position.cycleRealizedNetPaise);
    expect(position.totalRealizedGrossPaise).toBe(position.closedCycles.reduce((s, c) => s + c.realizedGrossPaise, 0) + position.cycleRealizedGrossPaise);
  });

  it('each order pays the charges of one execution of its turnover, from the domain schedule', () => {
    let fees = 0;
    for (const order of session.orders.values()) {
      if (order.status === 'NONE') continue;
      const expected = orderChargesPaise({ side: order.side, product: order.product, turnoverPaise: order.filledValuePaise }, 'EQ', '2026-11-20T15:00:00+05:30', CHARGE_SCHEDULES);
      expect(order.feesPaise).toBe(expected);
      fees += order.feesPaise;
    }
    expect(session.position.totalFeesPaise).toBe(fees);
  });

  it('is reproducible: the same seed gives the same event log; another seed another one', async () => {
    expect((await runSession('session-1')).log).toEqual(session.log);
    expect((await runSession('session-2')).log).not.toEqual(session.log);
  });
});
