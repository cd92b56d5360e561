import * as fs from 'node:fs';
import * as path from 'node:path';
import { StrategyRegistrationError, type StrategyRegistry } from '@robo/paper';

export interface StrategyModulesLoaded {
  registered: { kind: string; file: string }[];
  refused: { file: string; problem: string }[];
}

const MODULE_FILE = /\.(c?js)$/;

/**
 * Registers every strategy module of a folder (compiled JavaScript, `.js` or `.cjs`, in name order): a module exports
 * a strategy definition as `default`, as `strategy`, or as the module itself (or an array of them). A file that does
 * not load, or whose definition the registry refuses (shape, parameter schema, dry call), is reported with its path
 * and left out; the others are registered. A missing folder holds no modules.
 */
export function loadStrategyModules(dir: string, registry: StrategyRegistry): StrategyModulesLoaded {
  const loaded: StrategyModulesLoaded = { registered: [], refused: [] };
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => MODULE_FILE.test(n)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return loaded;
    loaded.refused.push({ file: dir, problem: `the folder cannot be read (${(error as Error).message})` });
    return loaded;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    let exported: unknown;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(file) as Record<string, unknown>;
      exported = mod.default ?? mod.strategy ?? mod;
    } catch (error) {
      loaded.refused.push({ file, problem: `cannot be loaded: ${(error as Error).message}` });
      continue;
    }
    for (const candidate of Array.isArray(exported) ? exported : [exported]) {
      try {
        const definition = registry.register(candidate, file);
        loaded.registered.push({ kind: definition.kind, file });
      } catch (error) {
        loaded.refused.push({ file, problem: error instanceof StrategyRegistrationError ? error.problem : (error as Error).message });
      }
    }
  }
  return loaded;
}
