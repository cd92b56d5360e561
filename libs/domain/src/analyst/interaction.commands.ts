import type { IsoInstant } from '../common/types';
import type { JsonValue } from '../strategy/strategy.events';
import type { AnalystLimits, AnswerCitation } from './interaction.events';

export type AnalystCommand =
  | {
      type: 'AskQuestion';
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
        now: IsoInstant;
      };
    }
  | {
      type: 'RecordModelResponse';
      data: {
        askId: string;
        round: number;
        model: string;
        stopReason: string | null;
        inputTokens: number;
        outputTokens: number;
        latencyMs: number;
        requestId: string | null;
        textChars: number;
        toolUses: string[];
        now: IsoInstant;
      };
    }
  | { type: 'RecordToolCall'; data: { askId: string; toolUseId: string; tool: string; input: JsonValue; now: IsoInstant } }
  | {
      type: 'RecordToolResult';
      data: {
        askId: string;
        toolUseId: string;
        ok: boolean;
        errorCode: string | null;
        sizeChars: number;
        sha256: string;
        preview: string;
        truncated: boolean;
        references: string[];
        latencyMs: number;
        now: IsoInstant;
      };
    }
  | {
      type: 'RecordAnswer';
      data: { askId: string; text: string; citations: AnswerCitation[]; proposalIds: string[]; stopReason: string; latencyMs: number; now: IsoInstant };
    }
  | {
      type: 'RecordFailure';
      data: { askId: string; code: string; message: string; reason: string; partialText: string; proposalIds: string[]; latencyMs: number; now: IsoInstant };
    };

export type AnalystCommandType = AnalystCommand['type'];
