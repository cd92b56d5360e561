import { Command } from 'commander';
import { kiteSessionExpiry } from '@robo/domain';
import { exchangeKiteRequestToken, KITE_LOGIN_URL, KITE_REQUEST_TOKEN, KITE_REQUEST_TOKEN_RULE, kiteLoginFailure } from '@robo/broker-kite';
import { BrokerSessions, type BrokerSessionView } from '@robo/credentials';
import { systemWallClock, type AppConfig } from '@robo/runtime';
import { CliError, cliConfig, EXIT, ioOf } from '../cli-context';
import { timeText, toJson } from '../log-stores';

interface JsonOption {
  json?: boolean;
}

/** Opens the broker sessions of the configured data directory (the file and key the api uses), runs `work`, closes them. */
async function withSessions<T>(config: AppConfig, work: (sessions: BrokerSessions) => Promise<T>): Promise<T> {
  const sessions = BrokerSessions.open(config, () => systemWallClock.now());
  try {
    return await work(sessions);
  } finally {
    await sessions.close();
  }
}

function printSession(command: Command, view: BrokerSessionView, json: boolean | undefined): void {
  const io = ioOf(command);
  if (json) {
    io.out(toJson(view));
    return;
  }
  const when = (at: string | null) => (at ? timeText(command, at) : '-');
  io.out(`${view.broker}: ${view.state}${view.userId ? ` (user ${view.userId})` : ''}, logged in ${when(view.loggedInAt)}, expires ${when(view.expiresAt)}`);
  if (view.state !== 'connected') io.out(`log in: open ${KITE_LOGIN_URL}?v=3&api_key=<your api key>, then robo broker login ${view.broker} --request-token <request_token of the redirect>`);
}

/**
 * `robo broker ...`: the brokers' daily login on the stores of DATA_DIR, the same sealed session store the api reads
 * (BROKER_TOKEN_KEY or DATA_DIR's key file): a login made here is used by a running api from its next order on.
 * Neither the request token nor the access token is ever printed.
 */
export function register(program: Command): void {
  const broker = program.command('broker').description("the brokers' sessions (Kite's daily login)");

  broker
    .command('login')
    .description("turns the request_token of Kite's login redirect into the day's access token, stored encrypted (KITE_API_KEY, KITE_API_SECRET)")
    .argument('<broker>', 'the broker: kite')
    .requiredOption('--request-token <token>', 'the request_token parameter of the redirect after logging in at Kite')
    .option('--json', 'print JSON: { broker, state, userId, loggedInAt, expiresAt }')
    .allowExcessArguments(false)
    .action(async (name: string, options: JsonOption & { requestToken: string }, command: Command) => {
      if (name !== 'kite') throw new CliError(EXIT.USAGE, `unknown broker "${name}": the daily login is Kite's (robo broker login kite)`);
      if (!KITE_REQUEST_TOKEN.test(options.requestToken)) throw new CliError(EXIT.USAGE, `--request-token must be ${KITE_REQUEST_TOKEN_RULE}`);
      const config = cliConfig(command);
      const kite = config.kite;
      if (!kite) throw new CliError(EXIT.CONFIG, 'Kite is not configured here (KITE_API_KEY)', 'BROKER_NOT_CONFIGURED');
      if (!kite.apiSecret) throw new CliError(EXIT.CONFIG, 'the daily login needs the Kite app secret: set KITE_API_SECRET', 'BROKER_SECRET_MISSING');
      const app = { apiKey: kite.apiKey, apiSecret: kite.apiSecret, root: kite.root };
      const view = await withSessions(config, async (sessions) => {
        try {
          return await sessions.login('kite', () => exchangeKiteRequestToken(app, options.requestToken), kiteSessionExpiry);
        } catch (raw) {
          const failure = kiteLoginFailure(raw);
          throw new CliError(failure.code === 'BROKER_UNREACHABLE' ? EXIT.UNAVAILABLE : EXIT.REFUSED, failure.message, failure.code);
        }
      });
      printSession(command, view, options.json);
    });

  broker
    .command('status')
    .description("the Kite session: connected, expired (past 06:00 IST, or refused by Kite) or absent; never the token")
    .option('--json', 'print JSON: { broker, state, userId, loggedInAt, expiresAt }')
    .allowExcessArguments(false)
    .action(async (options: JsonOption, command: Command) => {
      const config = cliConfig(command);
      printSession(command, await withSessions(config, (sessions) => sessions.view('kite')), options.json);
    });
}
