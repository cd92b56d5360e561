import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const depcruise = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = path.join(root, '.dependency-cruiser.cjs');

interface Cruise {
  status: number | null;
  output: string;
  /** `rule from → to` of each violation printed. */
  violations: string[];
}

/** Runs the boundary check as `npm test` does, over `folders` of the tree at `cwd`. */
function cruise(cwd: string, folders: string[]): Cruise {
  const run = spawnSync(process.execPath, [depcruise, ...folders, '--config', config, '--output-type', 'err'], { cwd, encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  const violations = [...output.matchAll(/^\s*error (\S+): (\S+) → (\S+)$/gm)].map(([, rule, from, to]) => `${rule} ${from} → ${to}`);
  return { status: run.status, output, violations };
}

/**
 * A small tree laid out like this one (apps/*, libs/*, `@robo/x` paths in tsconfig.json) with one import breaking
 * each rule, and imports each rule allows beside them.
 */
const PLANTED: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      baseUrl: '.',
      module: 'commonjs',
      esModuleInterop: true,
      paths: {
        '@robo/a': ['libs/a/src/index.ts'],
        '@robo/a/*': ['libs/a/src/*'],
        '@robo/domain': ['libs/domain/src/index.ts'],
        '@robo/domain/*': ['libs/domain/src/*'],
      },
    },
  }),
  'libs/a/src/index.ts': "export * from './inner';\n",
  'libs/a/src/inner.ts': 'export const inner = 1;\n',
  'libs/a/src/testing/fixture.ts': 'export const fixture = 1;\n',
  // Allowed: another library's public entry and its testing helpers, its own files, the domain.
  'libs/b/src/ok.ts': "import { inner } from '@robo/a';\nimport { fixture } from '@robo/a/testing/fixture';\nimport { own } from './own';\nimport { pure } from '@robo/domain';\nexport const ok = inner + fixture + own + pure;\n",
  'libs/b/src/own.ts': 'export const own = 1;\n',
  // Broken: a library importing an app, and another library's internals.
  'libs/b/src/imports-app.ts': "import { x } from '../../../apps/api/src/x';\nexport const y = x;\n",
  'libs/b/src/imports-internals.ts': "import { inner } from '@robo/a/inner';\nexport const y = inner;\n",
  'libs/domain/src/index.ts': "export { pure } from './pure';\n",
  'libs/domain/src/pure.ts': 'export const pure = 1;\n',
  'libs/domain/src/reads-files.ts': "import * as fs from 'node:fs';\nexport const read = fs.readFileSync;\n",
  'libs/domain/src/imports-lib.ts': "import { inner } from '@robo/a';\nexport const y = inner;\n",
  'apps/api/src/x.ts': 'export const x = 1;\n',
  'apps/api/src/uses-lib.ts': "import { inner } from '@robo/a';\nexport const y = inner;\n",
  'apps/api/src/orders/orders.controller.ts': 'export class OrdersController {}\n',
  'apps/api/src/write/write-step.ts': "import express from 'express';\nimport { OrdersController } from '../orders/orders.controller';\nexport const y = [express, OrdersController];\n",
  'libs/write-path/src/index.ts': "import { ExpressAdapter } from '@nestjs/platform-express';\nexport const y = ExpressAdapter;\n",
  'apps/cli/src/main.ts': "import { x } from '../../api/src/x';\nexport const y = x;\n",
  // Allowed: a test of one app starting another.
  'apps/cli/src/main.int-spec.ts': "import { x } from '../../api/src/x';\nexport const y = x;\n",
  'apps/cli/src/typo.ts': "import { nothing } from './no-such-file';\nexport const y = nothing;\n",
};

describe('boundary check (dependency-cruiser, .dependency-cruiser.cjs)', () => {
  it('passes on the real tree', () => {
    const result = cruise(root, ['apps', 'libs', 'test', 'bench']);
    expect(result.violations).toEqual([]);
    expect(result.output).toContain('no dependency violations found');
    expect(result.status).toBe(0);
  }, 120_000);

  describe('on a tree with a planted violation of each rule', () => {
    let dir: string;
    let result: Cruise;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'boundaries-'));
      for (const [file, text] of Object.entries(PLANTED)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      }
      // Packages resolve as they do here, so that an import of express is express and not an unresolvable name.
      fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      result = cruise(dir, ['apps', 'libs']);
    }, 120_000);
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('fails, naming the rule, the importer and the imported file of each violation', () => {
      expect(result.status).not.toBe(0);
      expect(result.violations.filter((v) => !v.includes('node_modules')).sort()).toEqual(
        [
          'app-imports-app apps/cli/src/main.ts → apps/api/src/x.ts',
          'domain-imports-outside libs/domain/src/imports-lib.ts → libs/a/src/index.ts',
          'domain-imports-outside libs/domain/src/reads-files.ts → fs',
          'lib-imports-app libs/b/src/imports-app.ts → apps/api/src/x.ts',
          'lib-imports-lib-internals libs/b/src/imports-internals.ts → libs/a/src/inner.ts',
          'not-to-unresolvable apps/cli/src/typo.ts → ./no-such-file',
          'write-path-imports-http apps/api/src/write/write-step.ts → apps/api/src/orders/orders.controller.ts',
        ].sort(),
      );
    });

    it('finds HTTP packages imported by the write path, where it is now and where it is moving', () => {
      // The packages' files are shown where they really are (node_modules may be a link): compare from node_modules on.
      const http = result.violations.filter((v) => v.includes('node_modules')).map((v) => v.replace(/ → .*node_modules\//, ' → '));
      expect(http.sort()).toEqual([
        'write-path-imports-http apps/api/src/write/write-step.ts → express/index.js',
        'write-path-imports-http libs/write-path/src/index.ts → @nestjs/platform-express/index.js',
      ]);
    });

    it('lets a library use another one through its entry and its testing helpers, and a test start another app', () => {
      const files = result.violations.map((v) => v.split(' ')[1]);
      expect(files).not.toContain('libs/b/src/ok.ts');
      expect(files).not.toContain('apps/api/src/uses-lib.ts');
      expect(files).not.toContain('apps/cli/src/main.int-spec.ts');
    });
  });
});
