import { collectReferences, parseCitations, referenceOf } from './citations';

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
