import * as fs from 'node:fs';
import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Command } from 'commander';
import { exportEvents, ImportConflictError, importEvents, MalformedExportLineError } from '@robo/event-store';
import { CliError, EXIT, ioOf } from '../cli-context';
import { parseWhole, progress, toJson, withLogStores } from '../log-stores';

/** `robo events export|import`: the log as NDJSON, for backups and moving between stores. */
export function register(program: Command): void {
  const events = program.command('events').description('export the event log as NDJSON, or import such a file (idempotent)');

  events
    .command('export')
    .description('write the log (or what follows --after) as NDJSON, one event per line in global order')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--after <position>', 'only events after this global position (continue an earlier export)')
    .option('--json', 'print the report as JSON (on stdout with --out, else on stderr)')
    .action(async (options: { out?: string; after?: string; json?: boolean }, command: Command) => {
      const after = options.after === undefined ? undefined : parseWhole(options.after, '--after');
      const io = ioOf(command);
      const report = await withLogStores(command, {}, async ({ events: store }) => {
        // A count of events only where positions count events (SQLite); on EventStoreDB they are byte offsets.
        const total = store.positionUnit === 'events' ? Number((await store.headPosition()) - (after ?? 0n)) : undefined;
        const bar = progress('exporting events', total);
        const file = options.out === undefined ? null : fs.createWriteStream(options.out);
        const target: Writable = file ?? process.stdout;
        // Counts lines on their way out, for the progress line; backpressure flows through the pipe.
        const counter = new PassThrough();
        let lines = 0;
        counter.on('data', (chunk: Buffer) => {
          for (const byte of chunk) if (byte === 10) lines++;
          bar.tick(lines);
        });
        counter.pipe(target, { end: file !== null });
        try {
          const result = await exportEvents(store, counter, { after });
          counter.end();
          if (file) await finished(file);
          return result;
        } finally {
          bar.end();
        }
      });
      const summary = {
        events: report.events,
        bytes: report.bytes,
        firstPosition: report.firstPosition === null ? null : Number(report.firstPosition),
        lastPosition: report.lastPosition === null ? null : Number(report.lastPosition),
        file: options.out ?? null,
      };
      const text = options.json ? toJson(summary) : `exported ${summary.events} events (${summary.bytes} bytes, positions ${summary.firstPosition ?? '-'} to ${summary.lastPosition ?? '-'})${options.out ? ` to ${options.out}` : ''}`;
      // Without --out the events themselves are on stdout: the report must not mix into them.
      if (options.out) io.out(text);
      else io.err(text);
    });

  events
    .command('import')
    .description('append an export to the configured store; events already there (same id, same place) are skipped')
    .argument('<file>', 'an NDJSON file written by `robo events export`')
    .option('--no-provenance', "do not keep the source's recorded time and position in the metadata")
    .option('--json', 'print the report as JSON')
    .action(async (file: string, options: { provenance: boolean; json?: boolean }, command: Command) => {
      if (!fs.existsSync(file)) throw new CliError(EXIT.REFUSED, `no such file: ${file}`);
      const size = fs.statSync(file).size;
      const report = await withLogStores(command, { create: true }, async ({ events: store }) => {
        const bar = progress('importing events');
        try {
          return await importEvents(store, fs.createReadStream(file), { provenance: options.provenance, onProgress: (r) => bar.tick(r.events) });
        } catch (error) {
          if (error instanceof MalformedExportLineError) throw new CliError(EXIT.DATA, error.message);
          if (error instanceof ImportConflictError) throw new CliError(EXIT.REFUSED, error.message);
          throw error;
        } finally {
          bar.end();
        }
      });
      const summary = { ...report, lastSourcePosition: report.lastSourcePosition === null ? null : Number(report.lastSourcePosition), file, bytes: size };
      const io = ioOf(command);
      io.out(options.json ? toJson(summary) : `read ${summary.events} events from ${file}: appended ${summary.appended}, already present ${summary.alreadyPresent}, ${summary.streams} streams`);
    });
}
