import { systemWallClock } from '@robo/clock';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { formatRupees, isIsoDate, parseInstantMs } from '@robo/domain';
import type { EventStore } from '@robo/event-store';
import type { ReadModelStore } from '@robo/read-models';
import { AppConfig, loadConfig, openEventStore, openReadStore } from '@robo/runtime';
import { CliError, EXIT, ioOf } from './cli-context';

export interface LogStores {
  config: AppConfig;
  events: EventStore;
  /** Opened only when asked for (audit reads the audit index; replays and exports need the log only). */
  reads: ReadModelStore | null;
}

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}

/**
 * Opens the configured stores (any adapter: SQLite files in DATA_DIR, EventStoreDB, MongoDB), runs `work`, closes
 * them whatever happens. A read-only command refuses a DATA_DIR without a log rather than creating an empty one.
 */
export async function withLogStores<T>(command: Command, options: { reads?: boolean; create?: boolean }, work: (stores: LogStores) => Promise<T>): Promise<T> {
  const io = ioOf(command);
  const dataDir = rootOf(command).opts<{ dataDir?: string }>().dataDir;
  const config = loadConfig({ ...io.env, ...(dataDir ? { DATA_DIR: dataDir } : {}) });
  if (config.eventStore === 'sqlite' && !options.create && !fs.existsSync(path.join(config.dataDir, 'events.db'))) {
    throw new CliError(EXIT.UNAVAILABLE, `no event log in ${config.dataDir} (events.db is missing): set DATA_DIR or --data-dir`);
  }
  const events = openEventStore(config);
  let reads: ReadModelStore | null = null;
  try {
    // Notices go to stderr: stdout is the command's output (--json).
    if (options.reads) reads = await openReadStore(config, (message) => io.err(`robo: ${message}`));
    return await work({ config, events, reads });
  } finally {
    await reads?.close();
    await events.close();
  }
}

/** An instant with an offset (or Z), as the API takes it; anything else is a usage error. */
export function parseInstant(value: string, option: string): string {
  if (parseInstantMs(value) === null) {
    throw new CliError(EXIT.USAGE, `${option} must be an ISO-8601 instant with an offset, e.g. 2026-11-20T10:30:00+05:30, or a date, e.g. 2026-11-20 (got "${value}")`);
  }
  return value;
}

/**
 * An instant, or a plain date (YYYY-MM-DD) read as a day in IST: `end` (--as-of, --diff, --to) is the end of that
 * day (an --as-of of 2026-11-20 is 2026-11-20T23:59:59.999+05:30, everything of that day; a --to, exclusive, is the
 * next IST midnight), `start` (--from) its first instant, 00:00 IST.
 */
export function parseInstantOrDate(value: string, option: string, edge: 'start' | 'end' | 'end-exclusive'): string {
  if (isIsoDate(value)) {
    if (edge === 'start') return `${value}T00:00:00.000+05:30`;
    if (edge === 'end') return `${value}T23:59:59.999+05:30`;
    const next = new Date(Date.parse(`${value}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
    return `${next}T00:00:00.000+05:30`;
  }
  return parseInstant(value, option);
}

const IST_OFFSET_MS = 330 * 60_000;

/** Instants for people: IST by default ("2026-11-20 10:05:00 IST"), UTC with --utc. JSON output keeps them as stored. */
export function formatInstant(instant: string | null | undefined, utc: boolean): string {
  if (instant === null || instant === undefined || instant === '') return '-';
  const ms = parseInstantMs(instant);
  if (ms === null) return instant;
  const wall = new Date(ms + (utc ? 0 : IST_OFFSET_MS)).toISOString();
  return `${wall.slice(0, 10)} ${wall.slice(11, 19)} ${utc ? 'UTC' : 'IST'}`;
}

/** formatInstant with the --utc choice of the command line `command` belongs to. */
export function timeText(command: Command, instant: string | null | undefined): string {
  return formatInstant(instant, rootOf(command).opts<{ utc?: boolean }>().utc === true);
}

export function parseAxis(value: string | undefined): 'business' | 'recorded' {
  if (value === undefined || value === 'recorded') return 'recorded';
  if (value === 'business') return 'business';
  throw new CliError(EXIT.USAGE, `--time must be business or recorded (got "${value}")`);
}

export function parseWhole(value: string, option: string): bigint {
  if (!/^\d{1,18}$/.test(value)) throw new CliError(EXIT.USAGE, `${option} must be a whole number (got "${value}")`);
  return BigInt(value);
}

/** JSON that survives bigints (positions and revisions). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

/** Fixed-width columns, header first. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => (cell ?? '').padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

/** Money in a table column (the domain's one formatter, without the unit): 8,00,000.00; '-' for none. */
export function rupees(paise: number | null): string {
  return paise === null ? '-' : formatRupees(paise, { unit: false });
}

/** Money in a sentence or a cell that stands alone: Rs 8,00,000.00; '-' for none. */
export function rupeesText(paise: number | null): string {
  return paise === null ? '-' : formatRupees(paise);
}

/**
 * A progress line on stderr, only when stderr is a terminal (never in pipes, files or tests): scripts read stdout,
 * people watch the counter.
 */
export function progress(label: string, total?: number): { tick(done: number): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  let last = Number.NEGATIVE_INFINITY;
  return {
    tick(done: number) {
      if (!tty || systemWallClock.monotonicMs() - last < 100) return;
      last = systemWallClock.monotonicMs();
      const share = total ? ` / ${total} (${Math.min(100, Math.floor((done / total) * 100))}%)` : '';
      process.stderr.write(`\r${label}: ${done}${share}`);
    },
    end() {
      if (tty && last !== 0) process.stderr.write('\n');
    },
  };
}
