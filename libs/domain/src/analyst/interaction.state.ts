import { assertNever } from '../common/errors';
import type { AnalystEvent, AnalystLimits } from './interaction.events';

/** OPEN while the model and the tools are working; ANSWERED or FAILED is final. */
export type AnalystAskStatus = 'OPEN' | 'ANSWERED' | 'FAILED';

export interface AnalystDetails {
  askId: string;
  askedBy: string;
  model: string;
  limits: AnalystLimits;
  rounds: number;
  inputTokens: number;
  outputTokens: number;
  /** Tool calls recorded and not yet answered, by tool use id. */
  pendingTools: Record<string, string>;
  /** Every tool use id seen, so a repeated id cannot hide a second call. */
  toolUseIds: string[];
}

export type AnalystState = { status: 'NONE' } | ({ status: AnalystAskStatus } & AnalystDetails);
export type ExistingAsk = Extract<AnalystState, { askId: string }>;

export const initialAnalystState: AnalystState = { status: 'NONE' };

export function evolveAnalyst(state: AnalystState, event: AnalystEvent): AnalystState {
  if (event.type === 'AnalystQuestionAsked') {
    const d = event.data;
    return { status: 'OPEN', askId: d.askId, askedBy: d.askedBy, model: d.model, limits: d.limits, rounds: 0, inputTokens: 0, outputTokens: 0, pendingTools: {}, toolUseIds: [] };
  }
  // A damaged stream must replay without crashing; decide never emits anything before the question.
  if (state.status === 'NONE') return state;
  switch (event.type) {
    case 'AnalystModelResponded':
      return {
        ...state,
        rounds: event.data.round,
        inputTokens: state.inputTokens + event.data.inputTokens,
        outputTokens: state.outputTokens + event.data.outputTokens,
      };
    case 'AnalystToolCalled':
      return {
        ...state,
        pendingTools: { ...state.pendingTools, [event.data.toolUseId]: event.data.tool },
        toolUseIds: [...state.toolUseIds, event.data.toolUseId],
      };
    case 'AnalystToolReturned': {
      const { [event.data.toolUseId]: _answered, ...pendingTools } = state.pendingTools;
      return { ...state, pendingTools };
    }
    case 'AnalystAnswered':
      return { ...state, status: 'ANSWERED' };
    case 'AnalystFailed':
      return { ...state, status: 'FAILED', pendingTools: {} };
    default:
      return assertNever(event);
  }
}
