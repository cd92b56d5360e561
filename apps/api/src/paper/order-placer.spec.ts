import { Logger, type LoggerService } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import type { OrderIntent } from '@robo/paper';
import type { PlaceOrderOutcome } from '../orders/order-commands';
import { OrderPlacer } from './order-placer';

const intent: OrderIntent = {
  kind: 'PLACE',
  clientOrderId: 'str-1:ma:20261120T043000Z',
  accountId: 'acc-1',
  instrument: 'INFY',
  side: 'BUY',
  quantity: 10,
  orderType: 'MARKET',
  limitPricePaise: null,
  triggerPricePaise: null,
  product: 'MIS',
  validity: 'DAY',
  strategyId: 'str-1',
  reason: 'crossed',
};
const ctx = { correlationId: 'c', causationId: null, actor: 'strategy:str-1' };

/** Every line the placer logs, as `level message`. */
const lines: string[] = [];
const capture = (level: string) => (message: unknown, ...rest: unknown[]) => {
  const text = [message, ...rest].find((part) => typeof part === 'string' && part.includes(' ')) ?? String(message);
  lines.push(`${level} ${text}`);
};
const logger: LoggerService = { log: capture('log'), warn: capture('warn'), error: capture('error'), debug: capture('debug'), verbose: capture('verbose') };

const placerAnswering = (outcome: PlaceOrderOutcome) => new OrderPlacer({ execute: async () => outcome } as unknown as CommandBus);

describe('OrderPlacer: what a refused strategy order is logged as', () => {
  beforeAll(() => Logger.overrideLogger(logger));
  afterAll(() => Logger.overrideLogger(false));
  beforeEach(() => lines.splice(0));

  it('a client order id already used for another order is not a pre-trade refusal', async () => {
    const placer = placerAnswering({ outcome: 'rejected', kind: 'rule', code: 'IDEMPOTENCY_KEY_REUSED', message: 'this Idempotency-Key was already used for a different request', orderId: 'o', recorded: false });
    expect(await placer.place(intent, ctx)).toBeNull();
    expect(placer.outcomes).toEqual({ placed: 0, refused: 0, keyReused: 1, failed: 0 });
    expect(lines).toEqual(['warn paper order not placed: its client order id already names a different order']);
  });

  it('a risk rejection is logged as a pre-trade refusal', async () => {
    const placer = placerAnswering({ outcome: 'rejected', kind: 'rule', code: 'INSUFFICIENT_FUNDS', message: 'not enough cash', orderId: 'o', details: {}, recorded: true });
    expect(await placer.place(intent, ctx)).toBeNull();
    expect(placer.outcomes).toEqual({ placed: 0, refused: 1, keyReused: 0, failed: 0 });
    expect(lines).toEqual(['log paper order refused by a pre-trade check']);
  });

  it('a placed order is counted as placed', async () => {
    const placer = placerAnswering({ outcome: 'accepted', result: { orderId: 'o', status: 'OPEN', streamRevision: 1, globalPosition: 2 } });
    expect(await placer.place(intent, ctx)).toMatchObject({ status: 'OPEN' });
    expect(placer.outcomes.placed).toBe(1);
  });
});
