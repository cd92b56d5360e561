import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const ESLINT = path.join(ROOT, 'node_modules/eslint/bin/eslint.js');

/** The rule ids and messages ESLint reports for `source` as if it were the file at `filePath` (relative to the repository). */
function lint(source: string, filePath: string): { ruleId: string | null; message: string }[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [ESLINT, '--format', 'json', '--stdin', '--stdin-filename', filePath], { cwd: ROOT, input: source, encoding: 'utf8' });
  } catch (error) {
    // Exit code 1 means problems were found; the report is on stdout all the same.
    out = (error as { stdout: string }).stdout;
  }
  const [report] = JSON.parse(out) as { messages: { ruleId: string | null; message: string }[] }[];
  return report!.messages;
}

const READS = [
  'export const a = Date.now();',
  'export const b = new Date().toISOString();',
  'export const c = performance.now();',
  'export const d = process.hrtime.bigint();',
  "export const e = new Date('2026-11-20T04:30:00Z');",
].join('\n');

describe('wall-clock reads outside @robo/clock fail lint', () => {
  it('flags Date.now(), new Date(), performance.now() and process.hrtime in an app and in a library, not a dated new Date(...)', () => {
    for (const file of ['apps/api/src/planted-clock-read.ts', 'libs/read-models/src/runner/planted-clock-read.ts']) {
      const lines = lint(READS, file).map((m) => m.ruleId);
      expect(lines).toEqual(['no-restricted-properties', 'no-restricted-syntax', 'no-restricted-properties', 'no-restricted-properties']);
    }
  }, 60_000);

  it('lets the clock module and tests read it', () => {
    expect(lint(READS, 'libs/clock/src/clock.ts')).toEqual([]);
    expect(lint(READS, 'apps/api/src/planted-clock-read.spec.ts')).toEqual([]);
  }, 60_000);
});
