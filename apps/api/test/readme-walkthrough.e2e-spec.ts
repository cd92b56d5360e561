import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@robo/runtime';
import { createApp } from '../src/bootstrap';
import { startTestApp, type TestApp } from './test-app';

/** The README's "A walk through the API", run over HTTP; its portfolio figures must be what the run gives. */
const README = path.join(__dirname, '..', '..', '..', 'README.md');

/** `1,49,99,936.07` or `-63.93` (rupees, Indian grouping) -> paise. */
const paise = (text: string): number => Math.round(Number(text.replace(/,/g, '')) * 100);

/** The figures the README states after the portfolio call, in paise. */
function readmeFigures(): Record<string, number> {
  const text = fs.readFileSync(README, 'utf8');
  const money = String.raw`(-?[\d,]+\.\d\d)`;
  const first = new RegExp(String.raw`# -> equity ${money} = cash ${money} \+ market value ${money}`).exec(text);
  const second = new RegExp(String.raw`#\s+total P&L ${money} = equity - ${money} put in = realized ${money} \+ unrealized ${money} - charges on the open position ${money}`).exec(text);
  if (!first || !second) throw new Error('the README walk-through no longer states the portfolio figures in the expected form');
  return {
    equityPaise: paise(first[1]),
    cashPaise: paise(first[2]),
    marketValuePaise: paise(first[3]),
    totalPnlPaise: paise(second[1]),
    netInflowPaise: paise(second[2]),
    realizedNetPaise: paise(second[3]),
    unrealizedPnlPaise: paise(second[4]),
    openChargesPaise: paise(second[5]),
  };
}

describe('the README walk-through reproduces the portfolio figures it shows', () => {
  let t: TestApp;
  beforeAll(async () => {
    // As the README starts it: DEMO=false CLOCK_START=2026-11-20T09:30:00+05:30
    t = await startTestApp({ DEMO: 'false', CLOCK_START: '2026-11-20T09:30:00+05:30' });
  });
  afterAll(async () => t?.close());

  it('opens, deposits, buys 100 RELIANCE in two executions and reads the portfolio', async () => {
    const acc = (await t.api.post('/api/accounts').send({ name: 'Asha', initialCashPaise: 100000000 })).body.accountId as string;
    expect((await t.api.post(`/api/accounts/${acc}/deposits`).set('Idempotency-Key', 'dep-001').send({ amountPaise: 50000000 })).status).toBe(201);
    const ord = (await t.api.post('/api/orders').send({ accountId: acc, instrument: 'RELIANCE', side: 'BUY', quantity: 100, type: 'LIMIT', limitPricePaise: 250000, product: 'MIS', validity: 'DAY' })).body.orderId as string;
    expect((await t.api.post(`/api/orders/${ord}/fills`).send({ fillId: 'T-1', quantity: 40, pricePaise: 249900, feesPaise: 1200, occurredAt: '2026-11-20T09:31:00+05:30' })).status).toBe(201);
    const last = await t.api.post(`/api/orders/${ord}/fills`).send({ fillId: 'T-2', quantity: 60, pricePaise: 250000, occurredAt: '2026-11-20T09:32:00+05:30' });
    expect(last.status).toBe(201);
    const p = (await t.api.get(`/api/accounts/${acc}/portfolio?minPosition=${last.body.globalPosition}`)).body;
    const run = {
      equityPaise: p.equityPaise,
      cashPaise: p.cashPaise,
      marketValuePaise: p.marketValuePaise,
      totalPnlPaise: p.totalPnlPaise,
      netInflowPaise: p.netInflowPaise,
      realizedNetPaise: p.pnlSplit.realizedNetPaise,
      unrealizedPnlPaise: p.pnlSplit.unrealizedPnlPaise,
      openChargesPaise: p.pnlSplit.openChargesPaise,
    };
    expect(readmeFigures()).toEqual(run);
    expect(p.positions[0]).toMatchObject({ instrument: 'RELIANCE', quantity: 100, markSource: 'COST' });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The walk-through as written: every curl line of the README run in order against an app started as the README
// starts it, so a command, a body or a stated answer that drifts from the app fails here.

interface Command {
  /** Comment lines just above the command. */
  comments: string[];
  /** `VAR=$(curl ...)`: the variable the answer's field (a path such as `events[0].data.placedAt`) goes into. */
  assign: { variable: string; field: string } | null;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /** What a `# -> {...}` line under the command states about its answer. */
  stated: string | null;
}

function walkthroughSection(): string {
  const text = fs.readFileSync(README, 'utf8');
  const start = text.indexOf('## A walk through the API');
  if (start < 0) throw new Error('README.md has no "A walk through the API" section');
  const rest = text.slice(start + 3);
  const end = rest.search(/\n##+ /);
  return end < 0 ? rest : rest.slice(0, end);
}

function bashBlocks(section: string): string[] {
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** Splits a script into logical lines: backslash continuations joined, newlines inside quotes kept in the line. */
function logicalLines(script: string): string[] {
  const lines: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote === null && c === '\\' && script[i + 1] === '\n') {
      i++;
      current += ' ';
      continue;
    }
    if (quote === null && c === '#' && /(^|\s)$/.test(current)) {
      // a comment runs to the end of the line
      const eol = script.indexOf('\n', i);
      const comment = script.slice(i, eol < 0 ? undefined : eol);
      if (current.trim() !== '') lines.push(current.trim());
      lines.push(comment.trim());
      current = '';
      i = eol < 0 ? script.length : eol;
      continue;
    }
    if (c === '\n' && quote === null) {
      if (current.trim() !== '') lines.push(current.trim());
      current = '';
      continue;
    }
    if (quote === null && (c === '"' || c === "'")) quote = c;
    else if (quote === c && script[i - 1] !== '\\') quote = null;
    current += c;
  }
  if (current.trim() !== '') lines.push(current.trim());
  return lines;
}

/** Shell words of a command line, with $VARS expanded (not inside single quotes) and quotes removed. */
function words(line: string, vars: Record<string, string>): string[] {
  const out: string[] = [];
  let word = '';
  let started = false;
  let quote: '"' | "'" | null = null;
  const expand = (text: string) => text.replace(/\$([A-Z_]+)/g, (_m, name: string) => vars[name] ?? `$${name}`);
  let raw = '';
  const flush = () => {
    if (started) out.push(word);
    word = '';
    raw = '';
    started = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === null) {
      if (/\s/.test(c)) {
        flush();
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        started = true;
        continue;
      }
      started = true;
      raw += c;
      // bare words expand as they end or meet a quote
      if (i + 1 === line.length || /[\s"']/.test(line[i + 1])) {
        word += expand(raw);
        raw = '';
      }
      continue;
    }
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
      continue;
    }
    // double quotes: \" is a quote, $VAR expands
    if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\' || line[i + 1] === '$')) {
      word += line[++i];
      continue;
    }
    if (c === '"') {
      quote = null;
      continue;
    }
    if (c === '$') {
      const m = /^\$([A-Z_]+)/.exec(line.slice(i));
      if (m) {
        word += vars[m[1]] ?? m[0];
        i += m[0].length - 1;
        continue;
      }
    }
    word += c;
  }
  flush();
  return out;
}

/** The curl commands of the walk-through, in order, with the comments above them and the `# ->` lines below. */
function commands(script: string): { vars: Record<string, string>; list: { line: string; comments: string[]; stated: string | null }[] } {
  const vars: Record<string, string> = {};
  const list: { line: string; comments: string[]; stated: string | null }[] = [];
  let comments: string[] = [];
  for (const line of logicalLines(script)) {
    if (line.startsWith('#')) {
      const stated = /^#\s*->\s*(.*)$/.exec(line);
      if (stated && list.length > 0) list[list.length - 1].stated = stated[1];
      else comments.push(line.replace(/^#\s*/, ''));
      continue;
    }
    if (line.includes('curl')) {
      list.push({ line, comments, stated: null });
    } else {
      const assignment = /^([A-Z_]+)=(.*)$/.exec(line);
      if (assignment) vars[assignment[1]] = words(assignment[2], vars).join(' ');
    }
    comments = [];
  }
  return { vars, list };
}

function parseCurl(line: string, comments: string[], stated: string | null, vars: Record<string, string>): Command {
  const assigned = /^([A-Z_]+)=\$\((.*)\)$/s.exec(line);
  const curl = assigned ? assigned[2] : line;
  const [command, pipe] = curl.split(/\s\|\s/);
  const field = pipe ? /\)\)\.((?:\w+|\[\d+\])(?:\.\w+|\[\d+\])*)/.exec(pipe)?.[1] : undefined;
  const args = words(command, vars);
  const cmd: Command = { comments, assign: assigned && field ? { variable: assigned[1], field } : null, method: 'GET', url: '', headers: {}, body: null, stated };
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (a === '-X') cmd.method = args[++i];
    else if (a === '-H') {
      const [name, ...value] = args[++i].split(':');
      cmd.headers[name.trim().toLowerCase()] = value.join(':').trim();
    } else if (a === '-d') cmd.body = args[++i];
    else if (a === '-s') continue;
    else cmd.url = a;
  }
  if (cmd.body !== null && cmd.method === 'GET') cmd.method = 'POST';
  return cmd;
}

/** `{"a":1,"b":"...",...}` -> the stated fields (placeholders "..." and a trailing `...` dropped); prose lines state none here. */
function statedFields(text: string): Record<string, unknown> {
  if (!text.trim().startsWith('{')) return {};
  const json = text.replace(/,\s*\.\.\.\s*}/g, '}').replace(/"\.\.\."/g, 'null');
  const parsed = JSON.parse(json) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== null));
}

/** Rupee amounts a comment names ("10 lakh rupees", "5 lakh", "2,500.00 rupees"), in paise. */
function amountsIn(comment: string): number[] {
  const out: number[] = [];
  for (const m of comment.matchAll(/(\d[\d,]*(?:\.\d+)?)\s+(lakh|crore|rupees)\b/g)) {
    const n = Number(m[1].replace(/,/g, ''));
    out.push(Math.round(n * (m[2] === 'lakh' ? 1e5 : m[2] === 'crore' ? 1e7 : 1) * 100));
  }
  return out;
}

/** The value at a path such as `events[0].data.placedAt`. */
function at(body: unknown, field: string): unknown {
  return field.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], body);
}

describe("the README's walk-through, run as written (commands, bodies and stated answers read from README.md)", () => {
  const section = walkthroughSection();
  const [startBlock, script] = bashBlocks(section);
  const env = Object.fromEntries([...startBlock.matchAll(/\b([A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
  const parsed = commands(script);
  let app: INestApplication;
  let base = '';
  let adminKey = '';
  const results: { cmd: Command; status: number; body: Record<string, unknown> }[] = [];
  const vars: Record<string, string> = {};

  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-readme-'));
    // Started as the README starts it (its environment), on a first start that prints the admin key once.
    const config = loadConfig({ ...env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0', QUERY_WAIT_TIMEOUT_MS: '1000' });
    const write = process.stdout.write.bind(process.stdout);
    let printed = '';
    process.stdout.write = ((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      app = await createApp(config);
      await app.init();
      await app.listen(0, '127.0.0.1');
    } finally {
      process.stdout.write = write;
    }
    adminKey = /API key: (rtk_\S+)/.exec(printed)?.[1] ?? '';
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    Object.assign(vars, parsed.vars, { API: base });
    for (const item of parsed.list) {
      const cmd = parseCurl(item.line.replace('rtk_...', adminKey), item.comments, item.stated, vars);
      const res = await fetch(cmd.url, { method: cmd.method, headers: { ...cmd.headers }, body: cmd.body ?? undefined });
      const text = await res.text();
      const body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      results.push({ cmd, status: res.status, body });
      if (cmd.assign) vars[cmd.assign.variable] = String(at(body, cmd.assign.field));
      if (cmd.assign?.variable === 'TOKEN') vars.H = `authorization: Bearer ${vars.TOKEN}`;
    }
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('starts as the README says and prints the admin key the walk-through exchanges', () => {
    expect(env).toMatchObject({ DEMO: 'false', CLOCK_START: expect.any(String) });
    expect(adminKey).toMatch(/^rtk_/);
    expect(parsed.list.length).toBeGreaterThanOrEqual(8);
  });

  it('answers every command of the walk-through with a 2xx', () => {
    const failed = results.filter((r) => r.status < 200 || r.status >= 300).map((r) => `${r.cmd.method} ${r.cmd.url.replace(base, '')} -> ${r.status} ${JSON.stringify(r.body)}`);
    expect(failed).toEqual([]);
  });

  it('answers what the README states after "->"', () => {
    const stated = results.filter((r) => r.cmd.stated !== null);
    expect(stated.length).toBeGreaterThan(0);
    const differences: string[] = [];
    for (const r of stated) {
      for (const [field, value] of Object.entries(statedFields(r.cmd.stated as string))) {
        if (JSON.stringify(r.body[field]) !== JSON.stringify(value)) differences.push(`${r.cmd.method} ${r.cmd.url.replace(base, '')}: README says ${field} ${JSON.stringify(value)}, the app ${JSON.stringify(r.body[field])}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('reads its own writes at the position the preceding command answered with', () => {
    const differences: string[] = [];
    let lastPosition: unknown = null;
    for (const r of results) {
      const wanted = /[?&]minPosition=(\d+)/.exec(r.cmd.url)?.[1];
      if (wanted !== undefined && Number(wanted) !== lastPosition) differences.push(`README reads with minPosition=${wanted}, the command before answered globalPosition ${JSON.stringify(lastPosition)}`);
      if (r.cmd.method === 'POST' && typeof r.body.globalPosition === 'number') lastPosition = r.body.globalPosition;
    }
    expect(differences).toEqual([]);
  });

  it('sends the amounts its comments name', () => {
    const differences: string[] = [];
    let checked = 0;
    for (const r of results) {
      const amounts = r.cmd.comments.flatMap(amountsIn);
      if (amounts.length === 0 || r.cmd.body === null) continue;
      const sent = Object.values(JSON.parse(r.cmd.body) as Record<string, unknown>).filter((v) => typeof v === 'number');
      for (const amount of amounts) {
        checked++;
        if (!sent.includes(amount)) differences.push(`"${r.cmd.comments.join(' ')}" names ${amount} paise, the command sends ${JSON.stringify(sent)}`);
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(differences).toEqual([]);
  });

  it('ends with a portfolio whose total P&L is equity less the money the walk-through put in', async () => {
    const read = results.find((r) => /\/portfolio\?minPosition=/.test(r.cmd.url));
    expect(read).toBeDefined();
    let portfolio = read!.body;
    if (read!.status !== 200) {
      // The README's own read failed (see above): read as it instructs, with the position the last command answered.
      const last = [...results].reverse().find((r) => r.cmd.method === 'POST' && typeof r.body.globalPosition === 'number')!;
      const url = read!.cmd.url.replace(/minPosition=\d+/, `minPosition=${last.body.globalPosition}`);
      portfolio = (await (await fetch(url, { headers: { authorization: `Bearer ${vars.TOKEN}` } })).json()) as Record<string, unknown>;
    }
    const p = portfolio as { cashPaise: number; equityPaise: number; totalPnlPaise: number; feesPaise: number };
    console.log(`walk-through portfolio: ${JSON.stringify(p)}`);
    console.log(`walk-through fills: ${JSON.stringify(results.filter((r) => /\/fills$/.test(r.cmd.url)).map((r) => r.body))}`);
    // Money in: the opening cash and the deposits, each Idempotency-Key counted once.
    const keys = new Set<string>();
    let moneyIn = 0;
    for (const r of results) {
      if (r.cmd.body === null || r.status >= 300) continue;
      const body = JSON.parse(r.cmd.body) as { initialCashPaise?: number; amountPaise?: number };
      if (/\/api\/accounts$/.test(r.cmd.url)) moneyIn += body.initialCashPaise ?? 0;
      if (/\/deposits$/.test(r.cmd.url)) {
        const key = r.cmd.headers['idempotency-key'];
        if (key === undefined || !keys.has(key)) moneyIn += body.amountPaise ?? 0;
        if (key !== undefined) keys.add(key);
      }
    }
    expect(moneyIn).toBeGreaterThan(0);
    expect({ totalPnlPaise: p.totalPnlPaise }).toEqual({ totalPnlPaise: p.equityPaise - moneyIn });
  });
});
