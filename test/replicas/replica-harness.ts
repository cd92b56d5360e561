import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PROJECTOR_MAIN = path.resolve(__dirname, '../../dist/apps/projector/src/main.js');

/** The projector as its own process (built output). */
export class ChildProjector {
  private child: ChildProcess | null = null;
  output = '';
  constructor(private readonly env: Record<string, string>) {}

  start(): void {
    this.child = spawn(process.execPath, [PROJECTOR_MAIN], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d) => (this.output += d));
    this.child.stderr?.on('data', (d) => (this.output += d));
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    this.child = null;
  }
}

/** Polls `probe` until it answers non-null, at most `ms`; the condition is what is waited for, not the time. */
export async function eventually<T>(ms: number, what: string, probe: () => Promise<T | null> | T | null): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `url` (one or several hosts, options kept) naming the database `db`. */
export function withDatabase(url: string, db: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(\/[^?]*)?(\?.*)?$/.exec(url);
  if (!match) throw new Error(`MONGO_URL is not a mongodb:// URL: ${url}`);
  return `${match[1]}/${db}${match[3] ?? ''}`;
}

/**
 * The stores the replicas share besides the SQLite event log. `sqlite`: read models and keys in the data directory's
 * files. `mongo`: read models, checkpoints, the projector lease and the API keys in one database of the server of
 * MONGO_URL (MongoDB, or FerretDB in `npm test`), as several replicas would run in production.
 */
export type SharedStores = { name: string; /** Short, for progress lines. */ label: string; env: (database: () => string) => Record<string, string> };

export const SQLITE_FILES: SharedStores = { name: 'the SQLite files', label: 'sqlite', env: () => ({ READ_STORE: 'sqlite' }) };

export function mongoStores(mongoUrl: string): SharedStores {
  return {
    name: 'MongoDB wire (read models, lease and keys)',
    label: 'mongo',
    env: (database) => ({ READ_STORE: 'mongo', CREDENTIAL_STORE: 'mongo', MONGO_URL: withDatabase(mongoUrl, database()) }),
  };
}

/**
 * Per-phase progress of a long run, to stderr as it happens (Jest prints console output only when a test ends, so a
 * stall would show nothing): `[replicas <label> +12.3s] phase: detail`. REPLICAS_PROGRESS=off silences it.
 */
export function progressLog(label: string): (phase: string, detail?: unknown) => void {
  const started = Date.now();
  const quiet = process.env.REPLICAS_PROGRESS === 'off';
  return (phase, detail) => {
    if (quiet) return;
    const suffix = detail === undefined ? '' : `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`;
    process.stderr.write(`[replicas ${label} +${((Date.now() - started) / 1000).toFixed(1)}s] ${phase}${suffix}\n`);
  };
}

/** With REPLICAS_LOG_DIR set, each child's output is written there (`<label>-<name>.log`) when the suite ends. */
export function writeChildLogs(label: string, outputs: Record<string, string>): void {
  const dir = process.env.REPLICAS_LOG_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, output] of Object.entries(outputs)) fs.writeFileSync(path.join(dir, `${label}-${name}.log`), output);
  process.stderr.write(`replicas e2e (${label}): the children's output is in ${dir}\n`);
}
