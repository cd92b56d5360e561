import { Command } from 'commander';
import { assertFigureOfAccount, explainFigure, FigureNotFoundError, Lineage, parseFigure } from '@robo/audit';
import { accountStream } from '@robo/domain';
import { AUDIT_COLLECTION, type FieldCondition } from '@robo/read-models';
import { CliError, EXIT, ioOf } from '../cli-context';
import { parseAxis, parseInstantOrDate, rupees, rupeesText, table, timeText, toJson, withLogStores } from '../log-stores';

interface TrailOptions {
  stream?: string;
  correlation?: string;
  actor?: string;
  type?: string;
  account?: string;
  from?: string;
  to?: string;
  time?: string;
  limit: string;
  cursor?: string;
  json?: boolean;
}

/** `robo audit ...`: the audit trail (the audit read model, an index of the log) and the lineage of a figure. */
export function register(program: Command): void {
  const audit = program
    .command('audit')
    .description('the audit trail, filtered and paged (reads the audit index the projector keeps); `audit explain` traces a figure')
    .option('--stream <name>', 'exact stream name, e.g. order-<id>')
    .option('--correlation <id>', 'correlation id (every event one request caused)')
    .option('--actor <actor>', 'who, e.g. key:<kid>')
    .option('--type <type>', 'event type, e.g. OrderFilled')
    .option('--account <id>', 'account id')
    .option('--from <instant>', 'from this instant (inclusive); a date (2026-11-20) is that day from 00:00 IST')
    .option('--to <instant>', 'up to this instant (exclusive); a date is up to the end of that IST day')
    .option('--time <axis>', 'which time --from/--to apply to: recorded (default) or business')
    .option('--limit <n>', 'events per page, 1 to 1000', '50')
    .option('--cursor <cursor>', 'the cursor printed after the previous page')
    .option('--json', 'print JSON: { items, nextCursor }')
    // A misspelt sub-command must fail, not list the whole trail.
    .allowExcessArguments(false)
    .action(async (options: TrailOptions, command: Command) => {
      if (!/^\d{1,4}$/.test(options.limit) || Number(options.limit) < 1 || Number(options.limit) > 1000) throw new CliError(EXIT.USAGE, '--limit must be 1 to 1000');
      const where: Record<string, FieldCondition> = {};
      if (options.stream) where.streamName = options.stream;
      if (options.correlation) where.correlationId = options.correlation;
      if (options.actor) where.actor = options.actor;
      if (options.type) where.type = options.type;
      if (options.account) where.accountId = options.account;
      if (options.from || options.to) {
        const field = parseAxis(options.time) === 'business' ? 'occurredAtUtc' : 'recordedAt';
        const utc = (value: string) => new Date(value).toISOString();
        where[field] = {
          ...(options.from ? { gte: utc(parseInstantOrDate(options.from, '--from', 'start')) } : {}),
          ...(options.to ? { lt: utc(parseInstantOrDate(options.to, '--to', 'end-exclusive')) } : {}),
        };
      } else if (options.time !== undefined) {
        throw new CliError(EXIT.USAGE, '--time applies to --from/--to only');
      }
      const { page, behind } = await withLogStores(command, { reads: true }, async ({ events, reads }) => {
        const page = await AUDIT_COLLECTION.find(reads!, { where, orderBy: { field: 'position', direction: 'asc' }, limit: Number(options.limit), cursor: options.cursor ?? null });
        return { page, behind: (await events.headPosition()) - (await reads!.getCheckpoint('audit')) };
      });
      const io = ioOf(command);
      // The index is a projection: say so when it has not caught up with the log (the projector is not running).
      if (behind > 0n) io.err(`robo: the audit index is ${behind} events behind the log (start the api or \`npm run start:projector\`)`);
      if (options.json) {
        io.out(toJson(page));
        return;
      }
      if (page.items.length === 0) {
        io.out('no events');
        return;
      }
      const rows = page.items.map((d) => [String(d.position), timeText(command, d.recordedAt), timeText(command, d.occurredAt), d.type, d.streamName, d.actor, d.correlationId, d.summary]);
      io.out(table(['POSITION', 'RECORDED', 'HAPPENED', 'TYPE', 'STREAM', 'ACTOR', 'CORRELATION', 'SUMMARY'], rows));
      if (page.nextCursor) io.out(`more: --cursor ${page.nextCursor}`);
    });

  audit
    .command('explain')
    .description('the events behind a figure, with positions, actors and correlation ids; they add up to it')
    .argument('<accountId>', 'the account')
    .argument('<figure>', 'cash | realized:<instrument> | realized-gross:<instrument> | fees:<instrument> | quantity:<instrument>')
    .option('--json', 'print JSON')
    .action(async (accountId: string, figure: string, options: { json?: boolean }, command: Command) => {
      try {
        parseFigure(figure);
      } catch (error) {
        throw new CliError(EXIT.USAGE, (error as Error).message, 'UNKNOWN_FIGURE');
      }
      const lineage = await withLogStores(command, {}, async ({ events }) => {
        const [opened] = await events.readStream(accountStream(accountId), { maxCount: 1 });
        if (!opened) throw new CliError(EXIT.REFUSED, `account ${accountId} does not exist`, 'ACCOUNT_NOT_FOUND');
        // A figure of an instrument the account never traded is not a zero: it is no figure of this account.
        try {
          await assertFigureOfAccount(events, accountId, figure);
        } catch (error) {
          if (error instanceof FigureNotFoundError) throw new CliError(EXIT.REFUSED, error.message, error.code);
          throw error;
        }
        return explainFigure(events, accountId, figure);
      });
      // `audit` has a --json of its own, which commander gives the parent when it comes after the arguments.
      const json = options.json === true || command.optsWithGlobals<{ json?: boolean }>().json === true;
      ioOf(command).out(json ? toJson(lineage) : describeLineage(lineage, command));
    });
}

function describeLineage(lineage: Lineage, command: Command): string {
  const money = lineage.figure !== 'cash' && lineage.figure.startsWith('quantity:') ? String : rupees;
  const rows = lineage.contributions.map((c) => [String(c.globalPosition), `${c.stream}#${c.streamRevision}`, c.type, timeText(command, c.occurredAt), c.actor, c.correlationId, money(c.amount)]);
  return [
    `${lineage.figure} of ${lineage.accountId} = ${(money === rupees ? rupeesText : money)(lineage.value)}, from ${lineage.contributions.length} events:`,
    table(['POSITION', 'EVENT', 'TYPE', 'HAPPENED', 'ACTOR', 'CORRELATION', 'AMOUNT'], rows),
  ].join('\n');
}
