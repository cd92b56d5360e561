import { GroupCommitQueue, type Settlement } from './group-commit';

/** A committer that records the groups it was given and settles each request by a rule. */
function recordingCommitter(rule: (request: string) => Settlement<string>) {
  const groups: string[][] = [];
  const commit = (requests: string[]): Settlement<string>[] => {
    groups.push([...requests]);
    return requests.map(rule);
  };
  return { groups, commit };
}

const echo = (request: string): Settlement<string> => ({ ok: true, value: `done:${request}` });

describe('GroupCommitQueue', () => {
  it('hands requests submitted in one turn to a single commit, and settles each with its own outcome', async () => {
    const committer = recordingCommitter((r) => (r === 'bad' ? { ok: false, error: new Error('conflict') } : echo(r)));
    const queue = new GroupCommitQueue(committer.commit, 100);

    const settled = await Promise.allSettled([queue.submit('a', 1), queue.submit('bad', 1), queue.submit('c', 1)]);

    expect(committer.groups).toEqual([['a', 'bad', 'c']]);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual(['done:a', 'conflict', 'done:c']);
  });

  it('starts a new group for requests submitted after the previous commit', async () => {
    const committer = recordingCommitter(echo);
    const queue = new GroupCommitQueue(committer.commit, 100);
    await queue.submit('first', 1);
    await Promise.all([queue.submit('second', 1), queue.submit('third', 1)]);
    expect(committer.groups).toEqual([['first'], ['second', 'third']]);
  });

  it('caps a group by total size but always takes at least one request', async () => {
    const committer = recordingCommitter(echo);
    const queue = new GroupCommitQueue(committer.commit, 5);
    await Promise.all([queue.submit('huge', 9), queue.submit('s3', 3), queue.submit('s2', 2), queue.submit('s1', 1)]);
    // 9 alone (over the cap); then 3 + 2 = 5 fits; 1 more would make 6 > 5
    expect(committer.groups).toEqual([['huge'], ['s3', 's2'], ['s1']]);
  });

  it('rejects every request of a group whose commit throws', async () => {
    const failure = new Error('disk full');
    const queue = new GroupCommitQueue<string, string>(() => {
      throw failure;
    }, 100);
    const settled = await Promise.allSettled([queue.submit('a', 1), queue.submit('b', 1)]);
    expect(settled).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
  });

  it('drain commits everything queued, synchronously when the commit is', async () => {
    const committer = recordingCommitter(echo);
    const queue = new GroupCommitQueue(committer.commit, 2);
    const pending = [queue.submit('a', 1), queue.submit('b', 1), queue.submit('c', 1)];
    const drained = queue.drain();
    expect(committer.groups).toEqual([['a', 'b'], ['c']]); // cap 2: [a, b] then [c]
    await drained;
    await expect(Promise.all(pending)).resolves.toEqual(['done:a', 'done:b', 'done:c']);
  });
});

/** A committer whose commits finish only when the test says so, as a writer thread's do. */
function gatedCommitter() {
  const groups: string[][] = [];
  const gates: Array<() => void> = [];
  let running = 0;
  let overlapped = false;
  const commit = (requests: string[]): Promise<Settlement<string>[]> => {
    groups.push([...requests]);
    running += 1;
    if (running > 1) overlapped = true;
    return new Promise((resolve, reject) => {
      gates.push(() => {
        running -= 1;
        if (requests.includes('boom')) reject(new Error('writer stopped'));
        else resolve(requests.map(echo));
      });
    });
  };
  const openNext = async () => {
    await eventually(() => gates.length > 0);
    gates.shift()!();
  };
  return { groups, commit, openNext, overlapped: () => overlapped };
}

async function eventually(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('condition not reached');
}

describe('GroupCommitQueue with an asynchronous commit', () => {
  it('never overlaps two commits, and groups everything submitted while one is in flight', async () => {
    const committer = gatedCommitter();
    const queue = new GroupCommitQueue(committer.commit, 100);
    const first = queue.submit('a', 1);
    await eventually(() => committer.groups.length === 1);
    const during = [queue.submit('b', 1), queue.submit('c', 1)];
    await new Promise((resolve) => setImmediate(resolve));
    const later = queue.submit('d', 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(committer.groups).toEqual([['a']]); // b, c and d wait for a's commit

    await committer.openNext();
    await expect(first).resolves.toBe('done:a');
    await committer.openNext();
    await expect(Promise.all([...during, later])).resolves.toEqual(['done:b', 'done:c', 'done:d']);
    expect(committer.groups).toEqual([['a'], ['b', 'c', 'd']]);
    expect(committer.overlapped()).toBe(false);
  });

  it('rejects the group of a failed commit and goes on with the next group', async () => {
    const committer = gatedCommitter();
    const queue = new GroupCommitQueue(committer.commit, 100);
    const failed = [queue.submit('boom', 1), queue.submit('x', 1)];
    await eventually(() => committer.groups.length === 1);
    const next = queue.submit('y', 1);
    await committer.openNext();
    const settled = await Promise.allSettled(failed);
    expect(settled.map((s) => s.status === 'rejected' && (s.reason as Error).message)).toEqual(['writer stopped', 'writer stopped']);
    await committer.openNext();
    await expect(next).resolves.toBe('done:y');
  });

  it('drain waits for the commit in flight, then commits what queued behind it', async () => {
    const committer = gatedCommitter();
    const queue = new GroupCommitQueue(committer.commit, 100);
    const first = queue.submit('a', 1);
    await eventually(() => committer.groups.length === 1);
    const behind = queue.submit('b', 1);
    let drained = false;
    const draining = queue.drain().then(() => (drained = true));
    await committer.openNext();
    await committer.openNext();
    await draining;
    expect(drained).toBe(true);
    await expect(Promise.all([first, behind])).resolves.toEqual(['done:a', 'done:b']);
    expect(committer.groups).toEqual([['a'], ['b']]);
  });
});
