import type { Side } from '../common/types';
import { deciderSpec } from '../testing/given-when-then';
import type { PositionCommand } from './position.commands';
import { decidePosition, positionDecider } from './position.decider';
import type { PositionEvent, PositionFillRef } from './position.events';
import { evolvePosition, initialPositionState, positionStreamName, type PositionState } from './position.state';
import { averagePricePaise, unrealizedPnlPaise } from './position.views';

const spec = deciderSpec(decidePosition, evolvePosition, initialPositionState);
const at = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00+05:30`;

function fill(fillId: string, side: Side, quantity: number, pricePaise: number, feesPaise: number, minute = 0): PositionCommand {
  return {
    type: 'ApplyFill',
    data: { accountId: 'acc-1', instrument: 'INFY', orderId: `o-${fillId}`, fillId, side, quantity, pricePaise, feesPaise, occurredAt: at(minute) },
  };
}

/** The PositionFillRef an event carries for (part of) a fill command: fillQuantity units with their charges. */
function ref(command: PositionCommand, fillQuantity: number, feesPaise: number, cycle: number): PositionFillRef {
  const { accountId, instrument, orderId, fillId, side, pricePaise, occurredAt } = command.data;
  return { accountId, instrument, orderId, fillId, side, fillQuantity, pricePaise, feesPaise, occurredAt, cycle };
}

/** Events of earlier fills, each step covered by its own explicit test below. */
function history(...commands: PositionCommand[]): PositionEvent[] {
  const events: PositionEvent[] = [];
  let state = initialPositionState;
  for (const command of commands) {
    for (const event of decidePosition(command, state)) {
      events.push(event);
      state = evolvePosition(state, event);
    }
  }
  return events;
}

const stateAfter = (events: PositionEvent[]): PositionState => events.reduce(evolvePosition, initialPositionState);

// Long scenario: buy 10 @ 100.00 (fees 20), buy 10 @ 110.00 (fees 30), sell 5 @ 120.00 (fees 15), sell 15 @ 100.00 (fees 25).
const buy1 = fill('f-1', 'BUY', 10, 10_000, 20, 1);
const buy2 = fill('f-2', 'BUY', 10, 11_000, 30, 2);
const sell1 = fill('f-3', 'SELL', 5, 12_000, 15, 3);
const sell2 = fill('f-4', 'SELL', 15, 10_000, 25, 4);

describe('position: opening and adding', () => {
  it('a first fill opens cycle 1 with its value and charges', () => {
    // cost = 10 x 10,000 = 100,000
    spec.given([]).when(buy1).then([{ type: 'PositionOpened', data: { ...ref(buy1, 10, 20, 1), quantity: 10, costBasisPaise: 100_000, openFeesPaise: 20 } }]);
  });

  it('a same-side fill increases the position and the average rises', () => {
    // cost = 100,000 + 10 x 11,000 = 210,000; open fees = 20 + 30 = 50
    spec.given(history(buy1)).when(buy2).then([{ type: 'PositionIncreased', data: { ...ref(buy2, 10, 30, 1), quantity: 20, costBasisPaise: 210_000, openFeesPaise: 50 } }]);
    spec
      .given(history(buy1))
      .when(buy2)
      .thenState((s) => {
        // average 100,000 / 10 = 10,000 before; 210,000 / 20 = 10,500 after
        expect(averagePricePaise(stateAfter(history(buy1)))).toBe(10_000);
        expect(averagePricePaise(s)).toBe(10_500);
        expect(s.cycleMaxQuantity).toBe(20);
      });
  });
});

describe('position: reducing and closing a long', () => {
  it('a partial close realizes P&L on the closed part only; the average is unchanged', () => {
    // cost closed = round(210,000 x 5 / 20) = 52,500; entry fees = round(50 x 5 / 20 = 12.5) = 13
    // gross = 5 x 12,000 - 52,500 = 7,500; net = 7,500 - 13 - 15 = 7,472
    // left: 15 units, cost 210,000 - 52,500 = 157,500, open fees 50 - 13 = 37
    spec
      .given(history(buy1, buy2))
      .when(sell1)
      .then([
        {
          type: 'PositionReduced',
          data: {
            ...ref(sell1, 5, 15, 1),
            quantity: 15,
            costBasisPaise: 157_500,
            openFeesPaise: 37,
            closedQuantity: 5,
            realizedGrossPaise: 7_500,
            entryFeesPaise: 13,
            realizedNetPaise: 7_472,
          },
        },
      ]);
    spec
      .given(history(buy1, buy2))
      .when(sell1)
      .thenState((s) => {
        expect(averagePricePaise(s)).toBe(10_500); // 157,500 / 15
        expect([s.cycleRealizedGrossPaise, s.cycleRealizedNetPaise, s.totalRealizedNetPaise]).toEqual([7_500, 7_472, 7_472]);
        expect(s.appliedFills.get('f-3')).toEqual({ orderId: 'o-f-3', realizedGrossPaise: 7_500, realizedNetPaise: 7_472 });
      });
  });

  it('a full close allocates everything left and carries the cycle totals', () => {
    // cost closed = 157,500 (all); entry fees = 37 (all)
    // gross = 15 x 10,000 - 157,500 = -7,500; net = -7,500 - 37 - 25 = -7,562
    // cycle: gross 7,500 - 7,500 = 0; net 7,472 - 7,562 = -90; fees 20 + 30 + 15 + 25 = 90 (net = gross - fees)
    spec
      .given(history(buy1, buy2, sell1))
      .when(sell2)
      .then([
        {
          type: 'PositionClosed',
          data: {
            ...ref(sell2, 15, 25, 1),
            quantity: 0,
            costBasisPaise: 0,
            openFeesPaise: 0,
            closedQuantity: 15,
            realizedGrossPaise: -7_500,
            entryFeesPaise: 37,
            realizedNetPaise: -7_562,
            cycleRealizedGrossPaise: 0,
            cycleRealizedNetPaise: -90,
            cycleFeesPaise: 90,
            openedAt: at(1),
          },
        },
      ]);
    spec
      .given(history(buy1, buy2, sell1))
      .when(sell2)
      .thenState((s) => {
        expect(s.quantity).toBe(0);
        expect(s.openedAt).toBeNull();
        expect(s.closedCycles).toEqual([
          { cycle: 1, direction: 'LONG', openedAt: at(1), closedAt: at(4), maxQuantity: 20, realizedGrossPaise: 0, realizedNetPaise: -90, feesPaise: 90 },
        ]);
        expect([s.totalRealizedGrossPaise, s.totalRealizedNetPaise, s.totalFeesPaise]).toEqual([0, -90, 90]);
        expect(averagePricePaise(s)).toBe(0);
        expect(unrealizedPnlPaise(s, 12_345)).toBe(0);
      });
  });

  it('net realized P&L is gross minus the charges of both legs', () => {
    const buy = fill('b', 'BUY', 100, 250_000, 4_158, 1);
    const sell = fill('s', 'SELL', 100, 252_000, 9_658, 2);
    // gross = 100 x (252,000 - 250,000) = 200,000; net = 200,000 - 4,158 (entry) - 9,658 (exit) = 186,184
    spec
      .given(history(buy))
      .when(sell)
      .thenEvents(([closed]) => {
        expect(closed.type).toBe('PositionClosed');
        if (closed.type !== 'PositionClosed') return;
        expect([closed.data.realizedGrossPaise, closed.data.entryFeesPaise, closed.data.realizedNetPaise]).toEqual([200_000, 4_158, 186_184]);
        expect([closed.data.cycleRealizedNetPaise, closed.data.cycleFeesPaise]).toEqual([186_184, 13_816]); // 4,158 + 9,658
      });
  });
});

describe('position: crossing zero', () => {
  it('a sell larger than the long closes it and opens a short at the fill price, splitting the charges', () => {
    const flip = fill('f-2', 'SELL', 25, 10_200, 7, 2);
    // close 10: exit charges = round(7 x 10 / 25 = 2.8) = 3; the new cycle gets 7 - 3 = 4
    // gross = 10 x 10,200 - 100,000 = 2,000; net = 2,000 - 20 (entry) - 3 (exit) = 1,977
    // open 15 short in cycle 2: cost 15 x 10,200 = 153,000
    spec
      .given(history(buy1))
      .when(flip)
      .then([
        {
          type: 'PositionClosed',
          data: {
            ...ref(flip, 10, 3, 1),
            quantity: 0,
            costBasisPaise: 0,
            openFeesPaise: 0,
            closedQuantity: 10,
            realizedGrossPaise: 2_000,
            entryFeesPaise: 20,
            realizedNetPaise: 1_977,
            cycleRealizedGrossPaise: 2_000,
            cycleRealizedNetPaise: 1_977,
            cycleFeesPaise: 23, // 20 + 3
            openedAt: at(1),
          },
        },
        { type: 'PositionOpened', data: { ...ref(flip, 15, 4, 2), quantity: -15, costBasisPaise: 153_000, openFeesPaise: 4 } },
      ]);
    spec
      .given(history(buy1))
      .when(flip)
      .thenEvents((events) => {
        // fill units split 10 (close) + 15 (open) = 25; the position after each part: 0, then -15
        expect(events.map((e) => [e.type, e.data.fillQuantity, e.data.quantity])).toEqual([
          ['PositionClosed', 10, 0],
          ['PositionOpened', 15, -15],
        ]);
      });
    spec
      .given(history(buy1))
      .when(flip)
      .thenState((s) => {
        expect([s.cycle, s.quantity, s.openedAt, averagePricePaise(s)]).toEqual([2, -15, at(2), 10_200]);
        expect(s.appliedFills.get('f-2')).toEqual({ orderId: 'o-f-2', realizedGrossPaise: 2_000, realizedNetPaise: 1_977 });
        expect(s.totalFeesPaise).toBe(27); // 20 + 3 + 4
        expect(s.closedCycles.map((c) => [c.cycle, c.direction, c.realizedNetPaise])).toEqual([[1, 'LONG', 1_977]]);
      });
  });

  it('a buy larger than a short covers it and opens a long with the rest of the fill', () => {
    const short = fill('x-1', 'SELL', 10, 20_000, 10, 1);
    const flip = fill('x-2', 'BUY', 12, 19_000, 6, 2);
    // close 10: exit charges = round(6 x 10 / 12 = 5) = 5; the new cycle gets 6 - 5 = 1
    // gross = 200,000 - 10 x 19,000 = 10,000; net = 10,000 - 10 (entry) - 5 (exit) = 9,985
    // open 12 - 10 = 2 long in cycle 2: cost 2 x 19,000 = 38,000
    spec
      .given(history(short))
      .when(flip)
      .then([
        {
          type: 'PositionClosed',
          data: {
            ...ref(flip, 10, 5, 1),
            quantity: 0,
            costBasisPaise: 0,
            openFeesPaise: 0,
            closedQuantity: 10,
            realizedGrossPaise: 10_000,
            entryFeesPaise: 10,
            realizedNetPaise: 9_985,
            cycleRealizedGrossPaise: 10_000,
            cycleRealizedNetPaise: 9_985,
            cycleFeesPaise: 15, // 10 + 5
            openedAt: at(1),
          },
        },
        { type: 'PositionOpened', data: { ...ref(flip, 2, 1, 2), quantity: 2, costBasisPaise: 38_000, openFeesPaise: 1 } },
      ]);
  });
});

describe('position: short then cover', () => {
  const short = fill('s-1', 'SELL', 10, 20_000, 10, 1);
  const cover1 = fill('s-2', 'BUY', 4, 19_000, 5, 2);
  const cover2 = fill('s-3', 'BUY', 6, 21_000, 6, 3);

  it('opens a short with a negative quantity', () => {
    spec.given([]).when(short).then([{ type: 'PositionOpened', data: { ...ref(short, 10, 10, 1), quantity: -10, costBasisPaise: 200_000, openFeesPaise: 10 } }]);
  });

  it('covering below the entry price realizes a gain', () => {
    // cost closed = round(200,000 x 4 / 10) = 80,000; entry fees = round(10 x 4 / 10) = 4
    // gross = 80,000 - 4 x 19,000 = 4,000; net = 4,000 - 4 - 5 = 3,991; left -6, cost 120,000, fees 6
    spec
      .given(history(short))
      .when(cover1)
      .then([
        {
          type: 'PositionReduced',
          data: { ...ref(cover1, 4, 5, 1), quantity: -6, costBasisPaise: 120_000, openFeesPaise: 6, closedQuantity: 4, realizedGrossPaise: 4_000, entryFeesPaise: 4, realizedNetPaise: 3_991 },
        },
      ]);
  });

  it('covering above it realizes a loss and closes the short cycle', () => {
    // gross = 120,000 - 6 x 21,000 = -6,000; net = -6,000 - 6 - 6 = -6,012
    // cycle: gross 4,000 - 6,000 = -2,000; net 3,991 - 6,012 = -2,021; fees 10 + 5 + 6 = 21
    spec
      .given(history(short, cover1))
      .when(cover2)
      .thenEvents(([closed, ...rest]) => {
        expect(rest).toEqual([]);
        expect(closed).toEqual({
          type: 'PositionClosed',
          data: {
            ...ref(cover2, 6, 6, 1),
            quantity: 0,
            costBasisPaise: 0,
            openFeesPaise: 0,
            closedQuantity: 6,
            realizedGrossPaise: -6_000,
            entryFeesPaise: 6,
            realizedNetPaise: -6_012,
            cycleRealizedGrossPaise: -2_000,
            cycleRealizedNetPaise: -2_021,
            cycleFeesPaise: 21,
            openedAt: at(1),
          },
        });
      });
  });

  it('unrealized P&L of a short gains as the price falls', () => {
    const s = stateAfter(history(short, cover1));
    // 19,000 x (-6) - (-1) x 120,000 = -114,000 + 120,000 = 6,000
    expect(unrealizedPnlPaise(s, 19_000)).toBe(6_000);
    // 21,000 x (-6) + 120,000 = -6,000
    expect(unrealizedPnlPaise(s, 21_000)).toBe(-6_000);
  });

  it('the symbol traded again after a close starts a new cycle and keeps the earlier P&L', () => {
    const again = fill('s-4', 'BUY', 5, 9_000, 10, 9);
    spec.given(history(short, cover1, cover2)).when(again).then([{ type: 'PositionOpened', data: { ...ref(again, 5, 10, 2), quantity: 5, costBasisPaise: 45_000, openFeesPaise: 10 } }]);
    spec
      .given(history(short, cover1, cover2))
      .when(again)
      .thenState((s) => {
        expect(s.cycle).toBe(2);
        expect([s.cycleRealizedGrossPaise, s.cycleRealizedNetPaise, s.cycleFeesPaise]).toEqual([0, 0, 10]);
        // totals keep cycle 1: gross -2,000, net -2,021; fees 21 + 10 = 31
        expect([s.totalRealizedGrossPaise, s.totalRealizedNetPaise, s.totalFeesPaise]).toEqual([-2_000, -2_021, 31]);
        expect(s.closedCycles).toEqual([
          { cycle: 1, direction: 'SHORT', openedAt: at(1), closedAt: at(3), maxQuantity: 10, realizedGrossPaise: -2_000, realizedNetPaise: -2_021, feesPaise: 21 },
        ]);
      });
  });
});

describe('position: idempotency', () => {
  it('a fill id already applied decides nothing', () => {
    spec.given(history(buy1)).when(buy1).thenNothing();
    spec.given(history(buy1, buy2, sell1)).when(sell1).thenNothing();
  });

  it('a zero-crossing fill applied twice decides nothing the second time', () => {
    const flip = fill('f-2', 'SELL', 25, 10_200, 7, 2);
    spec.given(history(buy1, flip)).when(flip).thenNothing();
  });

  it('the same fill id from another order is a conflict, not a silent skip', () => {
    const reused: PositionCommand = { type: 'ApplyFill', data: { ...buy1.data, orderId: 'o-other' } };
    spec.given(history(buy1)).when(reused).thenThrows('FILL_ID_REUSED');
  });
});

describe('position: rounding', () => {
  it('three partial closes of an odd cost allocate exactly the total', () => {
    const a = fill('r-1', 'BUY', 2, 10_000, 7, 1);
    const b = fill('r-2', 'BUY', 1, 10_001, 0, 2);
    const sells = [fill('r-3', 'SELL', 1, 10_100, 0, 3), fill('r-4', 'SELL', 1, 10_100, 0, 4), fill('r-5', 'SELL', 1, 10_100, 0, 5)];
    // cost 2 x 10,000 + 10,001 = 30,001 over 3 units; entry fees 7
    // 1st: cost round(30,001 / 3 = 10,000.33) = 10,000; fees round(7 / 3 = 2.33) = 2; gross 100; net 98 -> left 20,001 / 5
    // 2nd: cost round(20,001 / 2 = 10,000.5) = 10,001 (half away from zero); fees round(5 / 2 = 2.5) = 3; gross 99; net 96 -> left 10,000 / 2
    // 3rd: cost 10,000; fees 2; gross 100; net 98
    // sums: cost 10,000 + 10,001 + 10,000 = 30,001; fees 2 + 3 + 2 = 7; gross 299 = 3 x 10,100 - 30,001; net 292 = 299 - 7
    const events = history(a, b, ...sells);
    const parts = events.filter((e) => e.type === 'PositionReduced' || e.type === 'PositionClosed');
    expect(parts.map((e) => (e.type === 'PositionReduced' || e.type === 'PositionClosed' ? [e.data.realizedGrossPaise, e.data.entryFeesPaise, e.data.realizedNetPaise] : []))).toEqual([
      [100, 2, 98],
      [99, 3, 96],
      [100, 2, 98],
    ]);
    const last = events[events.length - 1];
    expect(last.type === 'PositionClosed' && [last.data.cycleRealizedGrossPaise, last.data.cycleRealizedNetPaise, last.data.cycleFeesPaise]).toEqual([299, 292, 7]);
    const s = stateAfter(events);
    expect([s.quantity, s.costBasisPaise, s.openFeesPaise, s.totalRealizedGrossPaise, s.totalRealizedNetPaise]).toEqual([0, 0, 0, 299, 292]);
  });

  it('a short allocates with the same rule, mirrored', () => {
    const opens = [fill('m-1', 'SELL', 2, 10_000, 0, 1), fill('m-2', 'SELL', 1, 10_001, 0, 2)];
    const covers = [fill('m-3', 'BUY', 1, 9_900, 0, 3), fill('m-4', 'BUY', 1, 9_900, 0, 4), fill('m-5', 'BUY', 1, 9_900, 0, 5)];
    // cost 30,001 over 3 short units; each cover at 9,900
    // 1st: cost round(10,000.33) = 10,000; gross = 10,000 - 9,900 = 100 -> left 20,001
    // 2nd: cost round(10,000.5) = 10,001; gross = 10,001 - 9,900 = 101 -> left 10,000
    // 3rd: cost 10,000; gross 100. Sum 301 = 30,001 - 3 x 9,900
    const events = history(...opens, ...covers);
    expect(events.map((e) => (e.type === 'PositionReduced' || e.type === 'PositionClosed' ? e.data.realizedGrossPaise : null))).toEqual([null, null, 100, 101, 100]);
    expect(stateAfter(events).totalRealizedGrossPaise).toBe(301);
  });
});

describe('position: validation', () => {
  it.each<[number, number, number, string]>([
    [0, 100, 0, 'QUANTITY_INVALID'],
    [1.5, 100, 0, 'QUANTITY_INVALID'],
    [1, 0, 0, 'PRICE_INVALID'],
    [1, 99.5, 0, 'PRICE_INVALID'],
    [1, 100, -1, 'FEES_INVALID'],
    [1, 100, 0.5, 'FEES_INVALID'],
    [1_000_000_000, 1_000_000_000, 0, 'AMOUNT_INVALID'],
  ])('quantity %p, price %p, fees %p: %s', (quantity, price, fees, code) => {
    spec.given([]).when(fill('x', 'BUY', quantity, price, fees)).thenThrows(code);
  });

  it('refuses a fill for another account or instrument', () => {
    const other: PositionCommand = { type: 'ApplyFill', data: { ...buy2.data, instrument: 'TCS' } };
    spec.given(history(buy1)).when(other).thenThrows('POSITION_MISMATCH');
  });
});

describe('position: helpers', () => {
  it('names the stream and exposes the decider', () => {
    expect(positionStreamName('acc-1', 'INFY')).toBe('position-acc-1-INFY');
    expect(positionDecider.initialState).toBe(initialPositionState);
    expect(positionDecider.decide(buy1, positionDecider.initialState).map((e) => e.type)).toEqual(['PositionOpened']);
  });

  it('unrealized P&L of a long is last x qty - cost', () => {
    // long 20 with cost 210,000 at 11,000: 220,000 - 210,000 = 10,000
    expect(unrealizedPnlPaise(stateAfter(history(buy1, buy2)), 11_000)).toBe(10_000);
  });
});
