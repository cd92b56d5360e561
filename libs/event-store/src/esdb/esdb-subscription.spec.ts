import type { Position, ReadPosition } from '@eventstore/db-client';
import { UnavailableError, UnknownError } from '@eventstore/db-client';
import { isTransientEsdbError } from './esdb-errors';
import { resumableSubscription, type ResumeOptions, type SubscriptionHandle } from './esdb-subscription';

/*
 * The reconnection logic, driven by scripted subscriptions (plain async iterables standing in for the client's
 * Readable, not for the server): what it resubscribes from, what it delivers, when it gives up.
 */

interface Rec {
  at: bigint;
  visible: boolean;
}

class Dropped extends Error {
  constructor() {
    super('connection dropped');
  }
}

/** One scripted subscription: delivers `records`, then fails, ends, or waits until unsubscribed. */
function scripted(records: Rec[], then: 'fail' | 'end' | 'wait' | Error): SubscriptionHandle<Rec> & { unsubscribed: boolean } {
  let release: (() => void) | null = null;
  const handle = {
    unsubscribed: false,
    async unsubscribe() {
      handle.unsubscribed = true;
      release?.();
    },
    async *[Symbol.asyncIterator]() {
      for (const record of records) {
        if (handle.unsubscribed) return;
        yield record;
      }
      if (then === 'fail') throw new Dropped();
      if (then instanceof Error) throw then;
      if (then === 'wait' && !handle.unsubscribed) await new Promise<void>((resolve) => (release = resolve));
    },
  };
  return handle;
}

const rec = (at: number, visible = true): Rec => ({ at: BigInt(at), visible });
const pos = (at: bigint): Position => ({ commit: at, prepare: at });

function harness(scripts: ReturnType<typeof scripted>[], options: Partial<ResumeOptions> = {}) {
  const opened: ReadPosition[] = [];
  const reconnects: number[] = [];
  let next = 0;
  const iterable = resumableSubscription<Rec, bigint>(
    (from) => {
      opened.push(from);
      const script = scripts[next];
      next += 1;
      if (!script) throw new Error('no more scripted subscriptions');
      return script;
    },
    'start',
    (record) => ({ position: pos(record.at), item: record.visible ? record.at : null }),
    {
      isClosed: () => false,
      isTransient: (error) => error instanceof Dropped,
      backoff: { initialMs: 1, maxMs: 8 },
      onReconnect: ({ delayMs }) => reconnects.push(delayMs),
      ...options,
    },
  );
  return { iterable, opened, reconnects };
}

async function take(iterable: AsyncIterable<bigint>, count: number): Promise<bigint[]> {
  const seen: bigint[] = [];
  for await (const item of iterable) {
    seen.push(item);
    if (seen.length === count) break;
  }
  return seen;
}

describe('resumableSubscription', () => {
  it('resubscribes after a drop from the last handled record, skipping replays, so nothing is lost or doubled', async () => {
    const first = scripted([rec(10), rec(20, false), rec(30)], 'fail');
    // The server replays from the resume point (inclusive here): 30 must not come twice.
    const second = scripted([rec(30), rec(40)], 'fail');
    const third = scripted([rec(50)], 'wait');
    const { iterable, opened, reconnects } = harness([first, second, third]);

    expect(await take(iterable, 4)).toEqual([10n, 30n, 40n, 50n]);
    expect(opened).toEqual(['start', pos(30n), pos(40n)]);
    expect(reconnects).toEqual([1, 1]); // reset by the records delivered in between
    expect(first.unsubscribed && second.unsubscribed && third.unsubscribed).toBe(true);
  });

  it('resumes from an invisible record it skipped, not only from delivered ones', async () => {
    const first = scripted([rec(10), rec(20, false), rec(25, false)], 'fail');
    const second = scripted([rec(40)], 'wait');
    const { iterable, opened } = harness([first, second]);
    expect(await take(iterable, 2)).toEqual([10n, 40n]);
    expect(opened[1]).toEqual(pos(25n));
  });

  it('backs off exponentially up to the cap while the server stays away, and resubscribes after a clean end', async () => {
    const scripts = [scripted([rec(1)], 'end'), ...Array.from({ length: 5 }, () => scripted([], 'fail')), scripted([rec(2)], 'wait')];
    const { iterable, reconnects, opened } = harness(scripts);
    expect(await take(iterable, 2)).toEqual([1n, 2n]);
    expect(reconnects).toEqual([1, 2, 4, 8, 8, 8]);
    expect(opened.slice(1).every((from) => typeof from === 'object' && from.commit === 1n)).toBe(true);
  });

  it('surfaces a failure that reconnecting cannot fix', async () => {
    const denied = new Error('access denied');
    const { iterable } = harness([scripted([rec(1)], denied)]);
    const seen: bigint[] = [];
    await expect(
      (async () => {
        for await (const item of iterable) seen.push(item);
      })(),
    ).rejects.toBe(denied);
    expect(seen).toEqual([1n]);
  });

  it("with the adapter's classification, ends on UnknownError (permanent) instead of resubscribing at the same position for ever", async () => {
    const refused = new UnknownError();
    const { iterable, opened, reconnects } = harness([scripted([rec(1)], new UnavailableError()), scripted([rec(2)], refused), scripted([], 'wait')], {
      isTransient: isTransientEsdbError,
    });
    const seen: bigint[] = [];
    const failure = await (async () => {
      for await (const item of iterable) seen.push(item);
    })().catch((error: unknown) => error);
    expect(failure).toBe(refused);
    expect(seen).toEqual([1n, 2n]);
    expect(opened).toHaveLength(2);
    expect(reconnects).toHaveLength(1);
  });

  it('ends promptly when aborted while waiting for a live event, and unsubscribes', async () => {
    const controller = new AbortController();
    const waiting = scripted([rec(1)], 'wait');
    const { iterable } = harness([waiting], { signal: controller.signal });
    const seen: bigint[] = [];
    let delivered = () => undefined as void;
    const first = new Promise<void>((resolve) => (delivered = resolve));
    const done = (async () => {
      for await (const item of iterable) {
        seen.push(item);
        delivered();
      }
    })();
    // Past the only record, the subscription waits for a live one.
    await first;
    controller.abort();
    await done;
    expect(seen).toEqual([1n]);
    expect(waiting.unsubscribed).toBe(true);
  });

  it('does not reconnect once the store is closed', async () => {
    let closed = false;
    const { iterable, opened } = harness([scripted([rec(1)], 'fail')], { isClosed: () => closed });
    const seen: bigint[] = [];
    for await (const item of iterable) {
      seen.push(item);
      closed = true;
    }
    expect(seen).toEqual([1n]);
    expect(opened).toHaveLength(1);
  });

  it('starts after an exclusive checkpoint and ignores records at or before it', async () => {
    const opened: ReadPosition[] = [];
    const iterable = resumableSubscription<Rec, bigint>(
      (from) => {
        opened.push(from);
        return scripted([rec(100), rec(150)], 'wait');
      },
      pos(100n),
      (record) => ({ position: pos(record.at), item: record.at }),
      { isClosed: () => false, isTransient: () => true, backoff: { initialMs: 1, maxMs: 1 } },
    );
    expect(await take(iterable, 1)).toEqual([150n]);
    expect(opened).toEqual([pos(100n)]);
  });
});
