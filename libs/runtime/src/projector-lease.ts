import { randomUUID } from 'node:crypto';
import * as os from 'node:os';

/** `host/pid/random`: which instance holds the projector lease, readable in status pages and logs. */
export function leaseOwner(host: string = os.hostname(), pid: number = process.pid): string {
  return `${host}/${pid}/${randomUUID().slice(0, 8)}`;
}

/** True when a process with this id exists on this host (EPERM: it exists, it is just not ours). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the lease holder is an instance known to be gone: one of this host whose process no longer exists (a
 * projector or api killed and started again on the same machine). Holders of other hosts, and a process that still
 * exists, are never judged: their leases expire. A restarted container whose process has the same id as before
 * waits for the expiry too.
 */
export function holderIsGone(holder: string, self: string, exists: (pid: number) => boolean = processExists): boolean {
  const [host, pidText, nonce] = holder.split('/');
  const [selfHost] = self.split('/');
  if (host === undefined || nonce === undefined || host !== selfHost || !/^\d+$/.test(pidText ?? '')) return false;
  return !exists(Number(pidText));
}
