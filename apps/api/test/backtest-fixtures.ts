import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../cli/src/cli';

export async function robo(env: Record<string, string>, args: string[]): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), env });
  if (code !== 0) throw new Error(`robo ${args.join(' ')}: exit ${code}: ${err.join('\n')}`);
  return out.join('\n');
}

/** A strategy of one's own: buys `quantity` at the first closed bar, sells holdBars bars later (again each day). */
export const HOLD_BARS = `
module.exports = {
  kind: 'hold-bars',
  description: 'buys quantity at the first closed bar and sells it holdBars bars later',
  parameterSchema: {
    type: 'object',
    properties: { instrument: { type: 'string' }, quantity: { type: 'integer', minimum: 1 }, holdBars: { type: 'integer', minimum: 1, default: 2 } },
    required: ['instrument', 'quantity'],
    additionalProperties: false,
  },
  exampleParameters: { instrument: 'INFY', quantity: 1 },
  bars: (p) => ({ instrument: p.instrument, barSeconds: 60 }),
  initialState: () => ({ seen: 0 }),
  step(state, input, p, ctx) {
    let seen = state.seen;
    const intents = [];
    const order = (side, tag) => ({ kind: 'PLACE', clientOrderId: 'hold-' + tag + '-' + input.now.slice(0, 10), accountId: ctx.accountId,
      instrument: p.instrument, side, quantity: p.quantity, orderType: 'MARKET', limitPricePaise: null, triggerPricePaise: null,
      product: 'MIS', validity: 'DAY', strategyId: ctx.strategyId, reason: tag });
    for (const bar of input.bars) {
      seen += 1;
      if (seen === 1) intents.push(order('BUY', 'entry'));
      if (seen === 1 + p.holdBars) intents.push(order('SELL', 'exit'));
    }
    return { state: { seen }, intents };
  },
};
`;

/** Five one-minute bars of INFY on 2026-11-20 closing at 1,500, 1,510, 1,520, 1,530 and 1,540. */
export const INFY_CSV = ['datetime,open,high,low,close,volume', '2026-11-20 09:15,1500,1500,1500,1500,5000', '2026-11-20 09:16,1510,1510,1510,1510,5000', '2026-11-20 09:17,1520,1520,1520,1520,5000', '2026-11-20 09:18,1530,1530,1530,1530,5000', '2026-11-20 09:19,1540,1540,1540,1540,5000'].join('\n');

export interface Workbench {
  root: string;
  /** DATA_DIR and STRATEGIES_DIR of the api that lists the runs. */
  env: Record<string, string>;
  /** The `robo backtest run` options of a run on the CSV bars (slippage 0, capital 1 lakh, JSON output). */
  csvOptions: string[];
}

/** A temporary folder with the hold-bars module and the INFY bars. */
export function workbench(prefix: string): Workbench {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(root, 'strategies'));
  fs.writeFileSync(path.join(root, 'strategies', 'hold-bars.js'), HOLD_BARS);
  fs.writeFileSync(path.join(root, 'infy.csv'), INFY_CSV);
  const env = { DATA_DIR: path.join(root, 'data'), STRATEGIES_DIR: path.join(root, 'strategies') };
  const csvOptions = ['--csv', path.join(root, 'infy.csv'), '--from', '2026-11-20', '--to', '2026-11-20', '--slippage-bps', '0', '--capital', '100000', '--json'];
  return { root, env, csvOptions };
}
