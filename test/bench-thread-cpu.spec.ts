import { spawn } from 'node:child_process';
import { cpuPerRequest, processCpu, type ProcessCpu } from '../bench/harness/thread-cpu';
import { itOrSkip } from '@robo/runtime/testing/skip';

/**
 * A fresh Node process (few threads of its own, unlike a test runner's) that burns 400 ms of CPU on its main thread
 * when told to, then 400 ms in a worker thread, and says when each is done. CPU, not wall time: on a busy machine a
 * thread spinning for 400 ms of wall time may get much less of the CPU.
 */
const BURN = 'const burn = (ms) => { const end = process.cpuUsage(); const target = end.user + end.system + ms * 1000; for (;;) { const u = process.cpuUsage(); if (u.user + u.system >= target) return; } };';
const SPINNER = `
const { Worker } = require('node:worker_threads');
${BURN}
setInterval(() => {}, 1000);
process.stdin.once('data', () => {
  burn(400);
  process.stdout.write('main-done\\n');
  const worker = new Worker(${JSON.stringify(`${BURN} burn(400); require("node:worker_threads").parentPort.postMessage(1); setInterval(() => {}, 1000);`)}, { eval: true });
  worker.on('message', () => process.stdout.write('worker-done\\n'));
});
process.stdout.write('ready\\n');
`;

const linux = process.platform === 'linux';

describe('thread CPU readings of the bench', () => {
  itOrSkip(!linux && 'they read /proc, which only Linux has')("puts a process's main-thread CPU on its main thread and its worker's on the other threads", async () => {
    const child = spawn(process.execPath, ['-e', SPINNER], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines: string[] = [];
    const waiters: { line: string; resolve: () => void }[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(line);
        for (const w of waiters.filter((x) => x.line === line)) w.resolve();
      }
    });
    const said = (line: string) => (lines.includes(line) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ line, resolve })));
    try {
      await said('ready');
      const start = processCpu(child.pid) as ProcessCpu;
      child.stdin.write('go\n');
      await said('main-done');
      const afterMain = processCpu(child.pid) as ProcessCpu;
      await said('worker-done');
      const afterWorker = processCpu(child.pid) as ProcessCpu; // the worker thread still exists: it waits to be killed
      // 400 ms of CPU (process-wide, so a little less on the spinning thread itself), read in clock ticks of 10 ms:
      // most of it shows, each time on the right side.
      expect(afterMain.mainMs - start.mainMs).toBeGreaterThanOrEqual(300);
      expect(afterMain.otherThreadsMs - start.otherThreadsMs).toBeLessThan(150);
      expect(afterWorker.otherThreadsMs - afterMain.otherThreadsMs).toBeGreaterThanOrEqual(300);
    } finally {
      child.kill();
    }
  });

  it('divides by the answered requests, and says nothing without readings or requests', () => {
    expect(cpuPerRequest({ mainMs: 100, otherThreadsMs: 10 }, { mainMs: 300, otherThreadsMs: 50 }, 400)).toEqual({ mainMs: 0.5, otherThreadsMs: 0.1 });
    expect(cpuPerRequest(null, { mainMs: 1, otherThreadsMs: 1 }, 10)).toBeNull();
    expect(cpuPerRequest({ mainMs: 1, otherThreadsMs: 1 }, { mainMs: 2, otherThreadsMs: 2 }, 0)).toBeNull();
    expect(processCpu(undefined)).toBeNull();
  });
});
