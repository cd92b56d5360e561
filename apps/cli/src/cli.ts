import { Command, CommanderError } from 'commander';
import { DomainError } from '@robo/domain';
import { bindIo, CliIo, EXIT, exitCodeFor } from './cli-context';
import * as accounts from './commands/accounts.command';
import * as audit from './commands/audit.command';
import * as backtest from './commands/backtest.command';
import * as broker from './commands/broker.command';
import * as events from './commands/events.command';
import * as exportsCommand from './commands/exports.command';
import * as keys from './commands/keys.command';
import * as projections from './commands/projections.command';
import * as replay from './commands/replay.command';

/** Every command group; a new one exports register(program) and is listed here. */
const COMMAND_MODULES: { register(program: Command): void }[] = [accounts, keys, replay, audit, events, projections, exportsCommand, backtest, broker];

/** `usage`: where commander's own error text goes (under --json it is kept for the JSON error instead of printed). */
export function buildProgram(io: CliIo, usage: (text: string) => void = (text) => io.err(text)): Command {
  const program = new Command('robo')
    .description(
      'Robo Trader operations on the configured stores (DATA_DIR and the other variables of README "Configuration"). ' +
        'Times are shown in IST (--utc for UTC); --as-of, --from and --to also take a plain date, a day in IST. ' +
        'With --json a failure is one JSON line {"code","message"} on stderr (stdout is for results), with the same exit code.',
    )
    .version('0.1.0')
    .option('--data-dir <dir>', 'use this data directory instead of DATA_DIR')
    .option('--utc', 'show times in UTC instead of IST')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.replace(/\n$/, '')), writeErr: (text) => usage(text.replace(/\n$/, '')) });
  bindIo(program, io);
  for (const module of COMMAND_MODULES) module.register(program);
  // Sub-commands inherit the error handling and output of the root.
  for (const command of program.commands) applyRecursively(command, (c) => c.exitOverride().configureOutput(program.configureOutput()));
  return program;
}

function applyRecursively(command: Command, apply: (command: Command) => void): void {
  apply(command);
  for (const sub of command.commands) applyRecursively(sub, apply);
}

/** Runs one command line; resolves with the process exit code (never throws, never exits). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // Known before parsing, so that a usage error found while parsing is answered as JSON too.
  const json = argv.includes('--json');
  const usage: string[] = [];
  const program = buildProgram(io, json ? (text) => usage.push(text) : undefined);
  const fail = (code: number, errorCode: string, message: string) => {
    io.err(json ? JSON.stringify({ code: errorCode, message }) : `robo: ${message}`);
    return code;
  };
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, successfully.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.OK;
      if (error.code === 'commander.executeSubCommandAsync') return error.exitCode;
      if (json) fail(EXIT.USAGE, 'USAGE', (usage.join('\n') || error.message).replace(/^error: /, '').trim());
      return EXIT.USAGE;
    }
    const { code, errorCode, message } = exitCodeFor(error);
    return fail(code, errorCode, json && error instanceof DomainError ? error.message : message);
  }
}
