import { Command, CommanderError } from 'commander';
import { bindIo, CliIo, EXIT, exitCodeFor } from './cli-context';
import * as audit from './commands/audit.command';
import * as events from './commands/events.command';
import * as exportsCommand from './commands/exports.command';
import * as keys from './commands/keys.command';
import * as projections from './commands/projections.command';
import * as replay from './commands/replay.command';

/** Every command group; a new one exports register(program) and is listed here. */
const COMMAND_MODULES: { register(program: Command): void }[] = [keys, replay, audit, events, projections, exportsCommand];

export function buildProgram(io: CliIo): Command {
  const program = new Command('robo')
    .description('Robo Trader operations on the configured stores (DATA_DIR and the other variables of README "Configuration")')
    .version('0.1.0')
    .option('--data-dir <dir>', 'use this data directory instead of DATA_DIR')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.replace(/\n$/, '')), writeErr: (text) => io.err(text.replace(/\n$/, '')) });
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
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, successfully.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.OK;
      if (error.code === 'commander.executeSubCommandAsync') return error.exitCode;
      return EXIT.USAGE;
    }
    const { code, message } = exitCodeFor(error);
    io.err(`robo: ${message}`);
    return code;
  }
}
