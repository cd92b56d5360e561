import type { PositionEvent } from '@robo/domain';
import { projectAll, TestLog } from '../testing/test-log';
import { positionsProjection, type PositionCycleDoc, type PositionDoc } from './positions.projection';

type FillRef = Extract<PositionEvent, { type: 'PositionOpened' }>['data'];

const T = (hhmm: string) => `2026-01-05T${hhmm}:00+05:30`;
const STREAM = 'position-a1-RELIANCE';

/** The fill part of a position event: fillQuantity units of the fill; each event adds the signed `quantity` after it. */
function ref(side: 'BUY' | 'SELL', fillQuantity: number, pricePaise: number, feesPaise: number, at: string, cycle: number, fillId: string) {
  return { accountId: 'a1', instrument: 'RELIANCE', orderId: `o-${fillId}`, fillId, side, fillQuantity, pricePaise, feesPaise, occurredAt: at, cycle };
}

/**
 * Cycle 1 (long):
 *  e1 open     BUY 10 @ 2500.00, fees 10.00 -> qty 10, cost 2500000, open fees 1000
 *  e2 increase BUY 5 @ 2600.00, fees 5.00   -> qty 15, cost 2500000 + 5 x 260000 = 3800000, open fees 1500
 *  e3 reduce   SELL 6 @ 2700.00, fees 8.00:
 *     cost closed 3800000 x 6/15 = 1520000, entry fees 1500 x 6/15 = 600, exit value 6 x 270000 = 1620000
 *     gross 1620000 - 1520000 = 100000; net 100000 - 600 - 800 = 98600 -> qty 9, cost 2280000, open fees 900
 *  e4 close    SELL 9 @ 2400.00, fees 12.00:
 *     cost closed 2280000, entry fees 900, exit 9 x 240000 = 2160000
 *     gross 2160000 - 2280000 = -120000; net -120000 - 900 - 1200 = -122100
 *     cycle gross 100000 - 120000 = -20000; cycle net 98600 - 122100 = -23500; cycle fees 1000 + 500 + 800 + 1200 = 3500
 * Cycle 2 (short):
 *  e5 open     SELL 4 @ 2450.00, fees 3.00 -> qty -4, cost 980000, open fees 300
 */
function scenario(): TestLog {
  const log = new TestLog();
  const opened: FillRef = { ...ref('BUY', 10, 250000, 1000, T('10:00'), 1, 'f1'), quantity: 10, costBasisPaise: 2500000, openFeesPaise: 1000 };
  log.append(STREAM, { type: 'PositionOpened', data: opened });
  log.append(STREAM, {
    type: 'PositionIncreased',
    data: { ...ref('BUY', 5, 260000, 500, T('10:10'), 1, 'f2'), quantity: 15, costBasisPaise: 3800000, openFeesPaise: 1500 },
  });
  log.append(STREAM, {
    type: 'PositionReduced',
    data: {
      ...ref('SELL', 6, 270000, 800, T('11:00'), 1, 'f3'),
      quantity: 9,
      costBasisPaise: 2280000,
      openFeesPaise: 900,
      closedQuantity: 6,
      realizedGrossPaise: 100000,
      entryFeesPaise: 600,
      realizedNetPaise: 98600,
    },
  });
  log.append(STREAM, {
    type: 'PositionClosed',
    data: {
      ...ref('SELL', 9, 240000, 1200, T('12:00'), 1, 'f4'),
      quantity: 0,
      costBasisPaise: 0,
      openFeesPaise: 0,
      closedQuantity: 9,
      realizedGrossPaise: -120000,
      entryFeesPaise: 900,
      realizedNetPaise: -122100,
      cycleRealizedGrossPaise: -20000,
      cycleRealizedNetPaise: -23500,
      cycleFeesPaise: 3500,
      openedAt: T('10:00'),
    },
  });
  log.append(STREAM, {
    type: 'PositionOpened',
    data: { ...ref('SELL', 4, 245000, 300, T('13:00'), 2, 'f5'), quantity: -4, costBasisPaise: 980000, openFeesPaise: 300 },
  });
  return log;
}

function project(events: TestLog['events']) {
  const docs = projectAll(positionsProjection, events);
  return {
    position: docs.get('positions')?.get('a1|RELIANCE') as PositionDoc | undefined,
    cycle: (n: number) => docs.get('position_cycles')?.get(`a1|RELIANCE|${n}`) as PositionCycleDoc | undefined,
  };
}

describe('positionsProjection', () => {
  it('tracks quantity, cost and realized P&L through a reduction', () => {
    const { position } = project(scenario().events.slice(0, 3));
    expect(position).toEqual({
      accountId: 'a1',
      instrument: 'RELIANCE',
      quantity: 9,
      costBasisPaise: 2280000,
      openFeesPaise: 900,
      // 2280000 / 9 = 253333.33...: display only
      averagePricePaise: 2280000 / 9,
      realizedGrossPaise: 100000,
      realizedNetPaise: 98600,
      // 1000 + 500 + 800
      feesPaise: 2300,
      cycle: 1,
      cycleRealizedGrossPaise: 100000,
      cycleRealizedNetPaise: 98600,
      cycleFeesPaise: 2300,
      openedAt: T('10:00'),
      lastFillAt: T('11:00'),
      status: 'OPEN',
      closedCycles: 0,
      lastEventPosition: 3,
    });
  });

  it('closes the cycle with the domain totals', () => {
    const { position } = project(scenario().events.slice(0, 4));
    expect(position).toMatchObject({
      quantity: 0,
      costBasisPaise: 0,
      averagePricePaise: 0,
      // 100000 - 120000
      realizedGrossPaise: -20000,
      // 98600 - 122100
      realizedNetPaise: -23500,
      feesPaise: 3500,
      cycleRealizedGrossPaise: -20000,
      cycleRealizedNetPaise: -23500,
      cycleFeesPaise: 3500,
      status: 'CLOSED',
      closedCycles: 1,
      openedAt: T('10:00'),
      lastFillAt: T('12:00'),
    });
  });

  it('starts a new cycle keeping the totals of the earlier one', () => {
    const { position } = project(scenario().events);
    expect(position).toEqual({
      accountId: 'a1',
      instrument: 'RELIANCE',
      quantity: -4,
      costBasisPaise: 980000,
      openFeesPaise: 300,
      // 980000 / 4
      averagePricePaise: 245000,
      realizedGrossPaise: -20000,
      realizedNetPaise: -23500,
      // 3500 + 300
      feesPaise: 3800,
      cycle: 2,
      cycleRealizedGrossPaise: 0,
      cycleRealizedNetPaise: 0,
      cycleFeesPaise: 300,
      openedAt: T('13:00'),
      lastFillAt: T('13:00'),
      status: 'OPEN',
      closedCycles: 1,
      lastEventPosition: 5,
    });
  });

  it('keeps one history document per cycle', () => {
    const { cycle } = project(scenario().events);
    expect(cycle(1)).toEqual({
      accountId: 'a1',
      instrument: 'RELIANCE',
      cycle: 1,
      direction: 'LONG',
      status: 'CLOSED',
      openedAt: T('10:00'),
      closedAt: T('12:00'),
      realizedGrossPaise: -20000,
      realizedNetPaise: -23500,
      feesPaise: 3500,
      // quantities after each event: 10, 15, 9, 0
      maxAbsQuantity: 15,
      fillsCount: 4,
      lastEventPosition: 4,
    });
    expect(cycle(2)).toEqual({
      accountId: 'a1',
      instrument: 'RELIANCE',
      cycle: 2,
      direction: 'SHORT',
      status: 'OPEN',
      openedAt: T('13:00'),
      closedAt: null,
      realizedGrossPaise: 0,
      realizedNetPaise: 0,
      feesPaise: 300,
      maxAbsQuantity: 4,
      fillsCount: 1,
      lastEventPosition: 5,
    });
  });

  it('keys an event to the position and to its cycle, id with the instrument as is (spaces included)', () => {
    const log = new TestLog();
    const instrument = 'NIFTY 2026-12-31 24000 CE';
    const event = log.append(`position-a1-${instrument}`, {
      type: 'PositionOpened',
      data: { ...ref('BUY', 75, 12000, 2000, T('10:00'), 3, 'x'), instrument, quantity: 75, costBasisPaise: 900000, openFeesPaise: 2000 },
    });
    expect(positionsProjection.keys(event)).toEqual([
      { collection: 'positions', id: 'a1|NIFTY 2026-12-31 24000 CE' },
      { collection: 'position_cycles', id: 'a1|NIFTY 2026-12-31 24000 CE|3' },
    ]);
  });

  it('returns the same documents when an event is applied again', () => {
    const log = scenario();
    const docs = projectAll(positionsProjection, log.events);
    const position = docs.get('positions')!.get('a1|RELIANCE')!;
    const cycle1 = docs.get('position_cycles')!.get('a1|RELIANCE|1')!;
    const reduced = log.events[2]!;
    expect(positionsProjection.apply({ collection: 'positions', id: 'a1|RELIANCE' }, position, reduced)).toBe(position);
    expect(positionsProjection.apply({ collection: 'position_cycles', id: 'a1|RELIANCE|1' }, cycle1, reduced)).toBe(cycle1);
  });
});
