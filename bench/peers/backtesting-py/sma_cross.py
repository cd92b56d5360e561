"""The SMA crossover of the benchmark (bench/workloads/backtest.ts) on backtesting.py, on the same CSV bars.

Rules, as close to the ma-crossover sample (libs/paper/src/strategies/ma-crossover.ts) as backtesting.py allows:
- the averages are compared exactly, in integer paise: fast sum x slow against slow sum x fast; a tie keeps the
  relation of the bar before; a cross is a change of relation (none before the first relation is known);
- a cross above buys floor(allocation / close) whole shares when flat; a cross below closes the long (long or flat);
- MIS: from the square-off cut-off (IST time of day, passed in by the benchmark from the domain) no new entry, and a
  position still open is closed at the first bar at or after it;
- the sample's slippage is backtesting.py's `spread` (buys dearer, sells cheaper by that fraction).
What backtesting.py has no counterpart for: the dated charges schedule (commission 0 here), fills against a bar's
volume (it fills the whole order), an event log. It fills a market order at the next bar's open (the benchmark's bars
open at the close before them); the sample's order fills at the quote of the step after the bar closed.

Prints one JSON line: versions, bars, trades, and the seconds of the CSV load, of Backtest.run() and of the whole script
(its imports included).
"""
import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import backtesting  # noqa: E402
from backtesting import Backtest, Strategy  # noqa: E402


def relation(close_paise, fast, slow):
    """+1 where the fast SMA is above the slow one, -1 below, ties carried forward; NaN until the first relation."""
    close = np.asarray(close_paise, dtype=np.float64)  # whole paise: exact in float64 far beyond these sums
    csum = np.concatenate(([0.0], np.cumsum(close)))
    n = len(close)
    rel = np.full(n, np.nan)
    if n < slow:
        return rel
    idx = np.arange(slow - 1, n)
    fast_sum = csum[idx + 1] - csum[idx + 1 - fast]
    slow_sum = csum[idx + 1] - csum[idx + 1 - slow]
    sign = np.sign(fast_sum * slow - slow_sum * fast)
    values = pd.Series(np.where(sign == 0, np.nan, sign)).ffill().to_numpy()
    rel[slow - 1:] = values
    return rel


class SmaCross(Strategy):
    fast = 5
    slow = 20
    allocation_paise = 0
    cutoff_minutes = 24 * 60

    def init(self):
        self.close_paise = np.rint(np.asarray(self.data.Close) * 100)
        self.rel = self.I(relation, self.close_paise, self.fast, self.slow, name='relation')
        index = self.data.index
        self.minutes = np.asarray(index.hour * 60 + index.minute)

    def next(self):
        i = len(self.data) - 1
        if self.minutes[i] >= self.cutoff_minutes:
            if self.position:
                self.position.close()
            return
        now, before = self.rel[-1], self.rel[-2]
        if np.isnan(before) or now == before:
            return
        if now > 0 and not self.position:
            size = int(self.allocation_paise // self.close_paise[i])
            if size > 0:
                self.buy(size=size)
        elif now < 0 and self.position:
            self.position.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--csv', required=True)
    parser.add_argument('--fast', type=int, required=True)
    parser.add_argument('--slow', type=int, required=True)
    parser.add_argument('--cash-paise', type=int, required=True)
    parser.add_argument('--allocation-paise', type=int, required=True)
    parser.add_argument('--spread', type=float, default=0.0)
    parser.add_argument('--cutoff', required=True, help='MIS square-off, HH:MM IST')
    args = parser.parse_args()
    hours, minutes = (int(x) for x in args.cutoff.split(':'))

    t_load = time.perf_counter()
    frame = pd.read_csv(args.csv, parse_dates=['datetime'], index_col='datetime')
    frame = frame.rename(columns={'open': 'Open', 'high': 'High', 'low': 'Low', 'close': 'Close', 'volume': 'Volume'})
    load_seconds = time.perf_counter() - t_load

    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        bt = Backtest(frame, SmaCross, cash=args.cash_paise / 100, spread=args.spread, commission=0.0, finalize_trades=True)
        t_run = time.perf_counter()
        stats = bt.run(fast=args.fast, slow=args.slow, allocation_paise=args.allocation_paise, cutoff_minutes=hours * 60 + minutes)
        run_seconds = time.perf_counter() - t_run
    wall_seconds = time.perf_counter() - T0
    print(json.dumps({
        'peer': 'backtesting.py',
        'version': backtesting.__version__,
        'pandas': pd.__version__,
        'numpy': np.__version__,
        'python': platform.python_version(),
        'bars': int(len(frame)),
        'trades': int(stats['# Trades']),
        'returnPct': float(stats['Return [%]']),
        'loadSeconds': load_seconds,
        'runSeconds': run_seconds,
        'wallSeconds': wall_seconds,
    }))
    return 0


if __name__ == '__main__':
    sys.exit(main())
