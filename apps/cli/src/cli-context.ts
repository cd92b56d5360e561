import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import type { Command } from 'commander';
import { DomainError } from '@robo/domain';
import { EventStore, StoreUnavailableError } from '@robo/event-store';
import { AppConfig, ConfigError, loadConfig, openEventStore } from '@robo/runtime';
import { CredentialStore, CredentialStoreUnavailableError, type ChangedBy, openCredentialStore } from '@robo/credentials';

/** Exit codes (sysexits.h where one fits), documented in docs/auth.md. */
export const EXIT = {
  OK: 0,
  /** The request was understood and refused: unknown key or account, a rule (the last admin key). */
  REFUSED: 1,
  USAGE: 64,
  DATA: 65,
  UNAVAILABLE: 69,
  CONFIG: 78,
} as const;

/** The error code of each exit code, for a failure that names none (printed under --json). */
const CODE_OF_EXIT: Record<number, string> = { 1: 'REFUSED', 64: 'USAGE', 65: 'INVALID_DATA', 69: 'UNAVAILABLE', 78: 'CONFIG_INVALID', 70: 'INTERNAL_ERROR' };

export class CliError extends Error {
  public readonly code: string;
  constructor(
    public readonly exitCode: number,
    message: string,
    code?: string,
  ) {
    super(message);
    this.name = 'CliError';
    this.code = code ?? CODE_OF_EXIT[exitCode] ?? 'ERROR';
  }
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
}

export interface Stores {
  config: AppConfig;
  credentials: CredentialStore;
  events: EventStore;
  /** The operator, for the audit trail: `cli:<os user>`. */
  by: ChangedBy;
}

const IO = new WeakMap<Command, CliIo>();

/** Ties the IO (real or captured by a test) to the root program, so command modules keep a plain register(program). */
export function bindIo(program: Command, io: CliIo): void {
  IO.set(program, io);
}

export function ioOf(command: Command): CliIo {
  let root: Command = command;
  while (root.parent) root = root.parent;
  const io = IO.get(root);
  if (!io) throw new Error('the CLI program has no IO bound');
  return io;
}

/** The configuration of a command line: its environment, with --data-dir over DATA_DIR. */
export function cliConfig(command: Command): AppConfig {
  let root: Command = command;
  while (root.parent) root = root.parent;
  const dataDir = root.opts<{ dataDir?: string }>().dataDir;
  return loadConfig({ ...ioOf(command).env, ...(dataDir ? { DATA_DIR: dataDir } : {}) });
}

/** Opens the stores of the configured DATA_DIR (or --data-dir), runs `work`, and closes them whatever happens. */
export async function withStores<T>(command: Command, work: (stores: Stores) => Promise<T>): Promise<T> {
  const config = cliConfig(command);
  const credentials = openCredentialStore(config);
  let events: EventStore | null = null;
  try {
    events = openEventStore(config);
    const by: ChangedBy = { actor: `cli:${operator()}`, correlationId: randomUUID(), causationId: null };
    return await work({ config, credentials, events, by });
  } finally {
    await events?.close();
    await credentials.close();
  }
}

function operator(): string {
  try {
    return os.userInfo().username.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Maps any failure to an exit code, an error code (what --json prints) and a message. */
export function exitCodeFor(error: unknown): { code: number; errorCode: string; message: string } {
  if (error instanceof CliError) return { code: error.exitCode, errorCode: error.code, message: error.message };
  if (error instanceof ConfigError) return { code: EXIT.CONFIG, errorCode: 'CONFIG_INVALID', message: error.message };
  if (error instanceof StoreUnavailableError || error instanceof CredentialStoreUnavailableError) return { code: EXIT.UNAVAILABLE, errorCode: 'STORE_UNAVAILABLE', message: error.message };
  if (error instanceof DomainError) return { code: error.kind === 'invalid' ? EXIT.DATA : EXIT.REFUSED, errorCode: error.code, message: `${error.code}: ${error.message}` };
  return { code: 70, errorCode: 'INTERNAL_ERROR', message: `unexpected error: ${(error as Error)?.message ?? String(error)}` };
}
