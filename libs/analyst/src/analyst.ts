import type { AnswerCitation } from '@robo/domain';
import type { AnalystLimitsConfig } from './analyst-config';
import { AnalystError } from './analyst-errors';
import type { Actor } from './interaction-log';
import type { ProposalView } from './proposals/proposal-book';
import type { ToolOutputSummary } from './tool-output';

export const ANALYST = Symbol('ANALYST');

export interface AskRequest {
  question: string;
  accountId?: string | null;
  strategyId?: string | null;
}

/** Who asks, copied into every event of the question: the asker is the actor, the request's correlation id ties it all. */
export type AskContext = Actor;

export interface AskOptions {
  /** Aborting it (the client went away) stops the question; the stop is recorded. */
  signal?: AbortSignal;
  /** Called as things happen: text deltas, tool calls and results, proposals, then the answer or the error. */
  onEvent?: (event: AnalystStreamEvent) => void;
  /** Defaults to a new UUID. */
  askId?: string;
}

export interface ToolCallRecord {
  round: number;
  toolUseId: string;
  tool: string;
  input: unknown;
  ok: boolean;
  errorCode: string | null;
  summary: ToolOutputSummary;
}

export interface AnalystAnswer {
  askId: string;
  /** `analyst-<askId>`: the audit trail of this question. */
  streamName: string;
  /** Everything the model wrote, rounds joined by a blank line, as it was streamed. */
  text: string;
  citations: AnswerCitation[];
  proposals: ProposalView[];
  toolCalls: ToolCallRecord[];
  model: string;
  /** The model's stop reason for its last turn: end_turn, stop_sequence or refusal. */
  stopReason: string;
  rounds: number;
  usage: { inputTokens: number; outputTokens: number };
  latencyMs: number;
  /** Global position of AnalystAnswered: pass it as minPosition to read the audit trail back. */
  lastEventPosition: number;
}

export type AnalystStreamEvent =
  | { type: 'started'; askId: string; streamName: string; model: string; promptVersion: string; toolsVersion: string }
  | { type: 'text'; askId: string; round: number; delta: string }
  | { type: 'tool_call'; askId: string; round: number; toolUseId: string; tool: string; input: unknown }
  | { type: 'tool_result'; askId: string; round: number; toolUseId: string; tool: string; ok: boolean; errorCode: string | null; summary: ToolOutputSummary }
  | { type: 'proposal'; askId: string; proposal: ProposalView }
  | { type: 'answer'; answer: AnalystAnswer }
  | { type: 'error'; askId: string | null; code: string; status: number; message: string; details?: Record<string, unknown> };

export interface AnalystStatus {
  enabled: boolean;
  model: string | null;
  promptVersion: string;
  toolsVersion: string;
  limits: AnalystLimitsConfig;
  /** Why it is disabled and how to enable it. */
  message: string | null;
}

export interface Analyst {
  readonly enabled: boolean;
  status(): AnalystStatus;
  /** Throws ANALYST_DISABLED (503): call it before opening a server-sent-events response. */
  assertEnabled(): void;
  /**
   * Asks one question: runs the bounded tool loop, streams through options.onEvent, records every step in
   * `analyst-<askId>`, and resolves with the answer or rejects with an AnalystError (or a store error).
   */
  ask(request: AskRequest, who: AskContext, options?: AskOptions): Promise<AnalystAnswer>;
  /** The same as an async iterable of events that ends with `answer` or `error` and never throws: for SSE. */
  stream(request: AskRequest, who: AskContext, options?: Omit<AskOptions, 'onEvent'>): AsyncIterable<AnalystStreamEvent>;
}

/** An error as the last event of a stream. */
export function errorEvent(error: unknown, askId: string | null): Extract<AnalystStreamEvent, { type: 'error' }> {
  if (error instanceof AnalystError) return { type: 'error', askId, code: error.code, status: error.status, message: error.message, details: error.details };
  const code = typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'ANALYST_INTERNAL';
  const status = code === 'STORE_UNAVAILABLE' ? 503 : 500;
  return { type: 'error', askId, code, status, message: status === 503 ? 'storage is unavailable; retry later' : 'the analyst failed unexpectedly' };
}

/** Turns ask() with a callback into an async iterable with a queue: events are never dropped, the consumer sets the pace. */
export function streamOf(analyst: Pick<Analyst, 'ask'>, request: AskRequest, who: AskContext, options: Omit<AskOptions, 'onEvent'> = {}): AsyncIterable<AnalystStreamEvent> {
  return {
    [Symbol.asyncIterator]() {
      const queue: AnalystStreamEvent[] = [];
      let finished = false;
      let wake: (() => void) | null = null;
      let askId: string | null = options.askId ?? null;
      let sawError = false;
      const push = (event: AnalystStreamEvent) => {
        if (event.type === 'started') askId = event.askId;
        if (event.type === 'error') sawError = true;
        queue.push(event);
        wake?.();
      };
      analyst
        .ask(request, who, { ...options, onEvent: push })
        .catch((error: unknown) => {
          // Errors before the question was recorded (validation, disabled) have not been emitted yet.
          if (!sawError) push(errorEvent(error, askId));
        })
        .finally(() => {
          finished = true;
          wake?.();
        });
      return {
        async next(): Promise<IteratorResult<AnalystStreamEvent>> {
          while (queue.length === 0 && !finished) await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          const event = queue.shift();
          return event === undefined ? { done: true, value: undefined } : { done: false, value: event };
        },
      };
    },
  };
}
