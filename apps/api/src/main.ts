import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { AppConfig, exitOnConfigError, loadConfigOrExit } from '@robo/runtime';
import { createApp } from './bootstrap';
import { installGracefulShutdown } from './lifecycle/graceful-shutdown';
import { startLine, watchLauncher } from './lifecycle/start-line';

/** EX_UNAVAILABLE: the port cannot be had (in use, or not allowed). */
const EXIT_PORT = 69;

/** The one line for a port this process cannot listen on, null for any other failure. */
function portProblem(error: unknown, config: AppConfig): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') return `port ${config.port} is already in use (another Robo Trader or another program): stop it, or start with PORT set to a free port`;
  if (code === 'EACCES') return `port ${config.port} may not be used by this user (ports below 1024 need privileges): start with PORT set to 1024 or above`;
  if (code === 'EADDRNOTAVAIL') return `HOST ${config.host} is no address of this machine: set HOST to one of its addresses, or leave it unset for all of them`;
  return null;
}

async function main(): Promise<void> {
  // A missing or malformed variable of any module: its one line and exit code 78 (EX_CONFIG).
  const config = loadConfigOrExit();
  // Some settings can only be checked while the modules start (a reference-data file, a secret file): the same.
  const app = await createApp(config).catch(exitOnConfigError);
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    const problem = portProblem(error, config);
    if (problem === null) throw error;
    // The stores opened and the projector started: close them as a stop would, then say what to do in one line.
    await app.close().catch(() => undefined);
    console.error(problem);
    process.exit(EXIT_PORT);
  }
  installGracefulShutdown(app, config.shutdownTimeoutMs);
  // Under npm (npm start), SIGTERM reaches npm's shell, not this process: a shell gone means stop.
  if (process.env.npm_lifecycle_event !== undefined) watchLauncher(() => process.kill(process.pid, 'SIGTERM'));
  const port = ((app.getHttpServer() as Server).address() as AddressInfo).port;
  console.log(startLine(config, port));
}

void main();
