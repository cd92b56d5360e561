import { BarsFileError, parseBarsCsv, parseIstDateTime, rupeesToPaise } from './csv-bars';
import { BarReplay, BARS_EXHAUSTED_AT } from './bar-market';

function problems(text: string): readonly string[] {
  try {
    parseBarsCsv(text, 'INFY', 'f.csv');
  } catch (error) {
    expect(error).toBeInstanceOf(BarsFileError);
    return (error as BarsFileError).problems;
  }
  throw new Error('parsed');
}

describe('CSV bars', () => {
  it('reads IST times and rupee prices exactly', () => {
    expect(parseIstDateTime('2026-11-20 09:15')).toBe('2026-11-20T03:45:00.000Z');
    expect(parseIstDateTime('2026-11-20T15:29:59+05:30')).toBe('2026-11-20T09:59:59.000Z');
    expect(parseIstDateTime('2026-02-30 09:15')).toBeNull();
    expect(parseIstDateTime('2026-11-20T09:15:00Z')).toBeNull();
    expect([rupeesToPaise('2500'), rupeesToPaise('2500.5'), rupeesToPaise('0.05'), rupeesToPaise('1.005'), rupeesToPaise('-1')]).toEqual([250_000, 250_050, 5, null, null]);
    expect(parseBarsCsv('DateTime,Open,High,Low,Close,Volume\r\n2026-11-20 09:15,10,11.5,9.95,10.10,300\r\n\r\n', 'INFY')).toEqual([
      { symbol: 'INFY', startAt: '2026-11-20T03:45:00.000Z', openPaise: 1_000, highPaise: 1_150, lowPaise: 995, closePaise: 1_010, volume: 300 },
    ]);
  });

  it('names the line of every problem', () => {
    expect(problems('time,o,h,l,c,v\n')).toEqual(['line 1: the header must be datetime,open,high,low,close,volume, got "time,o,h,l,c,v"']);
    expect(problems('datetime,open,high,low,close,volume\n')).toEqual(['the file holds no bars']);
    expect(
      problems(
        ['datetime,open,high,low,close,volume', '2026-11-20 09:15,10,11,9,10,1', '2026-11-20 09:16,10,11,9', '2026-11-20 09:17,10,9,9,10,1', '2026-11-20 09:15,10,11,9,10,1', 'noon,ten,11,9,10,1.5'].join('\n'),
      ),
    ).toEqual([
      'line 3: expected 6 values, got 4',
      'line 4: low must be at most open and close, high at least both',
      'line 5: 2026-11-20 09:15 is not later than the bar before it',
      'line 6: "noon" is not an IST date-time (YYYY-MM-DD HH:MM)',
      'line 6: open "ten" is not a positive amount in rupees (at most two decimals)',
      'line 6: volume "1.5" is not a whole number of shares',
    ]);
  });

  it('replays bars as one quote a step, at the bar\'s close, then stops', () => {
    const bars = parseBarsCsv('datetime,open,high,low,close,volume\n2026-11-20 09:15,10,11,9,10.5,7\n2026-11-20 09:16,10,11,9,10,3', 'INFY');
    const replay = new BarReplay(bars);
    expect(replay.quote('INFY')).toBeNull();
    expect(replay.step()).toEqual({ at: bars[0].startAt, ticks: [{ symbol: 'INFY', bidPaise: 1_050, askPaise: 1_050, lastPaise: 1_050, volume: 7, at: bars[0].startAt }] });
    expect(replay.nextStepAt()).toBe(bars[1].startAt);
    replay.step();
    expect(replay.nextStepAt()).toBe(BARS_EXHAUSTED_AT);
    expect(replay.step().ticks).toEqual([]);
    expect(replay.steps()).toBe(2);
  });
});
