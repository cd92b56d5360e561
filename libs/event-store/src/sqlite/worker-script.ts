import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/**
 * The compiled script of a worker thread: `fileName` next to the calling module when that module runs compiled,
 * else the same place under dist/ (the tests run the TypeScript sources; npm test builds first).
 */
export function compiledWorkerScript(callerDir: string, fileName: string): string {
  const beside = path.join(callerDir, fileName);
  if (fs.existsSync(beside)) return beside;
  const built = path.join(REPO_ROOT, 'dist', path.relative(REPO_ROOT, callerDir), fileName);
  if (fs.existsSync(built)) return built;
  throw new Error(`the worker ${fileName} is not built (looked for ${beside} and ${built}): run npm run build`);
}
