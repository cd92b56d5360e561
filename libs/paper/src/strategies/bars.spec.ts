import { quote } from '../testing/paper-fixtures';
import { addTickToBar, type Bar } from './bars';

describe('bars', () => {
  it('folds ticks into one-minute OHLC bars and hands a bar over when the next one starts', () => {
    const ticks = [
      quote({ lastPaise: 150_000, volume: 10, at: '2026-11-20T10:00:05+05:30' }),
      quote({ lastPaise: 150_200, volume: 20, at: '2026-11-20T10:00:30+05:30' }),
      quote({ lastPaise: 149_900, volume: 5, at: '2026-11-20T10:00:59+05:30' }),
      quote({ lastPaise: 150_100, volume: 7, at: '2026-11-20T10:01:00+05:30' }),
    ];
    let current: Bar | null = null;
    const completed: Bar[] = [];
    for (const tick of ticks) {
      const step = addTickToBar(current, tick, 60);
      current = step.current;
      if (step.completed) completed.push(step.completed);
    }
    expect(completed).toEqual([{ symbol: 'INFY', startAt: '2026-11-20T04:30:00.000Z', openPaise: 150_000, highPaise: 150_200, lowPaise: 149_900, closePaise: 149_900, volume: 35 }]);
    expect(current).toEqual({ symbol: 'INFY', startAt: '2026-11-20T04:31:00.000Z', openPaise: 150_100, highPaise: 150_100, lowPaise: 150_100, closePaise: 150_100, volume: 7 });
  });

  it('refuses a bar length that is not a positive whole number of seconds', () => {
    expect(() => addTickToBar(null, quote(), 0)).toThrow(expect.objectContaining({ code: 'BAR_SECONDS_INVALID' }));
  });
});
