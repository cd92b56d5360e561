import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const MAIN = path.resolve(__dirname, '../../../dist/apps/api/src/main.js');

/** Runs the built api with this environment until it exits (or 45 s). */
function runMain(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-config-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** A bad setting stops the process at start with exit code 78 (EX_CONFIG) and a message naming the variable. */
describe('startup refuses bad configuration (built main, exit code 78)', () => {
  beforeAll(() => {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
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

  it('exits 78 and names the variable, for every kind of mistake', async () => {
    const results = await Promise.all(cases.map(async ([, env]) => runMain(env)));
    const outcomes = results.map((r, i) => [cases[i][0], r.code, r.output.includes(`configuration: ${cases[i][2]}`)]);
    expect(outcomes).toEqual(cases.map(([name]) => [name, 78, true]));
    // The message is one line for people, not a stack trace.
    for (const r of results) expect(r.output).not.toMatch(/\n\s+at /);
  }, 120_000);
});
