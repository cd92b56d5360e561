import { createHash } from 'node:crypto';
import type { EventStore } from '@robo/event-store';
import type { CommandContext } from './command-context';
import { derivedId } from './event-ids';
import { appendEvents, nothingToDo, WriteStep } from './write-step';

const KEY = /^[\x21-\x7e]{1,200}$/;
/** Fields of an answer that are shown once and never stored (a new API key's secret). */
const NEVER_STORED = ['apiKey'];

export const IDEMPOTENCY_STREAM_PREFIX = 'idempotency-';
export const ANSWERED_EVENT = 'IdempotentRequestAnswered';

/** An Idempotency-Key is 1 to 200 visible ASCII characters. */
export function isIdempotencyKey(raw: unknown): raw is string {
  return typeof raw === 'string' && KEY.test(raw);
}

/** Keys are per credential: two callers choosing the same Idempotency-Key never see each other's answers. */
export function idempotencyStream(kid: string, key: string): string {
  return `${IDEMPOTENCY_STREAM_PREFIX}${derivedId('idempotency', kid, key)}`;
}

/** JSON with object keys sorted, so that the same body written in another key order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What makes two requests "the same request": method, path (with its ids) and body; an absent body is `{}`. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  const normalised = body === undefined || body === null ? {} : body;
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${canonical(normalised)}`).digest('hex');
}

/** The first successful answer to a request with a key, as recorded in the key's stream. */
export interface Answered {
  method: string;
  path: string;
  fingerprint: string;
  status: number;
  body: unknown;
}

/** An answer as it can be stored: plain JSON, without the fields that are shown once. */
export function storable(body: unknown): unknown {
  if (body === undefined) return null;
  const plain = JSON.parse(JSON.stringify(body)) as unknown;
  if (plain !== null && typeof plain === 'object' && !Array.isArray(plain)) {
    for (const field of NEVER_STORED) delete (plain as Record<string, unknown>)[field];
  }
  return plain;
}

type AnsweredEvent = { type: typeof ANSWERED_EVENT; data: Answered };
const evolveAnswered = (state: Answered | null, event: AnsweredEvent): Answered | null => state ?? event.data;

/**
 * The idempotency records of the log, one stream per (credential, key): read the first answer, record one through
 * the write step (the first record stands: another replica's answer to the same key is not overwritten).
 */
export class IdempotencyRecords {
  constructor(
    private readonly step: WriteStep,
    private readonly store: EventStore,
  ) {}

  /** Read from the log, not the repository's cache, which keeps its room for the accounts and positions read again. */
  async answered(stream: string): Promise<Answered | null> {
    const [event] = await this.store.readStream(stream, { maxCount: 1 });
    return event ? (event.data as Answered) : null;
  }

  /**
   * Accepted when this answer was recorded, already-done when the key had an answer recorded first. Called after
   * `answered` found none: the first round does not read the stream again (its append still expects no stream).
   */
  async record(stream: string, answer: Answered, ctx: CommandContext, occurredAt: string) {
    return this.step.run<Answered | null, AnsweredEvent, null>({
      stream,
      evolve: evolveAnswered,
      initial: null,
      ctx,
      headPosition: false,
      cache: false,
      known: { state: null, revision: null },
      decide: ({ state }) => (state !== null ? nothingToDo(null) : appendEvents([{ type: ANSWERED_EVENT, data: answer }], occurredAt, derivedId(stream, ANSWERED_EVENT), null)),
    });
  }
}
