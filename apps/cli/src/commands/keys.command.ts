import { Command, Option } from 'commander';
import { KeyManager, type ApiKeyRecord, ROLES, type Role } from '@robo/credentials';
import { baseUrl } from '@robo/runtime';
import { CliError, EXIT, ioOf, withStores } from '../cli-context';
import { timeText } from '../log-stores';

const NAME = /^[\x20-\x7e]{1,100}$/;

/** `robo keys ...`: API keys straight on the stores of DATA_DIR (the api may be running). */
export function register(program: Command): void {
  const keys = program.command('keys').description('create, list and revoke API keys (stored as salted scrypt hashes in DATA_DIR/auth.db)');

  keys
    .command('create')
    .description('create an API key; its secret is printed once and never stored')
    .addOption(new Option('--role <role>', 'what the key may do').choices([...ROLES]).makeOptionMandatory())
    .requiredOption('--name <name>', 'a label for people (1 to 100 printable characters)')
    .option('--accounts <ids>', 'comma-separated account ids a trader or viewer key may use', '')
    .option('--json', 'print JSON')
    .action(async (options: { role: Role; name: string; accounts: string; json?: boolean }, command: Command) => {
      if (!NAME.test(options.name)) throw new CliError(EXIT.USAGE, '--name must be 1 to 100 printable ASCII characters');
      const accountIds = options.accounts.split(',').map((id) => id.trim()).filter((id) => id !== '');
      const io = ioOf(command);
      const { record, apiKey, base } = await withStores(command, async ({ config, credentials, events, by }) => ({
        ...(await new KeyManager(credentials, events).create({ name: options.name, role: options.role, accountIds }, by)),
        base: config.roboUrl ?? baseUrl(config.host, config.port),
      }));
      if (options.json) {
        io.out(JSON.stringify({ ...record, apiKey }));
        return;
      }
      io.out(
        [
          `Created ${record.role} key ${record.kid} ("${record.name}")${record.accountIds.length ? ` for accounts ${record.accountIds.join(', ')}` : ''}.`,
          'API key (shown once: store it now, only a hash is kept):',
          `  ${apiKey}`,
          'Get an access token:',
          `  curl -s -X POST ${base}/auth/token -H 'content-type: application/json' -d '{"apiKey":"${apiKey}"}'`,
        ].join('\n'),
      );
    });

  keys
    .command('list')
    .description('list every key (never a secret)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const list = await withStores(command, ({ credentials, events }) => new KeyManager(credentials, events).list());
      const io = ioOf(command);
      if (options.json) {
        io.out(JSON.stringify(list));
        return;
      }
      if (list.length === 0) {
        io.out('no keys');
        return;
      }
      io.out(table(list, command));
    });

  keys
    .command('revoke')
    .description('revoke a key: its tokens stop working at once')
    .argument('<kid>', 'the key id')
    .option('--json', 'print JSON')
    .action(async (kid: string, options: { json?: boolean }, command: Command) => {
      const record = await withStores(command, ({ credentials, events, by }) => new KeyManager(credentials, events).revoke(kid, by));
      const io = ioOf(command);
      io.out(options.json ? JSON.stringify(record) : `revoked ${record.kid} ("${record.name}") at ${timeText(command, record.revokedAt)}`);
    });

  keys
    .command('grant')
    .description('give a trader or viewer key access to an account')
    .argument('<kid>', 'the key id')
    .argument('<accountId>', 'the account')
    .option('--json', 'print JSON')
    .action(async (kid: string, accountId: string, options: { json?: boolean }, command: Command) => {
      const record = await withStores(command, ({ credentials, events, by }) => new KeyManager(credentials, events).grant(kid, accountId, by));
      const io = ioOf(command);
      io.out(options.json ? JSON.stringify(record) : `${record.kid} may now use ${accountId}`);
    });

  keys
    .command('ungrant')
    .description("remove a key's access to an account")
    .argument('<kid>', 'the key id')
    .argument('<accountId>', 'the account')
    .option('--json', 'print JSON')
    .action(async (kid: string, accountId: string, options: { json?: boolean }, command: Command) => {
      const record = await withStores(command, ({ credentials, events, by }) => new KeyManager(credentials, events).ungrant(kid, accountId, by));
      const io = ioOf(command);
      io.out(options.json ? JSON.stringify(record) : `${record.kid} may no longer use ${accountId}`);
    });
}

function table(list: ApiKeyRecord[], command: Command): string {
  const rows = [
    ['KID', 'ROLE', 'NAME', 'ACCOUNTS', 'CREATED', 'CREATED BY', 'REVOKED'],
    ...list.map((k) => [k.kid, k.role, k.name, String(k.accountIds.length), timeText(command, k.createdAt), k.createdBy, timeText(command, k.revokedAt)]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
