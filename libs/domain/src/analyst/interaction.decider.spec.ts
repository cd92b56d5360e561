import { deciderSpec } from '../testing/given-when-then';
import type { AnalystCommand } from './interaction.commands';
import { decideAnalyst } from './interaction.decider';
import type { AnalystEvent } from './interaction.events';
import { evolveAnalyst, initialAnalystState, type AnalystState } from './interaction.state';

const spec = deciderSpec(decideAnalyst, evolveAnalyst, initialAnalystState);
const askId = 'ask-1';
const now = '2026-11-20T09:30:00+05:30';
const limits = { maxRounds: 3, maxOutputTokens: 2000, maxWallTimeMs: 60000 };

const askCmd = (question = 'How did RELIANCE do today?'): AnalystCommand => ({
  type: 'AskQuestion',
  data: { askId, question, accountId: 'a1', strategyId: null, askedBy: 'user:asha', model: 'claude-test', promptVersion: 'p1', toolsVersion: 't1', limits, now },
});
const asked: AnalystEvent = {
  type: 'AnalystQuestionAsked',
  data: { askId, question: 'How did RELIANCE do today?', accountId: 'a1', strategyId: null, askedBy: 'user:asha', model: 'claude-test', promptVersion: 'p1', toolsVersion: 't1', limits, at: now },
};
const responseCmd = (round: number, inputTokens = 100, outputTokens = 20): AnalystCommand => ({
  type: 'RecordModelResponse',
  data: { askId, round, model: 'claude-test', stopReason: 'tool_use', inputTokens, outputTokens, latencyMs: 12, requestId: null, textChars: 0, toolUses: ['get_positions'], now },
});
const responded = (round: number, inputTokens = 100, outputTokens = 20): AnalystEvent => ({
  type: 'AnalystModelResponded',
  data: { askId, round, model: 'claude-test', stopReason: 'tool_use', inputTokens, outputTokens, latencyMs: 12, requestId: null, textChars: 0, toolUses: ['get_positions'], at: now },
});
const callCmd = (toolUseId = 'tu-1'): AnalystCommand => ({ type: 'RecordToolCall', data: { askId, toolUseId, tool: 'get_positions', input: { accountId: 'a1' }, now } });
const called = (toolUseId = 'tu-1', round = 1): AnalystEvent => ({ type: 'AnalystToolCalled', data: { askId, round, toolUseId, tool: 'get_positions', input: { accountId: 'a1' }, at: now } });
const resultCmd = (toolUseId = 'tu-1'): AnalystCommand => ({
  type: 'RecordToolResult',
  data: { askId, toolUseId, ok: true, errorCode: null, sizeChars: 10, sha256: 'ab', preview: '[]', truncated: false, references: [], latencyMs: 1, now },
});
const returned = (toolUseId = 'tu-1', round = 1): AnalystEvent => ({
  type: 'AnalystToolReturned',
  data: { askId, round, toolUseId, tool: 'get_positions', ok: true, errorCode: null, sizeChars: 10, sha256: 'ab', preview: '[]', truncated: false, references: [], latencyMs: 1, at: now },
});
const answerCmd: AnalystCommand = { type: 'RecordAnswer', data: { askId, text: 'Flat [event:3]', citations: [], proposalIds: [], stopReason: 'end_turn', latencyMs: 40, now } };
const failCmd: AnalystCommand = {
  type: 'RecordFailure',
  data: { askId, code: 'ANALYST_LOOP_LIMIT', message: 'round limit', reason: 'max_rounds', partialText: '', proposalIds: [], latencyMs: 40, now },
};
const after = (events: AnalystEvent[]): AnalystState => events.reduce(evolveAnalyst, initialAnalystState);

describe('analyst interaction: the order of the trail', () => {
  it('records the question once', () => {
    spec.given([]).when(askCmd('  How did RELIANCE do today? ')).then([asked]);
    spec.given([asked]).when(askCmd()).thenThrows('ANALYST_ASK_EXISTS');
  });

  it.each<[string, string, string]>([
    ['an empty question', '   ', 'ANALYST_QUESTION_INVALID'],
    ['a question longer than the cap', 'x'.repeat(4001), 'ANALYST_QUESTION_INVALID'],
  ])('refuses %s', (_label, question, code) => {
    spec.given([]).when(askCmd(question)).thenThrows(code);
  });

  it('records a round: response, tool call, tool result, with the round number carried into the tool events', () => {
    spec.given([asked]).when(responseCmd(1)).then([responded(1)]);
    spec.given([asked, responded(1)]).when(callCmd()).then([called()]);
    spec.given([asked, responded(1), called()]).when(resultCmd()).then([returned()]);
  });

  it('refuses rounds out of order, a second response while tools are pending, and unknown or repeated tool calls', () => {
    spec.given([asked]).when(responseCmd(2)).thenThrows('ANALYST_ROUND_OUT_OF_ORDER');
    spec.given([asked]).when(callCmd()).thenThrows('ANALYST_NO_RESPONSE');
    spec.given([asked, responded(1), called()]).when(responseCmd(2)).thenThrows('ANALYST_TOOLS_PENDING');
    spec.given([asked, responded(1)]).when(resultCmd('tu-x')).thenThrows('ANALYST_TOOL_CALL_UNKNOWN');
    spec.given([asked, responded(1), called(), returned()]).when(callCmd()).thenThrows('ANALYST_TOOL_CALL_DUPLICATE');
    spec.given([asked, responded(1), called()]).when(answerCmd).thenThrows('ANALYST_TOOLS_PENDING');
  });

  it('closes with an answer whose totals are folded from the recorded rounds', () => {
    const trail = [asked, responded(1, 100, 20), called(), returned(), responded(2, 250, 80)];
    spec
      .given(trail)
      .when(answerCmd)
      .thenEvents(([e]) => expect(e).toMatchObject({ type: 'AnalystAnswered', data: { rounds: 2, inputTokens: 350, outputTokens: 100, stopReason: 'end_turn', latencyMs: 40 } }));
  });

  it('closes with a failure at any point, pending tools included, and records nothing afterwards', () => {
    const trail = [asked, responded(1, 100, 20), called()];
    const [failed] = spec.given(trail).when(failCmd).thenEvents(([e]) => expect(e).toMatchObject({ type: 'AnalystFailed', data: { rounds: 1, reason: 'max_rounds', code: 'ANALYST_LOOP_LIMIT' } }));
    const closed = [...trail, failed];
    expect(after(closed)).toMatchObject({ status: 'FAILED', pendingTools: {} });
    spec.given(closed).when(responseCmd(2)).thenThrows('ANALYST_ASK_CLOSED');
    spec.given(closed).when(answerCmd).thenThrows('ANALYST_ASK_CLOSED');
    spec.given(closed).when(failCmd).thenThrows('ANALYST_ASK_CLOSED');
  });

  it('refuses an answer before any model response, and commands for an unknown question', () => {
    spec.given([asked]).when(answerCmd).thenThrows('ANALYST_NO_RESPONSE');
    spec.given([]).when(answerCmd).thenThrows('ANALYST_ASK_NOT_FOUND');
  });
});
