import { portfolioAsOf } from '@robo/audit';
import { accountStream } from '@robo/domain';
import { type EventEnvelope, type EventStore, recordedTime } from '@robo/event-store';
import type { FieldCondition } from '@robo/read-models';
import type { Portfolio, StreamEvents } from '@robo/contract';
import { ApiError } from '../common/api-error';
import { utcInstant } from '../common/instant';
import { MAX_STEPS_BYTES } from '../common/limits';
import { parseLimit, parsePosition, type AuditQuery, type StreamEventsQuery } from './queries.dto';

/*
 * The queries of the live api that read one log and its read models, written once: the live controllers apply them
 * to the api's stores, the backtest endpoints to a run's own stores.
 */

export function envelopeToJson(event: EventEnvelope) {
  return {
    globalPosition: Number(event.globalPosition),
    streamName: event.streamName,
    streamRevision: Number(event.streamRevision),
    type: event.type,
    // An event's data is always a JSON object (the deciders write objects).
    data: event.data as Record<string, unknown>,
    metadata: event.metadata,
    recordedAt: recordedTime(event),
  };
}

/** The audit trail's filters (all but the account, which the caller scopes) as a find's where. */
export function auditWhere(query: Omit<AuditQuery, 'accountId' | 'minPosition' | 'limit' | 'cursor'>): Record<string, FieldCondition> {
  const where: Record<string, FieldCondition> = {};
  if (query.stream) where.streamName = query.stream;
  if (query.correlationId) where.correlationId = query.correlationId;
  if (query.actor) where.actor = query.actor;
  if (query.type) where.type = query.type;
  if (query.from || query.to) {
    const field = query.time === 'business' ? 'occurredAtUtc' : 'recordedAt';
    where[field] = { ...(query.from ? { gte: utcInstant(query.from) } : {}), ...(query.to ? { lt: utcInstant(query.to) } : {}) };
  }
  return where;
}

/** One page of a stream's events, straight from the log; a page ends early rather than grow past the size bound. */
export async function streamEventsPage(events: EventStore, stream: string, query: StreamEventsQuery): Promise<StreamEvents> {
  if (stream.length === 0 || stream.length > 200) throw new ApiError(400, 'INVALID_STREAM', 'stream name must be 1 to 200 characters');
  const limit = parseLimit(query.limit, 100);
  const direction = query.direction ?? 'forwards';
  const read = await events.readStream(stream, { direction, fromRevision: parsePosition(query.fromRevision), maxCount: limit });
  // Events are up to a request body each.
  const page: ReturnType<typeof envelopeToJson>[] = [];
  let bytes = 0;
  for (const event of read) {
    const json = envelopeToJson(event);
    bytes += Buffer.byteLength(JSON.stringify(json));
    if (page.length > 0 && bytes > MAX_STEPS_BYTES) break;
    page.push(json);
  }
  const last = page[page.length - 1];
  const more = page.length < read.length || read.length === limit;
  const next = last === undefined || !more ? null : direction === 'forwards' ? last.streamRevision + 1 : last.streamRevision - 1;
  return { stream, events: page, nextFromRevision: next !== null && next >= 0 ? next : null };
}

/** Time travel: an account's portfolio as of an instant, rebuilt from its account stream and position streams. */
export async function accountPortfolioAsOf(events: EventStore, accountId: string, asOf: string, time: 'business' | 'recorded'): Promise<Portfolio> {
  const [opened] = await events.readStream(accountStream(accountId), { maxCount: 1 });
  if (!opened) throw new ApiError(404, 'ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`);
  return portfolioAsOf(events, accountId, asOf, time);
}
