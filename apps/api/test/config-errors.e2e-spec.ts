import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const DIST = path.resolve(__dirname, '../../../dist/apps');
const MAIN = path.join(DIST, 'api/src/main.js');
const PROJECTOR = path.join(DIST, 'projector/src/main.js');
const CLI = path.join(DIST, 'cli/src/main.js');

/** Runs a built process (the api unless told) with this environment until it exits (or 45 s). */
function runMain(env: Record<string, string>, main: string[] = [MAIN]): Promise<{ code: number | null; output: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-config-'));
  // The run around these tests may point the MongoDB and EventStoreDB suites at servers (.ci/run exports MONGO_URL):
  // each case here says itself which store variables are set.
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  delete inherited.MONGO_URL;
  delete inherited.EVENTSTORE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, main, { env: { ...inherited, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after 45 s:\n${output}`));
    }, 45_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A reference-data file with this content, in a directory of its own. */
function dataFile(name: string, content: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'robo-config-data-')), name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const SOURCES = { brokerage: 'b', stt: 's', exchange: 'e', sebi: 'f', stamp: 'd', gst: 'g' };
const SCHEDULE = {
  effectiveFrom: '2024-10-01',
  sources: SOURCES,
  brokerage: { deliveryBp: 0, percentBp: 3, capPaise: 2000, optionsFlatPaise: 2000 },
  stt: { deliveryBp: 10, intradaySellBp: 2.5, futuresSellBp: 2, optionsSellBp: 10 },
  exchange: { equityBp: 0.297, futuresBp: 0.173, optionsBp: 3.503 },
  sebiBp: 0.01,
  stamp: { deliveryBuyBp: 1.5, intradayBuyBp: 0.3, futuresBuyBp: 0.2, optionsBuyBp: 0.3 },
  gstBp: 1800,
};
const LOTS = ['NIFTY', 'BANKNIFTY', 'FINNIFTY', 'MIDCPNIFTY', 'NIFTYNXT50'].map((underlying) => ({ underlying, fromExpiry: '2024-11-20', lotSize: 25, source: 'circular' }));

/** A bad setting stops the process at start with exit code 78 (EX_CONFIG) and a message naming the variable. */
describe('startup refuses bad configuration (built main, exit code 78)', () => {
  beforeAll(() => {
    for (const main of [MAIN, PROJECTOR, CLI]) if (!fs.existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm test does)`);
  });

  const cases: [string, Record<string, string>, string][] = [
    ['a signing secret that is too short', { AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET'],
    ['no signing secret outside embedded mode', { EVENT_STORE: 'esdb', EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' }, 'AUTH_JWT_SECRET'],
    ['a token lifetime out of range', { AUTH_TOKEN_TTL_SECONDS: '5' }, 'AUTH_TOKEN_TTL_SECONDS'],
    ['a rate limit that is not a number', { RATE_LIMIT_PER_MINUTE: 'lots' }, 'RATE_LIMIT_PER_MINUTE'],
    ['a CORS wildcard', { CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    ['a CORS origin with a path', { CORS_ORIGINS: 'https://ok.example,https://bad.example/app' }, 'CORS_ORIGINS'],
    ['a malformed boolean', { AUTH_BOOTSTRAP_ADMIN: 'maybe' }, 'AUTH_BOOTSTRAP_ADMIN'],
    ['a negative shutdown timeout', { SHUTDOWN_TIMEOUT_MS: '-1' }, 'SHUTDOWN_TIMEOUT_MS'],
    ['a malformed body limit', { BODY_LIMIT: 'huge' }, 'BODY_LIMIT'],
    ['an unknown credential store', { CREDENTIAL_STORE: 'redis' }, 'CREDENTIAL_STORE'],
    ['credentials on MongoDB without its URL', { CREDENTIAL_STORE: 'mongo' }, 'MONGO_URL'],
    // Checked while the modules start, not by loadConfig: must still exit 78, not abort.
    ['a holidays file that does not exist', { HOLIDAYS_FILE: '/nonexistent/holidays.json' }, 'HOLIDAYS_FILE'],
  ];

  // Reference-data files, read while the modules start (more bad files: libs/runtime/src/reference-data.int-spec.ts).
  const referenceDataCases: [string, Record<string, string>, string][] = [
    ['a charge schedule without its sources', { CHARGES_FILE: dataFile('charges.json', { schedules: [{ ...SCHEDULE, sources: { ...SOURCES, stt: '' } }] }) }, 'CHARGES_FILE'],
    ['a lot-size table with a zero lot', { LOT_SIZES_FILE: dataFile('lots.json', { lotSizes: [...LOTS, { ...LOTS[0], fromExpiry: '2026-01-01', lotSize: 0 }] }) }, 'LOT_SIZES_FILE'],
    ['a lot-size table without BANKNIFTY', { LOT_SIZES_FILE: dataFile('lots.json', { lotSizes: LOTS.filter((r) => r.underlying !== 'BANKNIFTY') }) }, 'LOT_SIZES_FILE'],
    ['an expiry rule on weekday 7', { EXPIRY_RULES_FILE: dataFile('rules.json', { expiryRules: [{ underlying: 'NIFTY', fromExpiry: '2025-09-01', weekly: true, weekday: 7, source: 'circular' }] }) }, 'EXPIRY_RULES_FILE'],
  ];

  it('exits 78 and names the variable, for every kind of mistake', async () => {
    const results = await Promise.all(cases.map(async ([, env]) => runMain(env)));
    const outcomes = results.map((r, i) => [cases[i][0], r.code, r.output.includes(`configuration: ${cases[i][2]}`)]);
    expect(outcomes).toEqual(cases.map(([name]) => [name, 78, true]));
    // The message is one line for people, not a stack trace.
    for (const r of results) expect(r.output).not.toMatch(/\n\s+at /);
  }, 120_000);

  // A second batch, so that each process has its time limit on a busy machine.
  it('exits 78 and names the variable for a bad charges, lot-size or expiry-rules file', async () => {
    const results = await Promise.all(referenceDataCases.map(async ([, env]) => runMain(env)));
    const outcomes = results.map((r, i) => [referenceDataCases[i][0], r.code, r.output.includes(`configuration: ${referenceDataCases[i][2]}`)]);
    expect(outcomes).toEqual(referenceDataCases.map(([name]) => [name, 78, true]));
    for (const r of results) expect(r.output).not.toMatch(/\n\s+at /);
  }, 120_000);

  // One loader reads the variables of every module (core, paper trading, the analyst, the command line) in every
  // process, with one error style: a bad analyst bound used to end the api with a stack trace and exit code 1.
  const processes: [string, string[]][] = [
    ['api', [MAIN]],
    ['projector', [PROJECTOR]],
    ['robo accounts list', [CLI, 'accounts', 'list']],
  ];
  const moduleCases: [string, Record<string, string>][] = [
    ['ANALYST_MAX_ROUNDS', { ANALYST_MAX_ROUNDS: 'abc' }],
    ['ANTHROPIC_BASE_URL', { ANTHROPIC_BASE_URL: 'ftp://models.example' }],
    ['PAPER_TICK_MS', { PAPER_TICK_MS: 'abc' }],
    ['EXPIRY_SWEEP_MS', { EXPIRY_SWEEP_MS: '5' }],
    ['ROBO_URL', { ROBO_URL: 'localhost:3000' }],
  ];

  it.each(processes)('%s: exits 78 naming the variable of any module, with no stack trace', async (_name, main) => {
    const results = await Promise.all(moduleCases.map(([, env]) => runMain(env, main)));
    const outcomes = results.map((r, i) => [moduleCases[i][0], r.code, r.output.includes(`configuration: ${moduleCases[i][0]} must be`)]);
    expect(outcomes).toEqual(moduleCases.map(([variable]) => [variable, 78, true]));
    for (const r of results) expect(r.output).not.toMatch(/\n\s+at |Error:/);
  }, 120_000);
});
