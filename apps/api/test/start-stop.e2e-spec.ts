import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './child-app';
import { MARKET_OPEN_INSTANT } from './test-app';

const ROOT = path.resolve(__dirname, '../../..');
const MAIN = path.join(ROOT, 'dist/apps/api/src/main.js');

/** Resolves once `port` on 127.0.0.1 can be listened on again (it is free), false when it is held. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The processes whose environment holds this DATA_DIR: what a test started, to clean up after a failure. */
function processesOf(dataDir: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`DATA_DIR=${dataDir}`)) found.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

interface Started {
  child: ChildProcess;
  output: () => string;
  /** Resolves when every process holding the output pipes has ended (npm, its shell and node). */
  closed: Promise<void>;
}

function startNpm(dir: string, dataDir: string, port: number): Started {
  let output = '';
  const child = spawn('npm', ['start', '--silent'], {
    cwd: dir,
    detached: true,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DEMO: 'false', CLOCK_START: MARKET_OPEN_INSTANT, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const closed = Promise.all([new Promise((r) => child.stdout!.once('close', r)), new Promise((r) => child.stderr!.once('close', r))]).then(() => undefined);
  return { child, output: () => output, closed };
}

/** Resolves with the output once `text` appears in it; rejects when the process ends first. */
function waitFor(started: Started, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (started.output().includes(text)) {
        started.child.stdout!.off('data', check);
        resolve(started.output());
      }
    };
    started.child.stdout!.on('data', check);
    started.closed.then(() => reject(new Error(`ended before "${text}":\n${started.output()}`)));
    check();
  });
}

describe('npm start: stopping with SIGTERM or Ctrl-C, and a port in use', () => {
  let dir: string;
  const dataDirs: string[] = [];

  beforeAll(() => {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
    // The real start script, in a copy of the project whose build steps are already done.
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-npm-start-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'robo-start-test', private: true, scripts: { build: 'true', 'build:web': 'true', start: pkg.scripts.start } }));
    fs.symlinkSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'));
  });

  afterAll(() => {
    // Only after a failure is anything left: the processes this spec started, by their ids.
    for (const dataDir of dataDirs) for (const pid of processesOf(dataDir)) process.kill(pid, 'SIGKILL');
  });

  it.each([
    ['SIGTERM to the npm process', (child: ChildProcess) => process.kill(child.pid!, 'SIGTERM')],
    ['Ctrl-C (SIGINT to the terminal process group)', (child: ChildProcess) => process.kill(-child.pid!, 'SIGINT')],
  ])('%s stops the api cleanly and frees the port', async (_how, send) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-npm-data-'));
    dataDirs.push(dataDir);
    const port = await freePort();
    const started = startNpm(dir, dataDir, port);
    const output = await waitFor(started, 'Robo Trader is listening');
    const base = `http://127.0.0.1:${port}`;
    expect(output).toContain(`Robo Trader is listening on ${base}: dashboard ${base}/ , API docs ${base}/docs`);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    send(started.child);
    await started.closed;
    expect(started.output()).toContain('stopped: projector checkpoints committed, stores closed');
    expect(processesOf(dataDir)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
  });

  it('a port in use: one line naming the port and what to do, exit 69, no stack', async () => {
    const port = await freePort();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-port-data-'));
      dataDirs.push(dataDir);
      const child = spawn(process.execPath, [MAIN], {
        env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DEMO: 'false', CLOCK_START: MARKET_OPEN_INSTANT, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
      expect(code).toBe(69);
      expect(stderr.trim()).toBe(`port ${port} is already in use (another Robo Trader or another program): stop it, or start with PORT set to a free port`);
      expect(`${stdout}${stderr}`).not.toMatch(/EADDRINUSE|\n\s+at /);
    } finally {
      holder.close();
    }
  });
});
