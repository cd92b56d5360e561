import { spawnSync } from 'node:child_process';
import { holderIsGone, leaseOwner, processExists } from './projector-lease';

describe('projector lease owners', () => {
  const self = leaseOwner('host-a', 100);

  it('names the host, the process and a random part, different for each instance', () => {
    expect(self).toMatch(/^host-a\/100\/[0-9a-f]{8}$/);
    expect(leaseOwner('host-a', 100)).not.toBe(self);
  });

  it('judges holders of this host by their process, and never those of other hosts', () => {
    const alive = (pid: number) => pid === 100 || pid === 200;
    expect(holderIsGone('host-a/300/0badf00d', self, alive)).toBe(true);
    expect(holderIsGone('host-a/200/0badf00d', self, alive)).toBe(false);
    expect(holderIsGone('host-b/300/0badf00d', self, alive)).toBe(false);
    // Another instance in this very process (the pid exists): its lease is left to expire.
    expect(holderIsGone('host-a/100/0badf00d', self, alive)).toBe(false);
    // Not an owner this code wrote: left to expire.
    for (const odd of ['', 'host-a', 'host-a/x/1', 'host-a/300']) expect(holderIsGone(odd, self, alive)).toBe(false);
  });

  it('sees this process as existing and an exited one as gone', () => {
    expect(processExists(process.pid)).toBe(true);
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    expect(processExists(Number(exited.stdout))).toBe(false);
  });
});
