import * as fs from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from './test-app';

/** The README's API sections, checked against what the api serves, so that they cannot go stale. */
const README = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

const ROOTS = /^\/(api|auth|health|metrics|docs)\b/;

/** The operations the README's "Endpoints" table names, as `METHOD /path/{}` (parameters unnamed). */
export function readmeEndpoints(text: string): string[] {
  const start = text.indexOf('### Endpoints');
  if (start < 0) throw new Error('the README has no "### Endpoints" section');
  const table = text.slice(start, text.indexOf('\n### ', start + 1)).split('\n').filter((l) => l.startsWith('| `'));
  const out: string[] = [];
  for (const line of table) {
    const cell = line.split(/(?<!\\)\|/)[1];
    let method = '';
    let base = '';
    for (const [, code] of cell.matchAll(/`([^`]+)`/g)) {
      const m = /^(GET|POST|PUT|DELETE|PATCH) (\S+)$/.exec(code.trim());
      const raw = (m ? m[2] : code.trim()).replace(/\?.*$/, '');
      if (m) method = m[1];
      if (!method) throw new Error(`no method before ${code} in: ${line}`);
      let full: string;
      if (m || ROOTS.test(raw)) full = raw;
      else {
        const segments = base.split('/').filter(Boolean);
        const append = raw.startsWith('/:') || segments.length <= 2 || segments[segments.length - 1].startsWith(':');
        full = append ? `${base}${raw}` : `/${segments.slice(0, -1).join('/')}${raw}`;
      }
      if (m || ROOTS.test(raw)) base = full;
      // `activate\|pause` names several operations in one.
      const [head, alternatives] = [full.replace(/[^/]*$/, ''), full.split('/').pop()!];
      for (const last of alternatives.split('\\|')) out.push(`${method} ${(head + last).replace(/:[A-Za-z]+/g, '{}')}`);
    }
  }
  return out;
}

describe('the README names only what the api serves', () => {
  let t: TestApp;
  /** Each operation of the document as a pattern: a path parameter matches any one segment (a named kind too). */
  let served: RegExp[];
  beforeAll(async () => {
    t = await startTestApp();
    const doc = (await request(t.server).get('/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    served = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.keys(item).map((m) => new RegExp(`^${m.toUpperCase()} ${p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`)),
    );
  });
  afterAll(async () => t?.close());

  it('reads the endpoints table as the operations it lists', () => {
    const listed = readmeEndpoints(README);
    expect(listed).toEqual(expect.arrayContaining(['POST /api/accounts/{}/withdrawals', 'GET /api/accounts/{}/positions', 'POST /api/strategies/{}/resume', 'GET /api/projections/dead-letters', 'GET /health/ready']));
  });

  it('every endpoint of the README\'s table is an operation of the published document', () => {
    const unknown = readmeEndpoints(README).filter((op) => !served.some((pattern) => pattern.test(op)));
    expect(unknown).toEqual([]);
  });

  it('POST /auth/token answers the fields the README quotes', async () => {
    const quoted = /`POST \/auth\/token \{"apiKey":"rtk_\.\.\."\}` answers `\{ ([^}]+) \}`/.exec(README);
    expect(quoted).not.toBeNull();
    const res = await request(t.server).post('/auth/token').send({ apiKey: t.admin.apiKey });
    expect(res.status).toBe(200);
    for (const field of quoted![1].split(',').map((f) => f.trim())) expect(res.body).toHaveProperty(field);
  });
});
