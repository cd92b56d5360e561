import { systemWallClock } from '@robo/clock';
import { randomUUID } from 'node:crypto';
import type { EventStore } from '@robo/event-store';
import type { Analyst } from './analyst';
import { resolveAnalystConfig, type AnalystConfigInput } from './analyst-config';
import type { AnalystQueries } from './analyst-queries.port';
import { ClaudeAnalyst } from './claude-analyst';
import { DisabledAnalyst } from './disabled-analyst';
import { ProposalBook, type PlaceOrderPort } from './proposals/proposal-book';

export interface AnalystDeps {
  queries: AnalystQueries;
  eventStore: EventStore;
  /** Share one book with the approve/reject endpoints; created when omitted. */
  proposals?: ProposalBook;
  /** The application's clock (possibly simulated); business times of the analyst's events come from it. */
  clock?: { now(): string };
  newId?: () => string;
  timer?: () => number;
}

/** Without an API key: a DisabledAnalyst (ANALYST_DISABLED, 503). With one: Claude through @anthropic-ai/sdk. */
export function createAnalyst(config: AnalystConfigInput, deps: AnalystDeps): Analyst {
  const resolved = resolveAnalystConfig(config);
  if (resolved.apiKey === null || resolved.apiKey.trim() === '') return new DisabledAnalyst(resolved);
  const clock = deps.clock ?? systemWallClock;
  const newId = deps.newId ?? randomUUID;
  return new ClaudeAnalyst(resolved, {
    queries: deps.queries,
    eventStore: deps.eventStore,
    proposals: deps.proposals ?? new ProposalBook({ eventStore: deps.eventStore, clock, newId, ttlMs: resolved.proposalTtlMs }),
    clock,
    newId,
    timer: deps.timer ?? systemWallClock.monotonicMs,
  });
}

export interface ProposalBookOptions {
  eventStore: EventStore;
  placeOrder: PlaceOrderPort;
  clock?: { now(): string };
  newId?: () => string;
  ttlMs?: number;
}

/** The book the approve/reject endpoints use (it works with the analyst disabled too). */
export function createProposalBook(options: ProposalBookOptions): ProposalBook {
  return new ProposalBook({
    eventStore: options.eventStore,
    placeOrder: options.placeOrder,
    clock: options.clock ?? systemWallClock,
    newId: options.newId ?? randomUUID,
    ttlMs: options.ttlMs ?? resolveAnalystConfig().proposalTtlMs,
  });
}
