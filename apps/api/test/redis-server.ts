import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const SCRIPT = path.resolve(__dirname, '../../../scripts/servers/redis.sh');
const run = promisify(execFile);

/** A Redis server started by scripts/servers/redis.sh for one suite, or REDIS_URL when the caller set one. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * REDIS_URL from the environment when set (nothing is started or stopped), else a server of its own on a free port;
 * null with the reason printed when redis-server is not installed (the suite then skips).
 */
export async function startTestRedis(suite: string): Promise<TestRedis | null> {
  const given = process.env.REDIS_URL;
  if (given) return { url: given, stop: async () => undefined };
  try {
    const { stdout } = await run(SCRIPT, ['start']);
    const url = /^REDIS_URL=(\S+)$/m.exec(stdout)?.[1];
    const dir = /^REDIS_DIR=(\S+)$/m.exec(stdout)?.[1];
    if (!url || !dir) throw new Error(`unexpected output of ${SCRIPT}: ${stdout}`);
    return { url, stop: async () => void (await run(SCRIPT, ['stop', dir])) };
  } catch (error) {
    if ((error as { code?: unknown }).code === 69) {
      console.log(`${suite}: skipped, redis-server is not installed (Debian: apt-get install -y redis-server; .ci/run installs it) and REDIS_URL is unset`);
      return null;
    }
    throw error;
  }
}
