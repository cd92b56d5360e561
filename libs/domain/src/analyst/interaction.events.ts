import type { IsoInstant } from '../common/types';
import type { JsonValue } from '../strategy/strategy.events';

/** The bounds one question ran under, recorded so the trail says why a loop stopped where it did. */
export interface AnalystLimits {
  maxRounds: number;
  maxOutputTokens: number;
  maxWallTimeMs: number;
}

/**
 * A citation found in an answer: `[event:<global position>]` or `[stream:<name>@<revision>]`, checked against the
 * tool results of the same question (`seen`) and against the log (`exists`).
 */
export interface AnswerCitation {
  /** As written in the answer, e.g. `[event:12]`. */
  ref: string;
  kind: 'event' | 'stream';
  globalPosition: number | null;
  streamName: string | null;
  streamRevision: number | null;
  /** A tool result of this question contained the reference. */
  seen: boolean;
  /** The referenced event is in the log. */
  exists: boolean;
  eventType: string | null;
}

/**
 * The `analyst-<askId>` stream: everything the AI saw and said for one question, with the asker as actor.
 * Totals (rounds, tokens) in the closing event are folded from the recorded turns, so they always match the trail.
 */
export type AnalystEvent =
  | {
      type: 'AnalystQuestionAsked';
      data: {
        askId: string;
        question: string;
        accountId: string | null;
        strategyId: string | null;
        askedBy: string;
        model: string;
        promptVersion: string;
        toolsVersion: string;
        limits: AnalystLimits;
        at: IsoInstant;
      };
    }
  | {
      type: 'AnalystModelResponded';
      data: {
        askId: string;
        round: number;
        model: string;
        stopReason: string | null;
        inputTokens: number;
        outputTokens: number;
        latencyMs: number;
        /** The provider's request id, for a support case. */
        requestId: string | null;
        textChars: number;
        toolUses: string[];
        at: IsoInstant;
      };
    }
  | { type: 'AnalystToolCalled'; data: { askId: string; round: number; toolUseId: string; tool: string; input: JsonValue; at: IsoInstant } }
  | {
      type: 'AnalystToolReturned';
      data: {
        askId: string;
        round: number;
        toolUseId: string;
        tool: string;
        ok: boolean;
        errorCode: string | null;
        /** Characters of the full result (before truncation) and its SHA-256, so a replay can prove what was sent. */
        sizeChars: number;
        sha256: string;
        preview: string;
        truncated: boolean;
        /** Citable references the result contained (`event:12`, `stream:order-o1@3`), capped. */
        references: string[];
        latencyMs: number;
        at: IsoInstant;
      };
    }
  | {
      type: 'AnalystAnswered';
      data: {
        askId: string;
        text: string;
        citations: AnswerCitation[];
        proposalIds: string[];
        stopReason: string;
        rounds: number;
        inputTokens: number;
        outputTokens: number;
        latencyMs: number;
        at: IsoInstant;
      };
    }
  | {
      type: 'AnalystFailed';
      data: {
        askId: string;
        code: string;
        message: string;
        /** Which bound or failure ended it: max_rounds, max_output_tokens, wall_time, provider, cancelled, ... */
        reason: string;
        partialText: string;
        proposalIds: string[];
        rounds: number;
        inputTokens: number;
        outputTokens: number;
        latencyMs: number;
        at: IsoInstant;
      };
    };

export type AnalystEventType = AnalystEvent['type'];
