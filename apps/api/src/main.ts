import { AppConfig, ConfigError, loadConfig } from '@robo/runtime';
import { createApp } from './bootstrap';
import { installGracefulShutdown } from './lifecycle/graceful-shutdown';

/** EX_CONFIG: a variable is missing or malformed; the message names it. */
const EXIT_CONFIG = 78;

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  let app;
  try {
    app = await createApp(config);
    await app.listen(config.port, config.host);
  } catch (error) {
    // Some settings can only be checked while the modules start (a secret file, an adapter not in this build).
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  installGracefulShutdown(app, config.shutdownTimeoutMs);
  console.log(`Robo Trader api listening on http://localhost:${config.port} (data in ${config.dataDir}; API docs at /docs)`);
}

void main();
