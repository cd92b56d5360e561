import { systemWallClock } from '@robo/clock';
import { Command } from 'commander';
import type { EventStore } from '@robo/event-store';
import { ALL_PROJECTIONS, ProjectionRunner, ReadModelError, type ReadModelStore, type VerificationResult } from '@robo/read-models';
import { holderIsGone, leaseOwner, READ_STORE_PARTITIONS, rebuildInWorkers } from '@robo/runtime';
import { CliError, EXIT, ioOf } from '../cli-context';
import { table, toJson, withLogStores } from '../log-stores';

/**
 * `robo projections ...` on the configured stores. The runner here is never started: it does not fight a running
 * api's loops for the checkpoints. Rebuilds go into shadow collections; the swap is refused and compared again if
 * the live checkpoint moved meanwhile (docs/projections.md).
 */
export function register(program: Command): void {
  const projections = program.command('projections').description('projection status, verified rebuilds and dead letters (docs/projections.md)');

  projections
    .command('status')
    .description('checkpoint, log head, lag and parked events per projection')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const statuses = await withRunner(command, (runner) => runner.status());
      const io = ioOf(command);
      if (options.json) return io.out(toJson(statuses.map(({ running: _running, eventsPerSecond: _rate, standby: _standby, leaseHolder: _holder, ...rest }) => rest)));
      io.out(
        table(
          ['projection', 'checkpoint', 'head', 'lag', 'lag s', 'caught up', 'parked'],
          statuses.map((s) => [s.name, String(s.checkpoint ?? '?'), String(s.head ?? '?'), String(s.lagEvents ?? '?'), s.lagSeconds === null ? '?' : s.lagSeconds.toFixed(1), s.caughtUp ? 'yes' : 'no', String(s.parked ?? '?')]),
        ),
      );
    });

  projections
    .command('rebuild <name>')
    .description('rebuild into a shadow copy, compare with the live one, and swap it in if they match (or with --force)')
    .option('--force', 'swap even when the copies differ (a new projection version)')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { force?: boolean; json?: boolean }, command: Command) => {
      const result = await withRunner(command, (runner) => known(runner, name).verifiedRebuild(name, { force: options.force === true }));
      printVerification(command, result, options.json);
      if (!result.swapped) throw new CliError(EXIT.REFUSED, `${name}: the shadow differs from the live copy; not swapped (use --force to accept the new version)`);
    });

  projections
    .command('verify <name>')
    .description('rebuild into a shadow copy and compare it with the live one, without swapping')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const result = await withRunner(command, (runner) => known(runner, name).verifiedRebuild(name, { swap: false }));
      printVerification(command, result, options.json);
      if (!result.matched) throw new CliError(EXIT.REFUSED, `${name}: the live copy differs from a rebuild from the log`);
    });

  projections
    .command('rebuild-all')
    .description('offline: empty every projection and project the whole log again, the audit trail in a worker thread at the same time (refused while a projector runs)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const started = systemWallClock.monotonicMs();
      const result = await withLogStores(command, { reads: true }, ({ config, events, reads }) =>
        holdingProjectorLease(reads!, () =>
          new ProjectionRunner({ eventStore: events, readStore: reads!, projections: ALL_PROJECTIONS }).rebuildMany(undefined, { workers: rebuildInWorkers(config) }),
        ),
      );
      const seconds = (systemWallClock.monotonicMs() - started) / 1000;
      const inWorkers = READ_STORE_PARTITIONS.flatMap((partition) => partition.projections.map((p) => p.name));
      const io = ioOf(command);
      if (options.json) return io.out(toJson({ projections: ALL_PROJECTIONS.map((p) => p.name), inWorkerThreads: inWorkers, position: result.checkpoint, events: result.events, seconds }));
      io.out(`rebuilt ${ALL_PROJECTIONS.length} projections to position ${result.checkpoint} in ${seconds.toFixed(1)} s (${inWorkers.join(', ')} in a worker thread)`);
    });

  const deadLetters = projections
    .command('dead-letters')
    .description('list parked events; with --all, retry every one of --projection')
    .option('--projection <name>', 'only this projection')
    .option('--all', 'retry all dead letters of --projection, in log order')
    .option('--json', 'print JSON')
    .action(async (options: { projection?: string; all?: boolean; json?: boolean }, command: Command) => {
      const io = ioOf(command);
      if (options.all) {
        if (!options.projection) throw new CliError(EXIT.USAGE, '--all needs --projection');
        const projection = options.projection;
        const result = await withRunner(command, (runner) => known(runner, projection).retryDeadLetters(projection, { all: true }));
        return io.out(options.json ? toJson(result) : `${projection}: ${result.resolved.length} applied, ${result.stillParked.length} still parked`);
      }
      const letters = await withRunner(command, (_runner, reads) => reads.listDeadLetters(options.projection === undefined ? {} : { projection: options.projection }));
      if (options.json) return io.out(toJson(letters));
      io.out(
        letters.length === 0
          ? 'no dead letters'
          : table(
              ['id', 'type', 'stream', 'blocked by', 'attempts', 'error'],
              letters.map((l) => [l.id, l.eventType, l.stream, l.blockedBy ?? '', String(l.attempts), l.error ?? '']),
            ),
      );
    });

  deadLetters
    .command('retry <id>')
    .description('re-apply one parked event and those waiting behind it')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const match = /^([a-zA-Z_][a-zA-Z0-9_]*):\d+$/.exec(id);
      if (!match) throw new CliError(EXIT.USAGE, 'a dead-letter id is <projection>:<position>');
      const result = await withRunner(command, (runner) => known(runner, match[1]!).retryDeadLetters(match[1]!, { id }));
      // The parent also takes --json, and commander gives it to the parent wherever it appears.
      const json = options.json === true || command.parent?.opts<{ json?: boolean }>().json === true;
      ioOf(command).out(json ? toJson(result) : `${id}: ${result.resolved.length} applied, ${result.stillParked.length} still parked`);
      if (!result.resolved.includes(id)) throw new CliError(EXIT.REFUSED, `${id} failed again and stays parked`);
    });
}

async function withRunner<T>(command: Command, work: (runner: ProjectionRunner, reads: ReadModelStore, events: EventStore) => Promise<T>): Promise<T> {
  return withLogStores(command, { reads: true }, async ({ events, reads }) => {
    const runner = new ProjectionRunner({ eventStore: events, readStore: reads!, projections: ALL_PROJECTIONS });
    try {
      return await work(runner, reads!, events);
    } catch (error) {
      if (error instanceof ReadModelError && (error.code === 'DEAD_LETTER_NOT_FOUND' || error.code === 'UNKNOWN_PROJECTION')) throw new CliError(EXIT.REFUSED, error.message);
      throw error;
    }
  });
}

/** Longer than any single synchronous step of a rebuild (an index build over millions of rows), renewed every 10 s. */
const REBUILD_LEASE_TTL_MS = 60_000;

/**
 * A rebuild in place empties the live collections: it takes the projector lease, so that it is refused while a
 * projector (standalone, or embedded in an api) runs over these stores, and a projector started meanwhile stands by.
 */
async function holdingProjectorLease<T>(reads: ReadModelStore, work: () => Promise<T>): Promise<T> {
  const owner = leaseOwner();
  const take = () => reads.acquireLease('projector', owner, { ttlMs: REBUILD_LEASE_TTL_MS, nowMs: systemWallClock.nowMs() });
  let lease = await take();
  if (!lease.held && holderIsGone(lease.owner, owner)) {
    await reads.releaseLease('projector', lease.owner);
    lease = await take();
  }
  if (!lease.held) {
    throw new CliError(EXIT.REFUSED, `a projector is running over these stores (lease held by ${lease.owner}): stop it first, or rebuild one projection beside it with robo projections rebuild <name>`);
  }
  const renew = setInterval(() => void take().catch(() => undefined), 10_000);
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await reads.releaseLease('projector', owner).catch(() => undefined);
  }
}

function known(runner: ProjectionRunner, name: string): ProjectionRunner {
  if (!runner.has(name)) throw new CliError(EXIT.USAGE, `no projection named ${name} (known: ${runner.projectionNames.join(', ')})`);
  return runner;
}

function printVerification(command: Command, result: VerificationResult, json: boolean | undefined): void {
  const io = ioOf(command);
  if (json) return io.out(toJson(result));
  io.out(`${result.projection} at position ${result.position}: ${result.matched ? 'matches' : 'DIFFERS'}; ${result.swapped ? 'swapped in' : 'not swapped'}`);
  io.out(
    table(
      ['collection', 'live', 'shadow', 'first differences'],
      result.collections.map((c) => [c.name, `${c.liveCount} ${c.liveChecksum.slice(0, 12)}`, `${c.shadowCount} ${c.shadowChecksum.slice(0, 12)}`, c.firstDifferences.join(', ')]),
    ),
  );
}
