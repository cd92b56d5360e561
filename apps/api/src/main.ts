import { ConfigError, loadConfig } from '@robo/runtime';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  console.log(`Robo Trader api listening on http://localhost:${config.port} (data in ${config.dataDir}; API docs at /docs)`);
}

void main();
