import { Command } from 'commander';
import { AsOfPortfolio, diff, portfolioAsOf, replayEvents, StreamReplay } from '@robo/audit';
import { accountStream } from '@robo/domain';
import type { EventEnvelope, EventStore } from '@robo/event-store';
import { CliError, EXIT, ioOf } from '../cli-context';
import { parseAxis, parseInstantOrDate, parseWhole, progress, rupees, rupeesText, table, timeText, toJson, withLogStores } from '../log-stores';

const PAGE = 5000;

/** `robo replay ...`: the state of a stream or a portfolio at a revision or an instant, rebuilt from the log. */
export function register(program: Command): void {
  const replay = program.command('replay').description('rebuild past state from the event log (time travel)');

  replay
    .command('stream')
    .description('each event of a stream in order, with the state after it and what it changed')
    .argument('<name>', 'stream name, e.g. order-<id>, account-<id>, position-<accountId>-<instrument>')
    .option('--to-revision <n>', 'stop after this stream revision (inclusive)')
    .option('--as-of <instant>', 'only the events known (or happened, with --time business) at this ISO-8601 instant, or by the end of this IST date (2026-11-20)')
    .option('--time <axis>', 'business (when it happened) or recorded (when the system knew it; default)')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { toRevision?: string; asOf?: string; time?: string; json?: boolean }, command: Command) => {
      if (options.toRevision !== undefined && options.asOf !== undefined) throw new CliError(EXIT.USAGE, 'give --to-revision or --as-of, not both');
      if (options.time !== undefined && options.asOf === undefined) throw new CliError(EXIT.USAGE, '--time applies to --as-of only');
      const toRevision = options.toRevision === undefined ? undefined : parseWhole(options.toRevision, '--to-revision');
      const asOf = options.asOf === undefined ? undefined : parseInstantOrDate(options.asOf, '--as-of', 'end');
      const time = parseAxis(options.time);
      const result = await withLogStores(command, {}, async ({ events }) => {
        const all = await readStreamWithProgress(events, name, toRevision);
        if (all.length === 0) throw new CliError(EXIT.REFUSED, `stream ${name} does not exist`, 'STREAM_NOT_FOUND');
        return replayEvents(name, all, { toRevision, asOf, time });
      });
      const io = ioOf(command);
      io.out(options.json ? toJson(result) : describeReplay(result, command));
    });

  replay
    .command('portfolio')
    .description("an account's portfolio (cash, positions, P&L) as it was at an instant, from the account's streams only")
    .argument('<accountId>', 'the account')
    .requiredOption('--as-of <instant>', 'ISO-8601 instant with an offset, e.g. 2026-11-20T10:30:00+05:30, or a date, e.g. 2026-11-20: the end of that IST day')
    .option('--time <axis>', 'business (what had happened then) or recorded (what the system knew then; default)')
    .option('--diff <instant>', 'also rebuild it at this second instant (or the end of this IST date) and show what changed in between')
    .option('--json', 'print JSON')
    .action(async (accountId: string, options: { asOf: string; time?: string; diff?: string; json?: boolean }, command: Command) => {
      const asOf = parseInstantOrDate(options.asOf, '--as-of', 'end');
      const second = options.diff === undefined ? undefined : parseInstantOrDate(options.diff, '--diff', 'end');
      const time = parseAxis(options.time);
      const { first, later } = await withLogStores(command, {}, async ({ events }) => {
        const [opened] = await events.readStream(accountStream(accountId), { maxCount: 1 });
        if (!opened) throw new CliError(EXIT.REFUSED, `account ${accountId} does not exist`, 'ACCOUNT_NOT_FOUND');
        return { first: await portfolioAsOf(events, accountId, asOf, time), later: second === undefined ? null : await portfolioAsOf(events, accountId, second, time) };
      });
      const io = ioOf(command);
      if (later === null) {
        io.out(options.json ? toJson(first) : describePortfolio(first, command));
        return;
      }
      const changes = diff(comparable(first), comparable(later)).filter((c) => c.path !== 'asOf');
      if (options.json) {
        io.out(toJson({ from: first, to: later, changes }));
        return;
      }
      io.out([describePortfolio(first, command), '', describePortfolio(later, command), '', `Changes from ${timeText(command, first.asOf)} to ${timeText(command, later.asOf)}:`, ...changeLines(changes)].join('\n'));
    });
}

async function readStreamWithProgress(store: EventStore, stream: string, toRevision: bigint | undefined): Promise<EventEnvelope[]> {
  const bar = progress(`reading ${stream}`);
  const events: EventEnvelope[] = [];
  try {
    for (let from = 0n; ; ) {
      const page = await store.readStream(stream, { fromRevision: from, maxCount: PAGE });
      for (const event of page) {
        if (toRevision !== undefined && event.streamRevision > toRevision) return events;
        events.push(event);
      }
      bar.tick(events.length);
      if (page.length < PAGE) return events;
      from = page[page.length - 1].streamRevision + 1n;
    }
  } finally {
    bar.end();
  }
}

/** Positions keyed by instrument, so that a diff names the field of the position that changed. */
function comparable(p: AsOfPortfolio) {
  const { sources: _sources, positions, ...rest } = p;
  return { ...rest, positions: Object.fromEntries(positions.map((x) => [x.instrument, x])) };
}

function changeLines(changes: { path: string; before?: unknown; after?: unknown }[]): string[] {
  if (changes.length === 0) return ['  (nothing changed)'];
  return changes.map((c) => `  ${c.path}: ${JSON.stringify(c.before ?? null)} -> ${JSON.stringify(c.after ?? null)}`);
}

function describeReplay(replay: StreamReplay, command: Command): string {
  const lines = [`${replay.stream} (${replay.kind ?? 'unknown aggregate'}): ${replay.steps.length} events`];
  for (const step of replay.steps) {
    lines.push(`#${step.streamRevision} @${step.globalPosition} ${step.type}  happened ${timeText(command, step.occurredAt)}  recorded ${timeText(command, step.recordedAt)}  by ${step.actor}  correlation ${step.correlationId}`);
    lines.push(...changeLines(step.changes));
  }
  lines.push(`State after revision ${replay.revision ?? '-'}:`, JSON.stringify(replay.state, null, 2));
  return lines.join('\n');
}

function describePortfolio(p: AsOfPortfolio, command: Command): string {
  const head = [
    `Portfolio of ${p.accountId} as of ${timeText(command, p.asOf)} (${p.time} time)${p.exists ? '' : ': the account did not exist yet'}`,
    `  cash ${rupeesText(p.cashPaise)}  reserved ${rupeesText(p.reservedPaise)}  market value ${rupeesText(p.marketValuePaise)}  equity ${rupeesText(p.equityPaise)}`,
    `  realized ${rupeesText(p.realizedNetPaise)} (gross ${rupeesText(p.realizedGrossPaise)})  unrealized ${rupeesText(p.unrealizedPnlPaise)}  fees ${rupeesText(p.feesPaise)}`,
    `  total P&L ${rupeesText(p.totalPnlPaise)} (equity - money put in ${rupeesText(p.netInflowPaise)}; charges on open positions ${rupeesText(p.openChargesPaise)})`,
  ];
  if (p.positions.length === 0) return [...head, '  no positions'].join('\n');
  const rows = p.positions.map((x) => [
    x.instrument,
    String(x.quantity),
    rupees(Math.round(x.averagePricePaise)),
    x.markSource === 'COST' ? 'at cost' : rupees(x.lastPricePaise),
    rupees(x.marketValuePaise),
    rupees(x.unrealizedPnlPaise),
    rupees(x.realizedNetPaise),
    rupees(x.feesPaise),
  ]);
  return [...head, table(['INSTRUMENT', 'QTY', 'AVG', 'LAST', 'VALUE', 'UNREALIZED', 'REALIZED', 'FEES'], rows)].join('\n');
}
