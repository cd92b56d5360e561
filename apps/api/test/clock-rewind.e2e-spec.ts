import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SqliteEventStore } from '@robo/event-store';
import { latestBusinessTime } from '@robo/runtime';
import { ChildApp, freePort } from './child-app';
import { startTestApp } from './test-app';

const MAIN = path.resolve(__dirname, '../../../dist/apps/api/src/main.js');

/** Runs the built api over this data directory until it exits (or 45 s). */
function runMain(dataDir: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
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

/** A data directory whose log holds an account opened at `clockStart` (business time), and that time as stored. */
async function logAt(clockStart: string): Promise<{ dataDir: string; latest: string }> {
  const t = await startTestApp({ CLOCK_START: clockStart });
  const res = await t.api.post('/api/accounts').send({ name: 'clock', initialCashPaise: 100_000 });
  expect(res.status).toBe(201);
  await t.close();
  const events = SqliteEventStore.open({ file: path.join(t.dataDir, 'events.db') });
  try {
    return { dataDir: t.dataDir, latest: (await latestBusinessTime(events))! };
  } finally {
    await events.close();
  }
}

describe('time never runs backwards: a start before the log is refused (built main, exit code 78)', () => {
  beforeAll(() => {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
  });

  it('a CLOCK_START earlier than the log is refused with a message naming both instants; CLOCK_ALLOW_REWIND=true starts', async () => {
    const { dataDir, latest } = await logAt('2026-11-20T10:00:00+05:30');
    expect(latest.startsWith('2026-11-20T04:30:')).toBe(true);
    const earlier = '2026-11-20T09:30:00+05:30';

    const refused = await runMain(dataDir, { CLOCK_START: earlier });
    expect(refused.code).toBe(78);
    expect(refused.output).toContain('configuration: CLOCK_START');
    expect(refused.output).toContain(earlier);
    expect(refused.output).toContain(latest);
    expect(refused.output).not.toMatch(/\n\s+at /);

    const app = new ChildApp(dataDir, await freePort(), { CLOCK_START: earlier, CLOCK_ALLOW_REWIND: 'true' });
    try {
      await app.start();
      expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    } finally {
      await app.stop();
    }
  }, 120_000);

  it('a CLOCK_START at or after the log starts', async () => {
    const { dataDir, latest } = await logAt('2026-11-20T10:00:00+05:30');
    const app = new ChildApp(dataDir, await freePort(), { CLOCK_START: latest });
    try {
      await app.start();
      expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    } finally {
      await app.stop();
    }
  }, 120_000);

  it('the system clock far behind the log is refused, naming both instants', async () => {
    const { dataDir, latest } = await logAt('2099-01-05T10:00:00+05:30');
    const refused = await runMain(dataDir, { CLOCK_START: '' });
    expect(refused.code).toBe(78);
    expect(refused.output).toContain('configuration: CLOCK_START');
    expect(refused.output).toContain(latest);
    expect(refused.output).toMatch(/system clock, \d{4}-\d{2}-\d{2}T/);
  }, 120_000);
});
