import { type EventStore, NewEvent, WrongExpectedVersionError } from '@robo/event-store';
import { AggregateRepository, type Loaded, recordOf } from './aggregate-repository';
import type { CommandContext } from './command-context';
import { eventIdsFor } from './event-ids';
import { KeyedMutex } from './keyed-mutex';
import { IDEMPOTENCY_KEY_REUSED, rejected, type Rejected, rejectionOf } from './outcome';

interface DomainEventLike {
  type: string;
  data: unknown;
}

/**
 * What a decision asks of the step:
 * - append: these events, with ids derived from `idSeed` (random when null) and the command's metadata;
 * - append-records: events that carry their metadata already (decisions of several commands written in one append);
 * - nothing: the command has nothing (left) to do, e.g. it was applied before;
 * - a rejection: nothing is appended. A decision may also throw a DomainError, which is the same.
 * `value` is handed back to the caller with the outcome (what the decision found out along the way).
 */
export type StepDecision<E, V> =
  | { step: 'append'; events: readonly E[]; occurredAt: string; idSeed: string | null; value: V }
  | { step: 'append-records'; records: readonly NewEvent[]; value: V }
  | { step: 'nothing'; value: V }
  | Rejected;

export function appendEvents<E, V>(events: readonly E[], occurredAt: string, idSeed: string | null, value: V): StepDecision<E, V> {
  return events.length === 0 ? { step: 'nothing', value } : { step: 'append', events, occurredAt, idSeed, value };
}

export function nothingToDo<V>(value: V): StepDecision<never, V> {
  return { step: 'nothing', value };
}

export interface StepSpec<S, E extends DomainEventLike, V> {
  stream: string;
  evolve: (state: S, event: E) => S;
  initial: S;
  ctx: CommandContext;
  decide: (loaded: Loaded<S>) => StepDecision<E, V> | Promise<StepDecision<E, V>>;
  /** Queue behind the other writers of this stream in this process (they would only burn each other's retries). */
  lock?: boolean;
  /**
   * When the store answers the append as a retry of stored ids, compare the stored events with the decided ones: a
   * command key reused for a different command is refused (IDEMPOTENCY_KEY_REUSED) instead of answered as done.
   */
  verifyRetry?: boolean;
  /** Read the stream head's global position when nothing is appended (default true); a log follower needs none. */
  headPosition?: boolean;
  /** Load-decide-append rounds before a lost race on the expected revision is answered as a conflict. */
  attempts?: number;
  /** The stream's state as the caller knows it already (e.g. a stream that cannot exist yet): the first round does not read it. */
  known?: Loaded<S>;
  /** Keep the state after the append in the repository's cache (default true); off for streams rarely read again soon. */
  cache?: boolean;
  /**
   * The decision needs no folded history, only where the stream ends (a log of records such as the recorded market
   * prices, one event a minute for ever): each round reads the stream's last event instead of folding the stream,
   * and decides on `initial` at that revision. Off by default.
   */
  headOnly?: boolean;
}

/** The step's answer when it appended (accepted) or had nothing to append (already-done). */
export interface StepDone<S, V> {
  outcome: 'accepted' | 'already-done';
  /** The stream's state after the step. */
  state: S;
  /** The stream's revision after the step (null: the stream does not exist). */
  revision: bigint | null;
  /** Global position of the last appended event; for already-done, of the stored retry or the stream's head (0n when not read). */
  globalPosition: bigint;
  /** What was appended (empty for already-done). */
  events: NewEvent[];
  value: V;
}

export type StepOutcome<S, V> = StepDone<S, V> | Rejected;

export const DEFAULT_ATTEMPTS = 8;

export function versionConflict(stream: string): Rejected {
  return rejected('conflict', 'VERSION_CONFLICT', 'the stream changed concurrently; retry the command', { stream });
}

/**
 * The one write step of every command handler and reactor: load the stream (folded, cached), decide, append at the
 * expected revision, with event ids derived from the command. When another writer got to the stream first, the
 * step runs again from the load (bounded: then a `rejected` conflict). A refused decision appends nothing. The
 * same command twice gives the same event ids, which the store answers as a retry: `already-done`.
 */
export class WriteStep {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly store: EventStore,
    private readonly locks: KeyedMutex,
  ) {}

  /**
   * A step of its own over a store, for writers outside the api's module graph (the analyst, the CLI): its own
   * repository cache and stream locks. Several steps over one store stay correct: the expected revision decides.
   */
  static over(store: EventStore): WriteStep {
    return new WriteStep(new AggregateRepository(store), store, new KeyedMutex());
  }

  /** A stream's state, folded (and cached) by the repository: for what a decision reads besides its own stream. */
  load<S, E extends DomainEventLike>(stream: string, evolve: (state: S, event: E) => S, initial: S): Promise<Loaded<S>> {
    return this.repository.load(stream, evolve, initial);
  }

  run<S, E extends DomainEventLike, V>(spec: StepSpec<S, E, V>): Promise<StepOutcome<S, V>> {
    return spec.lock === true ? this.locks.run(spec.stream, () => this.attempt(spec)) : this.attempt(spec);
  }

  private async attempt<S, E extends DomainEventLike, V>(spec: StepSpec<S, E, V>): Promise<StepOutcome<S, V>> {
    const attempts = spec.attempts ?? DEFAULT_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(spec, attempt === 1 ? spec.known : undefined);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (attempt >= attempts) return versionConflict(spec.stream);
        // A small jittered pause so that writers racing on one stream spread out (no caller waits on it).
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 3 * attempt)));
      }
    }
  }

  private async once<S, E extends DomainEventLike, V>(spec: StepSpec<S, E, V>, known: Loaded<S> | undefined): Promise<StepOutcome<S, V>> {
    const { stream } = spec;
    const loaded = known ?? (spec.headOnly === true ? await this.headRevision(stream, spec.initial) : await this.repository.load(stream, spec.evolve, spec.initial));
    let decision: StepDecision<E, V>;
    try {
      decision = await spec.decide(loaded);
    } catch (error) {
      const refusal = rejectionOf(error);
      if (refusal === null) throw error;
      return refusal;
    }
    if ('outcome' in decision) return decision;
    if (decision.step === 'nothing') {
      const globalPosition = spec.headPosition === false ? 0n : await this.head(stream);
      return { outcome: 'already-done', state: loaded.state, revision: loaded.revision, globalPosition, events: [], value: decision.value };
    }
    const records =
      decision.step === 'append-records' ? [...decision.records] : recordsOf(decision.events, spec.ctx, decision.occurredAt, decision.idSeed);
    if (records.length === 0) {
      const globalPosition = spec.headPosition === false ? 0n : await this.head(stream);
      return { outcome: 'already-done', state: loaded.state, revision: loaded.revision, globalPosition, events: [], value: decision.value };
    }
    const appended = await this.repository.appendRecords(stream, records, loaded.revision);
    const state = records.reduce((s, r) => spec.evolve(s, { type: r.type, data: r.data } as E), loaded.state);
    if (appended.idempotent) {
      if (spec.verifyRetry === true && !(await this.sameAsStored(stream, appended.nextExpectedRevision, records))) return IDEMPOTENCY_KEY_REUSED;
      return { outcome: 'already-done', state, revision: appended.nextExpectedRevision, globalPosition: appended.lastGlobalPosition, events: [], value: decision.value };
    }
    // The state after the append is known: the next load need not read and fold these events again.
    if (spec.cache !== false && spec.headOnly !== true) this.repository.remember(stream, { state, revision: appended.nextExpectedRevision });
    return { outcome: 'accepted', state, revision: appended.nextExpectedRevision, globalPosition: appended.lastGlobalPosition, events: records, value: decision.value };
  }

  private async sameAsStored(stream: string, lastRevision: bigint, attempted: readonly NewEvent[]): Promise<boolean> {
    const first = lastRevision - BigInt(attempted.length - 1);
    const stored = await this.store.readStream(stream, { fromRevision: first, maxCount: attempted.length });
    return stored.length === attempted.length && stored.every((e, i) => e.type === attempted[i].type && JSON.stringify(e.data) === JSON.stringify(attempted[i].data));
  }

  private async headRevision<S>(stream: string, initial: S): Promise<Loaded<S>> {
    const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    return { state: initial, revision: last?.streamRevision ?? null };
  }

  /** Global position of a stream's last event (0n when it has none). */
  async head(stream: string): Promise<bigint> {
    const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    return last?.globalPosition ?? 0n;
  }
}

function recordsOf(events: readonly DomainEventLike[], ctx: CommandContext, occurredAt: string, idSeed: string | null): NewEvent[] {
  const ids = eventIdsFor(events.length, idSeed);
  return events.map((event, index) => recordOf(event, ids[index], ctx, occurredAt));
}
