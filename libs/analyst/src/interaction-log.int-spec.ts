import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { analystStream, type AnalystCommand } from '@robo/domain';
import { SqliteEventStore } from '@robo/event-store';
import { InteractionLog } from './interaction-log';

const NOW = '2026-11-20T04:30:00.000Z';
const who = { actor: 'user:asha', correlationId: 'ask-1', causationId: null };

const ask = (askId: string): AnalystCommand => ({
  type: 'AskQuestion',
  data: { askId, question: 'How did I do?', accountId: null, strategyId: null, askedBy: who.actor, model: 'm', promptVersion: 'p1', toolsVersion: 't1', limits: { maxRounds: 4, maxOutputTokens: 1000, maxWallTimeMs: 60_000 }, now: NOW },
});

const respond = (askId: string, round: number): AnalystCommand => ({
  type: 'RecordModelResponse',
  data: { askId, round, model: 'm', stopReason: 'end_turn', inputTokens: 1, outputTokens: 1, latencyMs: 1, requestId: null, textChars: 0, toolUses: [], now: NOW },
});

describe('InteractionLog writes through the write step', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interaction-log-'));
    store = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('chains each event to the one before it, at consecutive revisions', async () => {
    const log = new InteractionLog(store, 'a1', who, randomUUID);
    await log.record(ask('a1'));
    await log.record(respond('a1', 1));
    const events = await store.readStream(analystStream('a1'));
    expect(events.map((e) => [e.type, e.streamRevision])).toEqual([
      ['AnalystQuestionAsked', 0n],
      ['AnalystModelResponded', 1n],
    ]);
    expect(events[1].metadata.causationId).toBe(events[0].metadata.eventId);
    expect(log.position).toBe(events[1].globalPosition);
    expect(log.lastEvent).toBe(events[1].metadata.eventId);
  });

  it('decides again against the stream when another writer asked under the same id first: a refusal, nothing appended', async () => {
    const first = new InteractionLog(store, 'a2', who, randomUUID);
    const second = new InteractionLog(store, 'a2', { ...who, actor: 'user:meera' }, randomUUID);
    await first.record(ask('a2'));
    // The second log believes the stream is new; its append at "no stream" loses, and deciding again against the
    // stored question refuses it with the decider's own code instead of a bare version conflict.
    await expect(second.record(ask('a2'))).rejects.toMatchObject({ code: 'ANALYST_ASK_EXISTS', kind: 'conflict' });
    // And a step of the first log goes on at its own revision.
    await first.record(respond('a2', 1));
    expect((await store.readStream(analystStream('a2'))).map((e) => e.metadata.actor)).toEqual(['user:asha', 'user:asha']);
  });

});
