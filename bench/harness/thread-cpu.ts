import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** CPU time a process has used so far (Linux /proc), split into its main thread and all its other threads. */
export interface ProcessCpu {
  mainMs: number;
  otherThreadsMs: number;
}

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system time of each thread of `pid`; null off Linux or once the process is gone. */
export function processCpu(pid: number | undefined): ProcessCpu | null {
  if (pid === undefined) return null;
  try {
    const msPerTick = 1000 / clockTicks();
    const cpu: ProcessCpu = { mainMs: 0, otherThreadsMs: 0 };
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      } catch {
        continue; // a thread that ended between the listing and the read
      }
      // Fields after the parenthesised name: state is field 3, utime 14 and stime 15 (proc(5)).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * msPerTick;
      if (tid === String(pid)) cpu.mainMs += ms;
      else cpu.otherThreadsMs += ms;
    }
    return cpu;
  } catch {
    return null;
  }
}

/** CPU milliseconds per request between two readings, or null when either is missing or nothing was answered. */
export function cpuPerRequest(before: ProcessCpu | null, after: ProcessCpu | null, requests: number): ProcessCpu | null {
  if (before === null || after === null || requests === 0) return null;
  return { mainMs: (after.mainMs - before.mainMs) / requests, otherThreadsMs: (after.otherThreadsMs - before.otherThreadsMs) / requests };
}
