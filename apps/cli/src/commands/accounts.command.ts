import { Command } from 'commander';
import { accountsProjection, listAccounts } from '@robo/read-models';
import { CliError, EXIT, ioOf } from '../cli-context';
import { rupeesText, table, timeText, toJson, withLogStores } from '../log-stores';

interface ListOptions {
  q?: string;
  limit: string;
  cursor?: string;
  json?: boolean;
}

/** `robo accounts ...`: the accounts read model, listed as GET /api/accounts lists them (an operator sees all). */
export function register(program: Command): void {
  const accounts = program.command('accounts').description('the accounts (from the accounts read model the projector keeps)');

  accounts
    .command('list')
    .description('every account by name, with cash and equity, paged; --q searches names (any case)')
    .option('--q <text>', 'only accounts whose name contains this, whatever the case (1 to 100 characters)')
    .option('--limit <n>', 'accounts per page, 1 to 200', '50')
    .option('--cursor <cursor>', 'the cursor printed after the previous page')
    .option('--json', 'print JSON: { items: [{ accountId, name, cashPaise, equityPaise, openedAt, halted }], nextCursor }')
    .allowExcessArguments(false)
    .action(async (options: ListOptions, command: Command) => {
      if (!/^\d{1,3}$/.test(options.limit) || Number(options.limit) < 1 || Number(options.limit) > 200) throw new CliError(EXIT.USAGE, '--limit must be 1 to 200');
      if (options.q !== undefined && (options.q.length < 1 || options.q.length > 100)) throw new CliError(EXIT.USAGE, '--q must be 1 to 100 characters');
      const { page, behind } = await withLogStores(command, { reads: true }, async ({ events, reads }) => {
        const found = await listAccounts(reads!, { accountIds: null, q: options.q, limit: Number(options.limit), cursor: options.cursor ?? null, access: 'trade' });
        return { page: found, behind: (await events.headPosition()) - (await reads!.getCheckpoint(accountsProjection.name)) };
      });
      const io = ioOf(command);
      if (behind > 0n) io.err(`robo: the accounts read model is ${behind} events behind the log (start the api or \`npm run start:projector\`)`);
      // What the caller may do is a property of an api key; the command line works on the stores themselves.
      const items = page.items.map(({ access: _access, ...item }) => item);
      if (options.json) {
        io.out(toJson({ items, nextCursor: page.nextCursor }));
        return;
      }
      if (items.length === 0) io.out(page.nextCursor ? 'no accounts on this page' : 'no accounts');
      else {
        const rows = items.map((a) => [a.accountId, a.name, rupeesText(a.cashPaise), rupeesText(a.equityPaise), timeText(command, a.openedAt), a.halted ? 'halted' : '']);
        io.out(table(['ACCOUNT', 'NAME', 'CASH', 'EQUITY', 'OPENED', 'TRADING'], rows));
      }
      if (page.nextCursor) io.out(`more: --cursor ${page.nextCursor}`);
    });
}
