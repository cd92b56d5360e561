import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { SqliteEventStore } from '@robo/event-store';
import { latestBusinessTime } from '@robo/runtime';
import { FIXTURE_FILL_CLOCK_SKEW_MS, MARKET_OPEN_INSTANT } from './test-app';

/** Where business time stands in a data directory's log (null for none): a restart starts its clock there. */
async function resumeInstant(dataDir: string): Promise<string | null> {
  const file = path.join(dataDir, 'events.db');
  if (!fs.existsSync(file)) return null;
  const events = SqliteEventStore.open({ file });
  try {
    return await latestBusinessTime(events);
  } finally {
    await events.close();
  }
}

const MAIN = path.resolve(__dirname, '../../../dist/apps/api/src/main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The real api as a child process (built output), for crash and restart tests. */
export class ChildApp {
  private child: ChildProcess | null = null;
  /** Everything the process wrote to stdout and stderr, across restarts. */
  output = '';
  /** How the last run ended: an exit code, or the signal that killed it. */
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly env: Record<string, string> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 20_000): Promise<void> {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
    // A restart goes on from the log's business time: a CLOCK_START before it is refused (time never runs backwards).
    const clockStart = (await resumeInstant(this.dataDir)) ?? MARKET_OPEN_INSTANT;
    this.child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, PORT: String(this.port), HOST: '127.0.0.1', DATA_DIR: this.dataDir, CLOCK_START: clockStart, FILL_CLOCK_SKEW_MS: FIXTURE_FILL_CLOCK_SKEW_MS, LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d) => (this.output += d));
    this.child.stderr?.on('data', (d) => (this.output += d));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`api exited with ${this.child.exitCode}:\n${this.output}`);
      try {
        const res = await fetch(`${this.url}/health/ready`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`api not ready within ${timeoutMs} ms:\n${this.output}`);
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: graceful shutdown (projector checkpoints committed, stores closed). */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** The admin API key printed on the first start of an empty data directory. */
  bootstrapKey(): string {
    const match = /API key: (rtk_\S+)/.exec(this.output);
    if (!match) throw new Error(`no admin key was printed:\n${this.output}`);
    return match[1];
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code, sig) => {
        this.lastExit = { code, signal: sig };
        resolve();
      }),
    );
    child.kill(signal);
    await exited;
    this.child = null;
  }
}

/** An access token for an API key (POST /auth/token), as the Authorization header to send. */
export async function bearer(base: string, apiKey: string): Promise<Record<string, string>> {
  const res = await api(base, 'POST', '/auth/token', { apiKey });
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { authorization: `Bearer ${res.body.accessToken}` };
}

/** A new key made by an admin through POST /api/admin/keys. */
export async function createKey(base: string, admin: Record<string, string>, role: string, accountIds: string[] = []): Promise<{ kid: string; apiKey: string }> {
  const res = await api(base, 'POST', '/api/admin/keys', { name: `${role}-key`, role, accountIds }, admin);
  if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { kid: res.body.kid, apiKey: res.body.apiKey };
}

export async function api(base: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
