import type { Decider } from '../common/decider';
import { assertNever, Conflict, InvalidCommand, NotFound, RuleViolation } from '../common/errors';
import { toIst } from '../market/ist';
import { requireId, requireText } from '../strategy/strategy.validation';
import type { AnalystCommand } from './interaction.commands';
import type { AnalystEvent, AnalystLimits } from './interaction.events';
import { evolveAnalyst, initialAnalystState, type AnalystState, type ExistingAsk } from './interaction.state';

/** A question is a paragraph, not a document: longer input goes to the provider as cost and risk for nothing. */
export const MAX_QUESTION_CHARS = 4000;
/** Answers are bounded by the token budget; this only guards the event size. */
const MAX_TEXT_CHARS = 200_000;

/**
 * The `analyst-<askId>` stream. It only records, but in order: one question, then per round a model response
 * followed by its tool calls and their results, then one answer or one failure. Nothing after the end.
 */
export function decideAnalyst(command: AnalystCommand, state: AnalystState): AnalystEvent[] {
  toIst(command.data.now); // INVALID_TIME when malformed
  if (command.type === 'AskQuestion') return ask(command.data, state);
  const ask_ = requireOpen(state, command.data.askId);
  const at = command.data.now;
  const askId = ask_.askId;
  switch (command.type) {
    case 'RecordModelResponse': {
      const d = command.data;
      requireNoPendingTools(ask_);
      if (d.round !== ask_.rounds + 1) {
        throw new InvalidCommand('ANALYST_ROUND_OUT_OF_ORDER', `round ${d.round} recorded after round ${ask_.rounds}`, { askId, round: d.round });
      }
      return [
        {
          type: 'AnalystModelResponded',
          data: {
            askId,
            round: d.round,
            model: requireText(d.model, 'ANALYST_MODEL_INVALID', 'model', 100),
            stopReason: d.stopReason,
            inputTokens: count(d.inputTokens, 'inputTokens'),
            outputTokens: count(d.outputTokens, 'outputTokens'),
            latencyMs: count(d.latencyMs, 'latencyMs'),
            requestId: d.requestId,
            textChars: count(d.textChars, 'textChars'),
            toolUses: d.toolUses,
            at,
          },
        },
      ];
    }
    case 'RecordToolCall': {
      const d = command.data;
      if (ask_.rounds === 0) throw new RuleViolation('ANALYST_NO_RESPONSE', 'a tool call must follow a model response', { askId });
      const toolUseId = requireText(d.toolUseId, 'ANALYST_TOOL_USE_ID_INVALID', 'toolUseId', 200);
      if (ask_.toolUseIds.includes(toolUseId)) {
        throw new Conflict('ANALYST_TOOL_CALL_DUPLICATE', `tool use ${toolUseId} was already recorded`, { askId, toolUseId });
      }
      const tool = requireText(d.tool, 'ANALYST_TOOL_INVALID', 'tool', 100);
      return [{ type: 'AnalystToolCalled', data: { askId, round: ask_.rounds, toolUseId, tool, input: d.input, at } }];
    }
    case 'RecordToolResult': {
      const d = command.data;
      const tool = ask_.pendingTools[d.toolUseId];
      if (tool === undefined) throw new RuleViolation('ANALYST_TOOL_CALL_UNKNOWN', `no pending tool call ${d.toolUseId}`, { askId, toolUseId: d.toolUseId });
      return [
        {
          type: 'AnalystToolReturned',
          data: {
            askId,
            round: ask_.rounds,
            toolUseId: d.toolUseId,
            tool,
            ok: d.ok,
            errorCode: d.errorCode,
            sizeChars: count(d.sizeChars, 'sizeChars'),
            sha256: d.sha256,
            preview: d.preview,
            truncated: d.truncated,
            references: d.references,
            latencyMs: count(d.latencyMs, 'latencyMs'),
            at,
          },
        },
      ];
    }
    case 'RecordAnswer': {
      const d = command.data;
      requireNoPendingTools(ask_);
      if (ask_.rounds === 0) throw new RuleViolation('ANALYST_NO_RESPONSE', 'an answer must follow a model response', { askId });
      return [
        {
          type: 'AnalystAnswered',
          data: {
            askId,
            text: bounded(d.text),
            citations: d.citations,
            proposalIds: d.proposalIds,
            stopReason: requireText(d.stopReason, 'ANALYST_STOP_REASON_INVALID', 'stopReason', 100),
            ...totals(ask_),
            latencyMs: count(d.latencyMs, 'latencyMs'),
            at,
          },
        },
      ];
    }
    case 'RecordFailure': {
      const d = command.data;
      return [
        {
          type: 'AnalystFailed',
          data: {
            askId,
            code: requireText(d.code, 'ANALYST_FAILURE_CODE_INVALID', 'code', 100),
            message: bounded(d.message),
            reason: requireText(d.reason, 'ANALYST_STOP_REASON_INVALID', 'reason', 100),
            partialText: bounded(d.partialText),
            proposalIds: d.proposalIds,
            ...totals(ask_),
            latencyMs: count(d.latencyMs, 'latencyMs'),
            at,
          },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

function ask(d: Extract<AnalystCommand, { type: 'AskQuestion' }>['data'], state: AnalystState): AnalystEvent[] {
  if (state.status !== 'NONE') throw new Conflict('ANALYST_ASK_EXISTS', `question ${state.askId} was already asked`, { askId: state.askId });
  return [
    {
      type: 'AnalystQuestionAsked',
      data: {
        askId: requireId(d.askId, 'askId'),
        question: requireText(d.question, 'ANALYST_QUESTION_INVALID', 'the question', MAX_QUESTION_CHARS),
        accountId: d.accountId === null ? null : requireId(d.accountId, 'accountId'),
        strategyId: d.strategyId === null ? null : requireId(d.strategyId, 'strategyId'),
        askedBy: requireText(d.askedBy, 'ANALYST_ACTOR_INVALID', 'the actor'),
        model: requireText(d.model, 'ANALYST_MODEL_INVALID', 'model', 100),
        promptVersion: requireText(d.promptVersion, 'ANALYST_VERSION_INVALID', 'promptVersion', 100),
        toolsVersion: requireText(d.toolsVersion, 'ANALYST_VERSION_INVALID', 'toolsVersion', 100),
        limits: requireLimits(d.limits),
        at: d.now,
      },
    },
  ];
}

function requireOpen(state: AnalystState, askId: string): ExistingAsk {
  if (state.status === 'NONE') throw new NotFound('ANALYST_ASK_NOT_FOUND', `question ${askId} does not exist`, { askId });
  if (state.askId !== askId) throw new InvalidCommand('ANALYST_ASK_MISMATCH', `command for ${askId} reached question ${state.askId}`);
  if (state.status !== 'OPEN') throw new RuleViolation('ANALYST_ASK_CLOSED', `question ${askId} is ${state.status}; nothing more is recorded`, { askId, status: state.status });
  return state;
}

function requireNoPendingTools(ask_: ExistingAsk): void {
  const pending = Object.keys(ask_.pendingTools);
  if (pending.length > 0) throw new RuleViolation('ANALYST_TOOLS_PENDING', `tool calls ${pending.join(', ')} have no result yet`, { askId: ask_.askId, pending });
}

function requireLimits(limits: AnalystLimits): AnalystLimits {
  const positive = (value: number, field: string) => {
    if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidCommand('ANALYST_LIMITS_INVALID', `${field} must be a positive integer`, { [field]: value });
    return value;
  };
  return { maxRounds: positive(limits.maxRounds, 'maxRounds'), maxOutputTokens: positive(limits.maxOutputTokens, 'maxOutputTokens'), maxWallTimeMs: positive(limits.maxWallTimeMs, 'maxWallTimeMs') };
}

function count(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidCommand('ANALYST_COUNT_INVALID', `${field} must be a non-negative integer`, { [field]: value });
  return value;
}

function bounded(text: string): string {
  return text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
}

function totals(ask_: ExistingAsk): { rounds: number; inputTokens: number; outputTokens: number } {
  return { rounds: ask_.rounds, inputTokens: ask_.inputTokens, outputTokens: ask_.outputTokens };
}

export const analystDecider: Decider<AnalystCommand, AnalystEvent, AnalystState> = {
  decide: decideAnalyst,
  evolve: evolveAnalyst,
  initialState: initialAnalystState,
};
