import { type EventEnvelope, type EventStore, StoreRequestFailedError } from '@robo/event-store';
import { collectReferences, parseCitations, referenceOf, resolveCitations } from './citations';

describe('parseCitations', () => {
  it('finds both forms in order of appearance, once each, stream names with spaces included', () => {
    const text = 'Cash [event:20], NIFTY leg [stream:position-a1-NIFTY 2026-12-31 24000 CE@3] and again [event:20]; fill [stream:order-o1@2].';
    expect(parseCitations(text)).toEqual([
      { ref: '[event:20]', kind: 'event', globalPosition: 20 },
      { ref: '[stream:position-a1-NIFTY 2026-12-31 24000 CE@3]', kind: 'stream', streamName: 'position-a1-NIFTY 2026-12-31 24000 CE', streamRevision: 3 },
      { ref: '[stream:order-o1@2]', kind: 'stream', streamName: 'order-o1', streamRevision: 2 },
    ]);
  });

  it('ignores near misses: position 0, no brackets, two references in one bracket, a missing revision', () => {
    expect(parseCitations('event:12 [event:0] [event:12, event:13] [stream:order-o1] [event: 5] [Event:5]')).toEqual([]);
  });

  it('caps the number of citations', () => {
    const text = Array.from({ length: 80 }, (_, i) => `[event:${i + 1}]`).join(' ');
    expect(parseCitations(text)).toHaveLength(50);
  });
});

describe('collectReferences', () => {
  it('collects event positions and stream revisions from any depth of a tool result', () => {
    const result = {
      accountId: 'a1',
      lastEventPosition: 20,
      positions: [{ instrument: 'RELIANCE', lastEventPosition: 14, position: { nested: true } }],
      items: [{ position: 7, streamName: 'order-o1', streamRevision: 2 }],
      contributions: [{ globalPosition: '15', stream: 'account-a1', streamRevision: 0 }],
      sources: [{ stream: 'account-a1', events: 4, lastPosition: 10n }],
      ignored: { quantity: 6, revision: -1, lastEventPosition: 0 },
    };
    expect(collectReferences(result).sort()).toEqual(['event:10', 'event:14', 'event:15', 'event:20', 'event:7', 'stream:account-a1@0', 'stream:order-o1@2'].sort());
  });

  it('matches what parseCitations produces, so a cited reference can be looked up', () => {
    const [c] = parseCitations('[stream:order-o1@2]');
    expect(collectReferences({ streamName: 'order-o1', streamRevision: 2 })).toContain(referenceOf(c));
  });
});

describe('resolveCitations on a store whose positions are byte offsets', () => {
  // As on EventStoreDB: positions far apart, and a read of $all from a position inside a record is refused.
  const event = (globalPosition: bigint, streamRevision: bigint): EventEnvelope => ({
    type: 'OrderFilled',
    data: {},
    metadata: { eventId: `e-${globalPosition}`, correlationId: 'c', causationId: null, actor: 'user:a', occurredAt: '2026-11-20T04:30:00.000Z', schemaVersion: 1 },
    streamName: 'order-o1',
    streamRevision,
    globalPosition,
    recordedAt: '2026-11-20T04:30:00.000Z',
  });
  const log = [event(4096n, 0n), event(4711n, 1n)];
  const store = {
    readAll: async ({ after = 0n }: { after?: bigint } = {}) => {
      if (after !== 0n && !log.some((e) => e.globalPosition === after)) throw new StoreRequestFailedError(`invalid position ${after}`);
      return log.filter((e) => e.globalPosition > after).slice(0, 1);
    },
    readEvent: async (position: bigint) => log.find((e) => e.globalPosition === position) ?? null,
    readStream: async (_: string, { fromRevision = 0n }: { fromRevision?: bigint } = {}) => log.filter((e) => e.streamRevision >= fromRevision).slice(0, 1),
  } as unknown as EventStore;

  it('finds a cited event at its position and flags a position no event has, without reading from p - 1', async () => {
    const resolved = await resolveCitations(store, parseCitations('[event:4711] and [event:4712]'), new Set(['event:4711']));
    expect(resolved.map((c) => [c.ref, c.exists, c.streamName, c.streamRevision, c.seen])).toEqual([
      ['[event:4711]', true, 'order-o1', 1, true],
      ['[event:4712]', false, null, null, false],
    ]);
  });
});
