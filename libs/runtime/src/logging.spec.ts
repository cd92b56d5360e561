import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig } from './config/app-config';
import { logDestination, requestLogging, resolveLogFormat } from './logging';

/** An http server behind the request-logging middleware; `status` answers with that code and logs through req.log. */
async function serve(level: string): Promise<{ url: string; lines: Record<string, unknown>[]; server: Server }> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const { middleware } = requestLogging(loadConfig({ LOG_LEVEL: level, DATA_DIR: '/tmp/unused' }), sink);
  const server = createServer((req, res) =>
    middleware(req, res, () => {
      const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
      (req as unknown as { log: { warn(obj: object, msg: string): void } }).log.warn({ step: 'handler' }, 'inside the request');
      res.statusCode = status;
      res.end('ok');
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines, server };
}

/** Turns of the event loop until `condition` holds (bounded), so that no assertion depends on a delay. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('log format', () => {
  const entry = JSON.stringify({ level: 30, time: Date.parse('2026-11-20T04:35:00Z'), pid: 1, hostname: 'h', correlationId: 'corr-1', msg: 'Robo Trader api listening' });
  const sink = () => {
    const written: string[] = [];
    return { written, stream: { write: (line: string) => void written.push(line) } };
  };

  it('LOG_FORMAT=auto is pretty on a terminal and JSON otherwise; pretty and json are taken as asked', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
    expect(loadConfig({ DATA_DIR: '/tmp/unused' }).logFormat).toBe('auto');
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });

  it('pretty: one readable line per entry, level and message first, fields on the same line', () => {
    const { written, stream } = sink();
    logDestination('pretty', stream).write(`${entry}\n`);
    expect(written).toHaveLength(1);
    const line = written[0];
    expect(line.trimEnd().split('\n')).toHaveLength(1);
    expect(() => JSON.parse(line)).toThrow();
    expect(line).toMatch(/^\[2026-11-20 \d\d:\d\d:00\.000 [+-]\d{4}\] INFO: Robo Trader api listening \{.*"correlationId":"corr-1".*\}\n$/);
    expect(line).not.toContain('hostname');
  });

  it('json: the lines as pino writes them', () => {
    const { written, stream } = sink();
    logDestination('json', stream).write(`${entry}\n`);
    expect(written).toEqual([`${entry}\n`]);
  });
});

describe('request logging', () => {
  it.each(['warn', 'info'])('at %s: every line of a request carries its correlationId, echoed in x-correlation-id', async (level) => {
    const { url, lines, server } = await serve(level);
    try {
      const res = await fetch(`${url}/api/x?status=201`, { headers: { 'x-correlation-id': 'corr-1' } });
      expect(res.headers.get('x-correlation-id')).toBe('corr-1');
      const made = await fetch(`${url}/api/x`);
      expect(made.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
      await until(() => lines.filter((l) => l.msg === 'inside the request').length === 2);
      expect(lines.filter((l) => l.msg === 'inside the request').map((l) => l.correlationId)).toEqual(['corr-1', made.headers.get('x-correlation-id')]);
    } finally {
      server.close();
    }
  });

  it('at warn: no line for a request that succeeded or was refused, one "request errored" line for a 5xx, without credentials', async () => {
    const { url, lines, server } = await serve('warn');
    try {
      await fetch(`${url}/api/ok?status=200`);
      await fetch(`${url}/api/bad?status=400`);
      await fetch(`${url}/api/broken/rtk_abc_secretpart?status=503&token=abc.def`, { headers: { 'x-correlation-id': 'corr-5', authorization: 'Bearer rtk_abc_secretpart' } });
      // The 503's line is written when its response finishes, after any line of the two requests before it.
      await until(() => lines.some((l) => l.msg === 'request errored'));
      const requestLines = lines.filter((l) => l.msg !== 'inside the request');
      expect(requestLines).toEqual([
        expect.objectContaining({ level: 50, msg: 'request errored', correlationId: 'corr-5', res: { statusCode: 503 }, req: { method: 'GET', url: '/api/broken/rtk_[redacted]?status=503&token=[redacted]' } }),
      ]);
      expect(JSON.stringify(lines)).not.toContain('secretpart');
    } finally {
      server.close();
    }
  });

  it('at info: no line for a request that succeeded or was refused; a failed one is still written', async () => {
    const { url, lines, server } = await serve('info');
    try {
      await fetch(`${url}/api/ok?status=200`);
      await fetch(`${url}/api/bad?status=404`);
      await fetch(`${url}/api/broken?status=500`);
      // The 500's line is written when its response finishes, after those of the two before it.
      await until(() => lines.some((l) => l.msg === 'request errored'));
      expect(lines.filter((l) => l.msg !== 'inside the request').map((l) => [l.msg, (l.res as { statusCode: number }).statusCode])).toEqual([['request errored', 500]]);
    } finally {
      server.close();
    }
  });

  it('at debug: pino-http writes a line per request at level debug, headers redacted', async () => {
    const { url, lines, server } = await serve('debug');
    try {
      await fetch(`${url}/api/ok?status=200`, { headers: { authorization: 'Bearer rtk_abc_secretpart' } });
      await until(() => lines.some((l) => l.msg === 'request completed'));
      const completed = lines.find((l) => l.msg === 'request completed') as { req: { headers: Record<string, string> }; correlationId: string } | undefined;
      expect(completed?.req.headers.authorization).toBe('[redacted]');
      expect(completed?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect((completed as unknown as { level: number }).level).toBe(20);
      expect(JSON.stringify(lines)).not.toContain('secretpart');
    } finally {
      server.close();
    }
  });
});
