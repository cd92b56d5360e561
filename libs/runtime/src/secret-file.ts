import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from './config/env-values';

/**
 * A secret generated once into DATA_DIR/<name> (mode 0600) and read back on every later start, so that the api and
 * the CLI on one host agree. `variable` is the configuration variable that would replace it (named in the error when
 * the file cannot be made or holds nothing usable).
 */
export function secretFileOnce(dataDir: string, name: string, variable: string, generate: () => string, usable: (text: string) => boolean): string {
  const file = path.join(dataDir, name);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx': of two processes starting at once, one writes and the other reads what it wrote.
    fs.writeFileSync(file, `${generate()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ConfigError(variable, `is unset and ${file} could not be created (${(error as Error).message})`);
    }
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (!usable(secret)) throw new ConfigError(variable, `is unset and ${file} holds no usable secret (delete it to generate a new one)`);
  return secret;
}
