import type { AnalystLimitsConfig } from './analyst-config';
import { AnalystError } from './analyst-errors';
import type { AskRequest } from './analyst';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

export interface ValidAskRequest {
  question: string;
  accountId: string | null;
  strategyId: string | null;
}

/** Checks a question before anything is recorded or sent; ANALYST_INVALID_REQUEST (400) names the field. */
export function validateAskRequest(request: AskRequest, limits: Pick<AnalystLimitsConfig, 'maxQuestionChars'>): ValidAskRequest {
  const invalid = (field: string, message: string) => new AnalystError('ANALYST_INVALID_REQUEST', message, { field });
  if (typeof request !== 'object' || request === null) throw invalid('body', 'the request must be an object');
  const question = typeof request.question === 'string' ? request.question.trim() : '';
  if (question === '' || question.length > limits.maxQuestionChars) throw invalid('question', `question must be 1 to ${limits.maxQuestionChars} characters`);
  const id = (value: unknown, field: string): string | null => {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || !ID.test(value)) throw invalid(field, `${field} must be 1 to 100 letters, digits, '.', '_', ':' or '-'`);
    return value;
  };
  return { question, accountId: id(request.accountId, 'accountId'), strategyId: id(request.strategyId, 'strategyId') };
}
