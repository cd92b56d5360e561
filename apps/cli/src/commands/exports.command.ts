import { systemWallClock } from '@robo/clock';
import * as fs from 'node:fs';
import { Command } from 'commander';
import { CHARGE_KINDS, InstrumentCatalog, toIst } from '@robo/domain';
import {
  ACCOUNTS_COLLECTION,
  ExportTooLargeError,
  exportFills,
  exportOrders,
  exportRange,
  exportTrades,
  fillsCsv,
  InvalidQueryError,
  ordersCsv,
  readStatement,
  statementCsv,
  tradesCsv,
  type DateRange,
  type ExportSources,
  type ReadModelStore,
} from '@robo/read-models';
import { loadChargeSchedules, loadInstrumentCatalog } from '@robo/runtime';
import { CliError, EXIT, ioOf } from '../cli-context';
import { rupees, table, toJson, withLogStores } from '../log-stores';

const KINDS = ['orders', 'fills', 'trades'] as const;
type Kind = (typeof KINDS)[number];
const ACCOUNT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface RangeOptions {
  from?: string;
  to?: string;
  out?: string;
}

/**
 * `robo export orders|fills|trades <accountId>` and `robo statement <accountId>`: the same CSV and statement as
 * GET /api/accounts/:id/exports/:kind and /statement, read from the configured read store.
 */
export function register(program: Command): void {
  program
    .command('export <kind> <accountId>')
    .description(`CSV of an account's ${KINDS.join(', ')} over IST dates (RFC 4180, money in rupees, times IST)`)
    .option('--from <date>', 'first IST date YYYY-MM-DD (default 29 days before --to)')
    .option('--to <date>', 'last IST date YYYY-MM-DD (default today, IST)')
    .option('--out <file>', 'write the CSV to this file instead of stdout')
    .action(async (kind: string, accountId: string, options: RangeOptions, command: Command) => {
      if (!(KINDS as readonly string[]).includes(kind)) throw new CliError(EXIT.USAGE, `export what? ${KINDS.join(', ')} (got "${kind}")`);
      const csv = await withAccount(command, accountId, options, (sources, range) => render(kind as Kind, sources, accountId, range));
      write(command, csv, options.out);
    });

  program
    .command('statement <accountId>')
    .description('daily P&L statement: per IST day fills, turnover, realized, charges by kind (brokerage, STT, exchange, SEBI, stamp, GST), net')
    .option('--from <date>', 'first IST date YYYY-MM-DD (default 29 days before --to)')
    .option('--to <date>', 'last IST date YYYY-MM-DD (default today, IST)')
    .option('--csv', 'print CSV (money in rupees)')
    .option('--json', 'print JSON (money in integer paise)')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (accountId: string, options: RangeOptions & { csv?: boolean; json?: boolean }, command: Command) => {
      const statement = await withAccount(command, accountId, options, (sources, range) => readStatement(sources, accountId, range));
      if (options.json) return write(command, toJson(statement), options.out);
      if (options.csv) return write(command, statementCsv(statement), options.out);
      const cells = (d: (typeof statement.days)[number] | typeof statement.totals) => [
        String(d.fills),
        rupees(d.turnoverPaise),
        rupees(d.realizedGrossPaise),
        ...CHARGE_KINDS.map((k) => rupees(d.charges[k])),
        rupees(d.charges.notSplit),
        rupees(d.chargesPaise),
        rupees(d.netPaise),
      ];
      const text = table(
        ['DATE', 'FILLS', 'TURNOVER', 'REALIZED', 'BROKERAGE', 'STT', 'EXCHANGE', 'SEBI', 'STAMP', 'GST', 'NOT SPLIT', 'CHARGES', 'NET'],
        [...statement.days.map((d) => [d.date, ...cells(d)]), ['TOTAL', ...cells(statement.totals)]],
      );
      write(
        command,
        `${text}\nRs; realized is before charges (average cost); net = realized - charges; NOT SPLIT: totals the broker reported, not split by kind.`,
        options.out,
      );
    });
}

async function render(kind: Kind, sources: ExportSources, accountId: string, range: DateRange): Promise<string> {
  switch (kind) {
    case 'orders':
      return ordersCsv(await exportOrders(sources.store, accountId, range));
    case 'fills':
      return fillsCsv(await exportFills(sources, accountId, range));
    case 'trades':
      return tradesCsv(await exportTrades(sources.store, accountId, range));
  }
}

async function withAccount<T>(command: Command, accountId: string, options: RangeOptions, work: (sources: ExportSources, range: DateRange) => Promise<T>): Promise<T> {
  if (!ACCOUNT_ID.test(accountId)) throw new CliError(EXIT.USAGE, `an account id is a UUID (got "${accountId}")`);
  for (const [name, value] of [['--from', options.from], ['--to', options.to]] as const) {
    if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new CliError(EXIT.USAGE, `${name} must be an IST date YYYY-MM-DD (got "${value}")`);
  }
  let range: DateRange;
  try {
    range = exportRange(options, toIst(systemWallClock.now()).date);
  } catch (error) {
    if (error instanceof InvalidQueryError) throw new CliError(EXIT.USAGE, error.message);
    throw error;
  }
  return withLogStores(command, { reads: true }, async ({ config, reads }) => {
    const store = reads as ReadModelStore;
    if ((await ACCOUNTS_COLLECTION.get(store, accountId)) === null) throw new CliError(EXIT.REFUSED, `account ${accountId} does not exist`);
    const catalog: InstrumentCatalog = loadInstrumentCatalog(config);
    const sources: ExportSources = { store, schedules: loadChargeSchedules(config.chargesFile), segmentOf: (i) => catalog.get(i)?.segment ?? null };
    try {
      return await work(sources, range);
    } catch (error) {
      if (error instanceof ExportTooLargeError) throw new CliError(EXIT.REFUSED, error.message);
      throw error;
    }
  });
}

function write(command: Command, text: string, out: string | undefined): void {
  if (out === undefined) return ioOf(command).out(text.replace(/\r\n$/, ''));
  fs.writeFileSync(out, text);
  ioOf(command).err(`robo: wrote ${out}`);
}
