import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig } from './config/app-config';
import { requestLogging } from './logging';

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

describe('request logging', () => {
  it.each(['warn', 'info'])('at %s: every line of a request carries its correlationId, echoed in x-correlation-id', async (level) => {
    const { url, lines, server } = await serve(level);
    try {
      const res = await fetch(`${url}/api/x?status=201`, { headers: { 'x-correlation-id': 'corr-1' } });
      expect(res.headers.get('x-correlation-id')).toBe('corr-1');
      const made = await fetch(`${url}/api/x`);
      expect(made.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
      await new Promise((resolve) => setTimeout(resolve, 20));
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
      await new Promise((resolve) => setTimeout(resolve, 20));
      const requestLines = lines.filter((l) => l.msg !== 'inside the request');
      expect(requestLines).toEqual([
        expect.objectContaining({ level: 50, msg: 'request errored', correlationId: 'corr-5', res: { statusCode: 503 }, req: { method: 'GET', url: '/api/broken/rtk_[redacted]?status=503&token=[redacted]' } }),
      ]);
      expect(JSON.stringify(lines)).not.toContain('secretpart');
    } finally {
      server.close();
    }
  });

  it('at info: pino-http writes a line per request, headers redacted', async () => {
    const { url, lines, server } = await serve('info');
    try {
      await fetch(`${url}/api/ok?status=200`, { headers: { authorization: 'Bearer rtk_abc_secretpart' } });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const completed = lines.find((l) => l.msg === 'request completed') as { req: { headers: Record<string, string> }; correlationId: string } | undefined;
      expect(completed?.req.headers.authorization).toBe('[redacted]');
      expect(completed?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.stringify(lines)).not.toContain('secretpart');
    } finally {
      server.close();
    }
  });
});
