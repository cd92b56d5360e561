import { Worker } from 'node:worker_threads';
import { cpuPerRequest, processCpu } from '../bench/harness/thread-cpu';

function burn(ms: number): void {
  const until = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() < until) {
    // spin: CPU time on this thread
  }
}

const linux = process.platform === 'linux';
if (!linux) console.log('thread CPU readings skipped: they read /proc, which only Linux has');

describe('thread CPU readings of the bench', () => {
  (linux ? it : it.skip)('puts the main thread\'s CPU on the main thread and a worker\'s on the other threads', async () => {
    const before = processCpu(process.pid)!;
    burn(300);
    const afterMain = processCpu(process.pid)!;
    // 300 ms of spinning, read in clock ticks (10 ms): well over half of it shows, and not on the other threads.
    expect(afterMain.mainMs - before.mainMs).toBeGreaterThanOrEqual(150);
    expect(afterMain.otherThreadsMs - before.otherThreadsMs).toBeLessThan(150);

    const worker = new Worker('const until = Date.now() + 300; while (Date.now() < until) {} require("node:worker_threads").parentPort.postMessage("done"); setInterval(() => {}, 1000);', { eval: true });
    const readings: ReturnType<typeof processCpu>[] = [];
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => {
        readings.push(processCpu(process.pid)); // the worker thread still exists (it waits to be terminated)
        resolve();
      });
      worker.once('error', reject);
    });
    await worker.terminate();
    const afterWorker = readings[0]!;
    expect(afterWorker.otherThreadsMs - afterMain.otherThreadsMs).toBeGreaterThanOrEqual(150);
  });

  it('divides by the answered requests, and says nothing without readings or requests', () => {
    expect(cpuPerRequest({ mainMs: 100, otherThreadsMs: 10 }, { mainMs: 300, otherThreadsMs: 50 }, 400)).toEqual({ mainMs: 0.5, otherThreadsMs: 0.1 });
    expect(cpuPerRequest(null, { mainMs: 1, otherThreadsMs: 1 }, 10)).toBeNull();
    expect(cpuPerRequest({ mainMs: 1, otherThreadsMs: 1 }, { mainMs: 2, otherThreadsMs: 2 }, 0)).toBeNull();
    expect(processCpu(undefined)).toBeNull();
  });
});
