import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventMetadata, NewEvent } from '../envelope';

/** A stream name no other test (nor another run against a shared server) will use. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().replace(/-/g, '')}`;
}

export function newEvent(type: string, data: unknown, metadata: Partial<EventMetadata> = {}): NewEvent {
  return {
    type,
    data,
    metadata: {
      eventId: randomUUID(),
      correlationId: randomUUID(),
      causationId: null,
      actor: 'user:contract-test',
      occurredAt: '2025-07-01T04:00:00.000Z',
      schemaVersion: 1,
      ...metadata,
    },
  };
}

/** `count` small events of one type, numbered in their data. */
export function someEvents(count: number, type = 'TestHappened'): NewEvent[] {
  return Array.from({ length: count }, (_, i) => newEvent(type, { n: i }));
}

export function idsOf(events: readonly (NewEvent | EventEnvelope)[]): string[] {
  return events.map((e) => e.metadata.eventId);
}

/** The promise's rejection reason; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    const value = await promise;
    throw new Error(`expected a rejection, got ${String(value)}`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('expected a rejection')) throw error;
    return error;
  }
}

/** Fails (instead of hanging the suite) when `promise` takes longer than `ms`. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds; fails after `ms`. */
export async function eventually(ms: number, what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(5);
  }
}

export function expectStrictlyIncreasing(values: readonly bigint[]): void {
  for (let i = 1; i < values.length; i += 1) {
    if (!(values[i] > values[i - 1])) throw new Error(`not strictly increasing at index ${i}: ${values[i - 1]} then ${values[i]}`);
  }
}
