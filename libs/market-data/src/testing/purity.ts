import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The lint rules that keep libs/domain pure do not cover libs/market-data and libs/paper (eslint.config.mjs is
 * not their owner's to change), so their specs check the same promise: no clock, no randomness, no I/O in the
 * sources. Reproducible markets depend on it. Specs and testing/ helpers (test-only code) are not scanned.
 */
const FORBIDDEN: [string, RegExp][] = [
  ['Date.now()', /\bDate\.now\s*\(/],
  ['new Date() without arguments', /\bnew Date\s*\(\s*\)/],
  ['Math.random()', /\bMath\.random\s*\(/],
  ['performance.now()', /\bperformance\.now\s*\(/],
  ['an I/O module', /from '(node:)?(fs|net|http|https|child_process|crypto)'/],
  ['a timer', /\b(setTimeout|setInterval|setImmediate)\s*\(/],
];

export function impureSources(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'testing') walk(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        const text = fs.readFileSync(full, 'utf8');
        for (const [what, pattern] of FORBIDDEN) if (pattern.test(text)) found.push(`${path.relative(root, full)}: ${what}`);
      }
    }
  };
  walk(root);
  return found;
}
