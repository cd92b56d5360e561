import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const eslint = path.join(root, 'node_modules/eslint/bin/eslint.js');

const offenders: [string, string][] = [
  ['a Nest import', "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n"],
  ['a database driver', "import Database from 'better-sqlite3';\nexport const x = Database;\n"],
  ['the MongoDB driver', "import { MongoClient } from 'mongodb';\nexport const x = MongoClient;\n"],
  ['the EventStoreDB client', "import { EventStoreDBClient } from '@eventstore/db-client';\nexport const x = EventStoreDBClient;\n"],
  ['reading the clock', 'export const now = () => Date.now();\n'],
  ['new Date() without arguments', 'export const now = () => new Date();\n'],
  ['randomness', 'export const r = () => Math.random();\n'],
];
const pure = "export const at = (iso: string) => new Date(Date.parse(iso)).toISOString();\n";

/**
 * Writes each snippet as a file in the folder whose rules it should meet, lints them in one run, and returns the
 * rule ids that fired per file. The files are removed afterwards.
 */
function lint(files: Record<string, string>): Record<string, string[]> {
  const dirs = new Set<string>();
  for (const [file, code] of Object.entries(files)) {
    const full = path.join(root, file);
    dirs.add(path.dirname(full));
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, code);
  }
  try {
    const run = spawnSync(process.execPath, [eslint, '--format', 'json', '--no-warn-ignored', ...Object.keys(files)], { cwd: root, encoding: 'utf8' });
    const results = JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string | null }[] }[];
    return Object.fromEntries(results.map((r) => [path.relative(root, r.filePath), r.messages.map((m) => m.ruleId ?? 'parse-error')]));
  } finally {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('lint: the domain and the projections stay pure', () => {
  const fixture = `lint-fixture-${process.pid}`;
  const files: Record<string, string> = {};
  offenders.forEach(([, code], i) => {
    files[`libs/domain/src/${fixture}/offender${i}.ts`] = code;
    files[`libs/read-models/src/projections/${fixture}/offender${i}.projection.ts`] = code;
    files[`apps/api/src/${fixture}/allowed${i}.ts`] = code;
  });
  files[`libs/domain/src/${fixture}/pure.ts`] = pure;
  let fired: Record<string, string[]>;
  beforeAll(() => {
    fired = lint(files);
  }, 60_000);
  const restricted = (file: string) => (fired[file] ?? ['not linted']).some((r) => r.startsWith('no-restricted'));

  it.each(offenders.map(([name], i) => [name, i] as const))('rejects %s in libs/domain and in projections', (_name, i) => {
    expect(restricted(`libs/domain/src/${fixture}/offender${i}.ts`)).toBe(true);
    expect(restricted(`libs/read-models/src/projections/${fixture}/offender${i}.projection.ts`)).toBe(true);
  });

  it('allows frameworks, drivers and randomness in the api (never the clock), and pure code in the domain', () => {
    expect(Object.keys(fired).sort()).toEqual(Object.keys(files).sort());
    // Reading the wall clock is refused everywhere outside @robo/clock (eslint.config.mjs, clock rules), the rest only in pure code.
    const everywhere = new Set(['reading the clock', 'new Date() without arguments']);
    offenders.forEach(([name], i) => expect(restricted(`apps/api/src/${fixture}/allowed${i}.ts`)).toBe(everywhere.has(name)));
    expect(fired[`libs/domain/src/${fixture}/pure.ts`]).toEqual([]);
  });
});
