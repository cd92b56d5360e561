import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtInRegistry } from '@robo/paper';
import { createMarketCalendar, InstrumentCatalog } from '@robo/domain';
import { loadStrategyModules } from './strategy-modules';

const market = { catalog: new InstrumentCatalog(), calendar: createMarketCalendar({ holidays: [] }), quote: () => null };
const valid = (kind: string) =>
  `exports.default = { kind: '${kind}', description: '', parameterSchema: { type: 'object', properties: {} }, exampleParameters: {}, initialState: () => 0, step: (s) => ({ state: s, intents: [] }) };\n`;

describe('loading strategy modules from a folder', () => {
  it('registers each good module and names the file and the problem of each bad one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-modules-'));
    fs.writeFileSync(path.join(dir, 'a-good.js'), valid('good-one'));
    fs.writeFileSync(path.join(dir, 'b-throws.js'), "throw new Error('half written');\n");
    fs.writeFileSync(path.join(dir, 'c-same-kind.cjs'), valid('ma-crossover'));
    fs.writeFileSync(path.join(dir, 'd-nothing.js'), 'module.exports = 7;\n');
    fs.writeFileSync(path.join(dir, 'e-readme.md'), '# not a module');
    const registry = builtInRegistry(market);
    const loaded = loadStrategyModules(dir, registry);
    expect(loaded.registered).toEqual([{ kind: 'good-one', file: path.join(dir, 'a-good.js') }]);
    expect(loaded.refused).toEqual([
      { file: path.join(dir, 'b-throws.js'), problem: 'cannot be loaded: half written' },
      { file: path.join(dir, 'c-same-kind.cjs'), problem: 'kind ma-crossover is already registered (from built-in)' },
      { file: path.join(dir, 'd-nothing.js'), problem: expect.stringContaining('does not export a strategy definition') },
    ]);
    expect(registry.has('good-one')).toBe(true);
  });

  it('a folder that does not exist holds no modules', () => {
    expect(loadStrategyModules(path.join(os.tmpdir(), 'robo-no-such-folder-x'), builtInRegistry(market))).toEqual({ registered: [], refused: [] });
  });
});
