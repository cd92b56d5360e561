import type { DomainError } from '@robo/domain';
import { at } from '../testing/paper-fixtures';
import { initialMaCrossoverState, maCrossoverOnBar, parseMaCrossoverParams, type MaCrossoverDecision, type MaCrossoverParams } from './ma-crossover';

const params: MaCrossoverParams = { instrument: 'INFY', fastPeriod: 2, slowPeriod: 4, barSeconds: 60, product: 'MIS', allowShort: false };
const context = { strategyId: 'ma-1', accountId: 'acc-1', capitalAllocationPaise: 1_000_000 };

/** Feeds closes one bar a minute from 10:00 IST, holding what each intent asked for (as if filled at once). */
function run(closes: number[], p: MaCrossoverParams = params): MaCrossoverDecision[] {
  let state = initialMaCrossoverState;
  let position = 0;
  return closes.map((closePaise, i) => {
    const decision = maCrossoverOnBar(state, { closePaise, at: at(`10:${String(i).padStart(2, '0')}`) }, p, { ...context, positionQuantity: position });
    for (const intent of decision.intents) position += intent.side === 'BUY' ? intent.quantity : -intent.quantity;
    state = decision.state;
    return decision;
  });
}

// closes of bars 0 to 8, one a minute from 10:00 IST
const series = [10_000, 10_000, 10_000, 10_000, 9_900, 10_300, 10_400, 9_800, 9_700];

describe('moving-average crossover', () => {
  const decisions = run(series);

  it('says nothing until it has slowPeriod bars, nor while the averages are equal', () => {
    // bar 3: fast (2 bars) = 20,000 / 2 = 10,000, slow (4 bars) = 40,000 / 4 = 10,000: equal, no side yet
    expect(decisions.slice(0, 4).map((d) => [d.signal, d.state.relation])).toEqual([
      [null, null],
      [null, null],
      [null, null],
      [null, null],
    ]);
  });

  it('the first side seen is not a cross', () => {
    // bar 4: fast = (10,000 + 9,900) / 2 = 9,950 < slow = 39,900 / 4 = 9,975: BELOW, but nothing to cross from
    expect([decisions[4].signal, decisions[4].state.relation, decisions[4].intents]).toEqual([null, 'BELOW', []]);
  });

  it('fast crossing above slow buys floor(capital / close) shares', () => {
    // bar 5: closes 10,000 10,000 9,900 10,300; fast = 20,200 / 2 = 10,100 > slow = 40,200 / 4 = 10,050: ABOVE
    // size = floor(1,000,000 / 10,300) = 97
    expect(decisions[5].signal).toBe('BUY');
    expect(decisions[5].intents).toEqual([
      {
        kind: 'PLACE',
        clientOrderId: 'ma-1:ma:20261120T043500Z', // the bar at 10:05 IST = 04:35Z
        accountId: 'acc-1',
        instrument: 'INFY',
        side: 'BUY',
        quantity: 97,
        orderType: 'MARKET',
        limitPricePaise: null,
        triggerPricePaise: null,
        product: 'MIS',
        validity: 'DAY',
        strategyId: 'ma-1',
        reason: 'SMA(2) crossed above SMA(4) at Rs 103.00',
      },
    ]);
  });

  it('staying above, or touching (equal averages), does not signal again', () => {
    // bar 6: fast 10,350 > slow 10,150. bar 7: closes 9,900 10,300 10,400 9,800: fast = 20,200 / 2 = 10,100 = slow 40,400 / 4
    expect(decisions.slice(6, 8).map((d) => [d.signal, d.state.relation])).toEqual([
      [null, 'ABOVE'],
      [null, 'ABOVE'],
    ]);
  });

  it('fast crossing below slow sells the holding (long-only)', () => {
    // bar 8: closes 10,300 10,400 9,800 9,700; fast = 9,750 < slow = 40,200 / 4 = 10,050
    expect(decisions[8].signal).toBe('SELL');
    expect(decisions[8].intents.map((i) => [i.side, i.quantity])).toEqual([['SELL', 97]]);
  });

  it('with allowShort it reverses to a short of floor(capital / close)', () => {
    // target = -floor(1,000,000 / 9,700) = -103; held 97: sell 97 + 103 = 200
    const reversed = run(series, { ...params, allowShort: true });
    expect(reversed[8].intents.map((i) => [i.side, i.quantity])).toEqual([['SELL', 200]]);
  });

  it('sizes from the position it holds now, in whole lots', () => {
    const state = run(series.slice(0, 5))[4].state;
    const decision = maCrossoverOnBar(state, { closePaise: 10_300, at: at('10:05') }, params, { ...context, positionQuantity: 20, lotSize: 10 });
    // size = floor(1,000,000 / 10,300 / 10) x 10 = 90; held 20: buy 70
    expect(decision.intents.map((i) => [i.side, i.quantity])).toEqual([['BUY', 70]]);
    const nothing = maCrossoverOnBar(state, { closePaise: 10_300, at: at('10:05') }, params, { ...context, positionQuantity: 97 });
    expect([nothing.signal, nothing.intents]).toEqual(['BUY', []]);
  });

  it('parses its parameters with defaults and refuses nonsense', () => {
    expect(parseMaCrossoverParams({ instrument: 'INFY', fastPeriod: 5, slowPeriod: 20 })).toEqual({ instrument: 'INFY', fastPeriod: 5, slowPeriod: 20, barSeconds: 60, product: 'MIS', allowShort: false });
    let caught: unknown;
    try {
      parseMaCrossoverParams({ instrument: 'INFY', fastPeriod: 20, slowPeriod: 5, product: 'CNC', allowShort: true });
    } catch (error) {
      caught = error;
    }
    expect((caught as DomainError).code).toBe('STRATEGY_PARAMETERS_INVALID');
    expect((caught as DomainError).details).toEqual({ problems: ['fastPeriod must be smaller than slowPeriod', 'a CNC (delivery) strategy cannot sell short'] });
  });
});
