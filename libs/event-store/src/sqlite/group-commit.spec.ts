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

  it('flushAll commits everything queued, synchronously', async () => {
    const committer = recordingCommitter(echo);
    const queue = new GroupCommitQueue(committer.commit, 2);
    const pending = [queue.submit('a', 1), queue.submit('b', 1), queue.submit('c', 1)];
    queue.flushAll();
    expect(committer.groups).toEqual([['a', 'b'], ['c']]); // cap 2: [a, b] then [c]
    await expect(Promise.all(pending)).resolves.toEqual(['done:a', 'done:b', 'done:c']);
  });
});
