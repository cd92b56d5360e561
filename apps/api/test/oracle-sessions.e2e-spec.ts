import { checkProperty, Harness, type BadFill, type GenOptions, type OracleProperty } from './oracle/session-runner';

/**
 * An independent oracle (issue 20, points 6 and 10): random trading sessions driven through the HTTP api, every
 * portfolio, order and performance figure compared with the reference model in ./oracle/reference-model.ts, which
 * is written from the README and the domain facts without the domain's P&L, charges or statistics code.
 *
 * Sessions are independent (each opens its own accounts in one app), 5 to 20 commands each; some close the app and
 * start it again over the same data directory in their middle. A failure prints fast-check's seed, path and minimal
 * counterexample with the session log, and a command that replays it (ORACLE_SEED, ORACLE_PATH; ORACLE_RUNS_SCALE
 * multiplies the number of sessions).
 */
const SPEC = 'apps/api/test/oracle-sessions.e2e-spec.ts';

/** Refusals the README documents and the app makes today. */
const DOCUMENTED: BadFill[] = ['overQuantity', 'outsideLimit', 'notTriggered', 'reuseSame'];
const BASE: GenOptions = { bad: DOCUMENTED, scheduleFees: 'never', smallAccounts: false, futures: true, restart: false, weirdFills: false };

const PROPERTIES: OracleProperty[] = [
  {
    name: 'cash, positions, realized P&L, fees and orders follow the model',
    runs: 310,
    gen: BASE,
    checks: ['outcomes', 'ledger', 'orders'],
  },
  {
    name: 'equity = cash + market value and total P&L = equity - net money in',
    runs: 150,
    gen: { ...BASE, bad: [...DOCUMENTED, 'offTick', 'beforeOrder', 'future', 'reuseOther'], scheduleFees: 'sometimes', smallAccounts: true },
    checks: ['identities'],
  },
  {
    name: 'reserved cash = what the working orders hold (open buys never cover a sell)',
    runs: 200,
    gen: { ...BASE, smallAccounts: true, futures: false },
    checks: ['outcomes', 'reserved'],
  },
  {
    name: 'charges do not depend on the path: an order filled in parts pays what one execution pays',
    runs: 60,
    gen: { ...BASE, bad: [], scheduleFees: 'always', samePrice: true },
    checks: ['chargesPath'],
  },
  {
    name: "charges from the schedule: DOMAIN.md's rates on the order's cumulative turnover",
    runs: 80,
    gen: { ...BASE, bad: [], scheduleFees: 'always' },
    checks: ['outcomes', 'charges'],
  },
  {
    name: "marks never come from another account's fill",
    runs: 60,
    gen: { ...BASE, bad: [], weirdFills: true, futures: false, minAccounts: 2, peerAtEnd: true },
    checks: ['marks'],
  },
  {
    name: 'performance figures of closed trades follow the model, from the first day',
    runs: 100,
    gen: { ...BASE, bad: [], flattenAtEnd: true },
    checks: ['outcomes', 'performance'],
  },
  ...(['offTick', 'beforeOrder', 'future', 'reuseOther'] as const).map((bad) => ({
    name: `a fill that must be refused (${bad}) is refused and changes nothing`,
    runs: 30,
    gen: { ...BASE, bad: [bad, bad, bad] },
    checks: ['outcomes', 'ledger', 'orders'] as OracleProperty['checks'],
  })),
  {
    name: 'a modification that changes nothing answers without a change',
    runs: 30,
    gen: { ...BASE, bad: [], futures: false, unchangedModify: true },
    checks: ['outcomes', 'ledger', 'orders'],
  },
  {
    name: 'reading with the position the last command answered shows all its effects',
    runs: 40,
    gen: { ...BASE, bad: [], readAtLastAnswer: true },
    checks: ['outcomes', 'ledger'],
  },
  {
    name: 'a restart in the middle of a session loses and changes nothing',
    runs: 10,
    restarts: 20,
    gen: { ...BASE, restart: true },
    checks: ['outcomes', 'ledger', 'orders', 'reserved'],
  },
];

describe('oracle: generated sessions against a reference model', () => {
  const h = new Harness();
  beforeAll(async () => {
    await h.start();
  });
  afterAll(async () => {
    console.log(`oracle: ${h.sessions} sessions, ${h.commands} commands, ${h.restarts} restarts`);
    if (process.env.ORACLE_TIMING) console.log(Object.entries(h.timing).map(([k, v]) => `${k}: ${v.n} x ${(v.ms / v.n).toFixed(2)} ms`).join('\n'));
    await h.close();
  });

  it.each(PROPERTIES.map((p) => [p.name, p] as const))('%s', async (_name, prop) => {
    await checkProperty(h, prop, SPEC);
  }, 600_000);
});
