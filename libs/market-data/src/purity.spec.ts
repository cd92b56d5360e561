import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { impureSources } from './testing/purity';

describe('libs/market-data stays pure', () => {
  it('reads no clock, draws no Math.random and does no I/O', () => {
    expect(impureSources(__dirname)).toEqual([]);
  });

  it('the check does find an offender', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'purity-'));
    try {
      fs.writeFileSync(path.join(dir, 'bad.ts'), 'export const t = () => Date.now() + Math.random();\n');
      expect(impureSources(dir)).toEqual(['bad.ts: Date.now()', 'bad.ts: Math.random()']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
