import { createMarketCalendar, InstrumentCatalog, type DomainError } from '@robo/domain';
import { at } from '../testing/paper-fixtures';
import {
  initialShortStraddleState,
  parseShortStraddleParams,
  restoreShortStraddleState,
  shortStraddleStep,
  type LegPosition,
  type ShortStraddleParams,
  type ShortStraddleState,
} from './short-straddle';

const [nifty, banknifty] = new InstrumentCatalog().indices();
const calendar = createMarketCalendar({ holidays: [] });
const params: ShortStraddleParams = { underlying: 'NIFTY', lots: 1, entryTime: '09:20', exitTime: '15:10', stopLossPct: 30, product: 'MIS' };
const context = { strategyId: 'str-1', accountId: 'acc-1', capitalAllocationPaise: 50_000_000 };
const CE = 'NIFTY 2026-11-24 26000 CE';
const PE = 'NIFTY 2026-11-24 26000 PE';
const step = (state: ShortStraddleState, now: string, legs: Record<string, LegPosition> = {}, spotPaise = 2_601_234) =>
  shortStraddleStep(state, { now, spotPaise, index: nifty, calendar, legs }, params, context);

describe('short straddle', () => {
  it('waits for the entry time', () => {
    const early = step(initialShortStraddleState, at('09:19'));
    expect(early.intents).toEqual([]);
    expect(early.state).toEqual({ day: '2026-11-20', phase: 'WAITING', legGroupId: null, legs: [] });
    expect(step(initialShortStraddleState, at('09:05')).intents).toEqual([]); // pre-open
  });

  it('at the entry time sells the at-the-money CE and PE of the nearest weekly expiry as one basket', () => {
    // spot 26,012.34 -> ATM 26,000; Friday 20 Nov -> weekly expiry Tuesday 24 Nov; lot 65 (NIFTY from January 2026)
    const { state, intents } = step(initialShortStraddleState, at('09:20'));
    expect(state).toMatchObject({ phase: 'ENTERING', legGroupId: 'str-1:straddle:2026-11-20' });
    expect(intents).toEqual(
      [CE, PE].map((instrument) => ({
        kind: 'PLACE',
        clientOrderId: `str-1:straddle:2026-11-20:entry:${instrument.slice(-2)}`,
        accountId: 'acc-1',
        instrument,
        side: 'SELL',
        quantity: 65,
        orderType: 'MARKET',
        limitPricePaise: null,
        triggerPricePaise: null,
        product: 'MIS',
        validity: 'DAY',
        strategyId: 'str-1',
        legGroupId: 'str-1:straddle:2026-11-20',
        reason: `short straddle: sell ${instrument} at Rs 26,012.34 spot`,
      })),
    );
  });

  it('places a stop-loss per leg at premium x 1.30, rounded up to the tick, once the leg is sold', () => {
    const entered = step(initialShortStraddleState, at('09:20')).state;
    // CE sold 65 @ 203.25: cost 1,321,125; stop = 20,325 x 1.30 = 26,422.5 -> 26,425 (up to the 5-paise tick)
    const ceOnly = step(entered, at('09:21'), { [CE]: { quantity: -65, costBasisPaise: 1_321_125 } });
    expect(ceOnly.intents).toEqual([
      expect.objectContaining({ clientOrderId: 'str-1:straddle:2026-11-20:stop:CE', instrument: CE, side: 'BUY', quantity: 65, orderType: 'SL-M', triggerPricePaise: 26_425, legGroupId: 'str-1:straddle:2026-11-20' }),
    ]);
    expect(ceOnly.state.phase).toBe('ENTERING');
    // PE sold 65 @ 170.85 (cost 1,110,525): stop = 17,085 x 1.30 = 22,210.5 -> 22,215; the CE stop is not repeated
    const both = step(ceOnly.state, at('09:22'), { [CE]: { quantity: -65, costBasisPaise: 1_321_125 }, [PE]: { quantity: -65, costBasisPaise: 1_110_525 } });
    expect(both.intents.map((i) => i.kind === 'PLACE' && [i.instrument, i.triggerPricePaise])).toEqual([[PE, 22_215]]);
    expect(both.state.phase).toBe('ENTERED');
    // a partly filled sale gets no stop yet
    expect(step(entered, at('09:21'), { [CE]: { quantity: -50, costBasisPaise: 1_016_250 } }).intents).toEqual([]);
  });

  it('at the exit time cancels the stops and buys back only the legs still short', () => {
    let state = step(initialShortStraddleState, at('09:20')).state;
    state = step(state, at('09:21'), { [CE]: { quantity: -65, costBasisPaise: 1_321_125 }, [PE]: { quantity: -65, costBasisPaise: 1_110_525 } }).state;
    // the CE stop fired during the day: CE is flat, PE still short
    const exit = step(state, at('15:10'), { [CE]: { quantity: 0, costBasisPaise: 0 }, [PE]: { quantity: -65, costBasisPaise: 1_110_525 } });
    expect(exit.intents.map((i) => [i.kind, i.clientOrderId, i.kind === 'PLACE' ? `${i.side} ${i.quantity} ${i.instrument} ${i.orderType}` : ''])).toEqual([
      ['CANCEL', 'str-1:straddle:2026-11-20:stop:CE', ''],
      ['CANCEL', 'str-1:straddle:2026-11-20:stop:PE', ''],
      ['PLACE', 'str-1:straddle:2026-11-20:exit:PE', `BUY 65 ${PE} MARKET`],
    ]);
    expect(exit.state.phase).toBe('DONE');
    expect(step(exit.state, at('15:11')).intents).toEqual([]);
  });

  it('trades once a day: the next trading day starts afresh; no entry after the exit time', () => {
    const done: ShortStraddleState = { day: '2026-11-20', phase: 'DONE', legGroupId: 'str-1:straddle:2026-11-20', legs: [] };
    const monday = step(done, at('09:20', '2026-11-23'));
    expect(monday.state.legGroupId).toBe('str-1:straddle:2026-11-23');
    expect(monday.intents.map((i) => i.kind === 'PLACE' && i.instrument)).toEqual([CE, PE]); // still Tuesday's expiry
    expect(step(initialShortStraddleState, at('15:15')).intents).toEqual([]);
    // on expiry day the same day's contracts are sold (they trade until 15:30)
    expect(step(initialShortStraddleState, at('09:20', '2026-11-24')).intents[0]).toMatchObject({ instrument: CE });
  });

  it('sells the weekly contracts the exchange lists: Thursday ones before September 2025, none on BANKNIFTY', () => {
    // Wednesday 20 Aug 2025: NIFTY's weekly expiry is still Thursday 21 Aug (lot 75)
    const august = shortStraddleStep(initialShortStraddleState, { now: '2025-08-20T09:20:00+05:30', spotPaise: 2_450_000, index: nifty, calendar, legs: {} }, params, context);
    expect(august.intents.map((i) => i.kind === 'PLACE' && [i.instrument, i.quantity])).toEqual([['NIFTY 2025-08-21 24500 CE', 75], ['NIFTY 2025-08-21 24500 PE', 75]]);
    // BANKNIFTY has had no weekly contracts since November 2024: nothing to sell, the day is done
    const bank = shortStraddleStep(initialShortStraddleState, { now: at('09:20'), spotPaise: 5_800_000, index: banknifty, calendar, legs: {} }, { ...params, underlying: 'BANKNIFTY' }, context);
    expect(bank).toMatchObject({ intents: [], state: { phase: 'DONE' } });
    // an explicit weekday still fixes the expiry day: Thursday 26 Nov 2026
    const thursday = shortStraddleStep(initialShortStraddleState, { now: at('09:20'), spotPaise: 2_601_234, index: nifty, calendar, legs: {} }, { ...params, expiryWeekday: 4 }, context);
    expect(thursday.intents[0]).toMatchObject({ instrument: 'NIFTY 2026-11-26 26000 CE' });
  });

  it('parses its parameters with defaults, and refuses an exit before the entry', () => {
    expect(parseShortStraddleParams({})).toEqual({ underlying: 'NIFTY', lots: 1, entryTime: '09:20', exitTime: '15:10', stopLossPct: 30, product: 'MIS' });
    expect(parseShortStraddleParams({ expiryWeekday: 4 })).toMatchObject({ expiryWeekday: 4 });
    let caught: unknown;
    try {
      parseShortStraddleParams({ entryTime: '15:00', exitTime: '10:00', stopLossPct: 12.345 });
    } catch (error) {
      caught = error;
    }
    expect((caught as DomainError).details).toEqual({ problems: ['entryTime must be before exitTime', 'stopLossPct must be a number in (0, 1000] with at most two decimals'] });
  });
});

describe('short straddle after a restart: the day restored from the orders it placed', () => {
  /** What the log holds of the strategy's day when the run is stopped after `until` (client order id -> order). */
  const placedUntil = (until: string) => {
    const placed = new Map<string, { instrument: string; quantity: number }>();
    const record = (d: { intents: { kind: string; clientOrderId: string }[] }) => {
      for (const i of d.intents) if (i.kind === 'PLACE') placed.set(i.clientOrderId, i as unknown as { instrument: string; quantity: number });
    };
    let state = initialShortStraddleState;
    const sold = { [CE]: { quantity: -65, costBasisPaise: 1_321_125 }, [PE]: { quantity: -65, costBasisPaise: 1_300_000 } };
    for (const [time, legs] of [['09:20', {}], ['09:21', sold], ['15:10', sold]] as const) {
      if (time > until) break;
      const d = step(state, at(time), legs);
      record(d);
      state = d.state;
    }
    return { placed, state };
  };

  it('no order placed that day: waiting, as a fresh start', () => {
    expect(restoreShortStraddleState('str-1', at('11:00'), new Map())).toEqual({ day: '2026-11-20', phase: 'WAITING', legGroupId: null, legs: [] });
  });

  it.each([
    ['after the entry, before the stops', '09:20'],
    ['after the stops', '09:21'],
    ['after the exit', '15:10'],
  ])('%s: the same state the uninterrupted run had', (_name, until) => {
    const { placed, state } = placedUntil(until);
    expect(restoreShortStraddleState('str-1', at('12:00'), placed)).toEqual(state);
  });

  it('restored after the entry, it sells nothing again: it places the stops of the day basket, then buys it back at the exit', () => {
    const { placed } = placedUntil('09:20');
    const restored = restoreShortStraddleState('str-1', at('12:00'), placed);
    const sold = { [CE]: { quantity: -65, costBasisPaise: 1_321_125 }, [PE]: { quantity: -65, costBasisPaise: 1_300_000 } };
    const next = step(restored, at('12:00'), sold, 2_700_000);
    expect(next.intents.map((i) => i.clientOrderId)).toEqual(['str-1:straddle:2026-11-20:stop:CE', 'str-1:straddle:2026-11-20:stop:PE']);
    const exit = step(next.state, at('15:10'), sold, 2_700_000);
    expect(exit.intents.filter((i) => i.kind === 'PLACE').map((i) => i.clientOrderId)).toEqual(['str-1:straddle:2026-11-20:exit:CE', 'str-1:straddle:2026-11-20:exit:PE']);
  });

  it('orders of another day do not count', () => {
    const { placed } = placedUntil('09:21');
    expect(restoreShortStraddleState('str-1', '2026-11-23T06:30:00Z', placed)).toMatchObject({ day: '2026-11-23', phase: 'WAITING' });
  });
});
