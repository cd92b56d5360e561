import * as A from './accounts';
import * as Au from './audit';
import { CommandResult } from './common';
import * as O from './orders';
import * as V from './operations-views';
import * as P from './performance';
import type { Schema } from './schema';
import * as S from './strategies';
import * as B from './backtests';
import * as Br from './brokers';

/** What one operation answers: its success status(es) with their body, the error statuses it can answer, its request body. */
export interface Operation {
  /** Success answers by status; a schema for JSON, or a media type for a body that is not JSON. */
  ok: Partial<Record<200 | 201, Schema | { mediaType: string; description: string }>>;
  /** Statuses of the `{code, message}` errors it can answer. */
  errors: readonly number[];
  /** Error statuses whose body is not the error schema (readiness answers 503 with its checks). */
  otherAnswers?: Partial<Record<number, Schema>>;
  request?: Schema;
}

// The error statuses, by kind of operation. Every /api call can be refused for its credential (401), its role (403)
// or its rate (429), and answers 503 when a store is unavailable or the read models lag a minPosition.
const AUTHED = [401, 403, 429, 503] as const;
/** A query: bad parameters (400: VALIDATION_FAILED, INVALID_ID, MIN_POSITION_AHEAD). */
const READ = [400, ...AUTHED];
/** A query of one thing by id, which may not exist or not be the caller's (404). */
const READ_ONE = [...READ, 404];
/** A replay from the log: also 422 RESPONSE_TOO_LARGE past the size bound. */
const REPLAY = [...READ_ONE, 422];
/** A command: bad input (400), a body too large (413) or not UTF-8 JSON (415), an unknown target (404), a conflict (409), a business rule (422). */
const COMMAND = [400, 404, 409, 413, 415, 422, ...AUTHED];
/** A command that creates its target. */
const CREATE = [400, 409, 413, 415, 422, ...AUTHED];

const json = (schema: Schema) => schema;

/**
 * Every operation of the api, keyed `METHOD /path/{param}` as in the OpenAPI document. The document's responses are
 * produced from this table (apps/api/src/bootstrap.ts); an operation the table lacks has none, and the contract test
 * (apps/api/test/openapi-contract.e2e-spec.ts) fails on it.
 */
export const OPERATIONS = {
  'POST /auth/token': { ok: { 200: V.Token }, errors: [400, 401, 413, 415, 429, 503], request: V.TokenBody },
  'GET /auth/me': { ok: { 200: V.Me }, errors: [401, 429] },
  'GET /health/live': { ok: { 200: V.Liveness }, errors: [503] },
  'GET /health/ready': { ok: { 200: V.Readiness }, errors: [], otherAnswers: { 503: V.Readiness } },
  'GET /metrics': { ok: { 200: { mediaType: 'text/plain', description: 'the Prometheus text format' } }, errors: [401, 403, 429] },

  'GET /api/accounts': { ok: { 200: A.AccountPage }, errors: READ },
  'POST /api/accounts': { ok: { 201: A.AccountCommandResult }, errors: CREATE, request: A.OpenAccountBody },
  'GET /api/accounts/{id}': { ok: { 200: json(A.Account) }, errors: READ_ONE },
  'POST /api/accounts/{id}/deposits': { ok: { 201: A.AccountCommandResult }, errors: COMMAND, request: A.AmountBody },
  'POST /api/accounts/{id}/withdrawals': { ok: { 201: A.AccountCommandResult }, errors: COMMAND, request: A.AmountBody },
  'POST /api/accounts/{id}/risk-limits': { ok: { 200: A.AccountCommandResult }, errors: COMMAND, request: A.RiskLimitsBody },
  'POST /api/accounts/{id}/halt': { ok: { 200: A.AccountCommandResult }, errors: COMMAND, request: A.HaltBody },
  'POST /api/accounts/{id}/resume': { ok: { 200: A.AccountCommandResult }, errors: COMMAND },
  'POST /api/accounts/{id}/broker': { ok: { 200: A.AccountCommandResult }, errors: COMMAND, request: A.BrokerBody },
  'GET /api/accounts/{id}/positions': { ok: { 200: A.Positions }, errors: READ_ONE },
  'GET /api/accounts/{id}/portfolio': { ok: { 200: A.Portfolio }, errors: REPLAY },
  'GET /api/accounts/{id}/performance': { ok: { 200: P.AccountPerformance }, errors: READ_ONE },
  'GET /api/accounts/{id}/statement': { ok: { 200: V.Statement }, errors: REPLAY },
  'GET /api/accounts/{id}/exports/{kind}': { ok: { 200: { mediaType: 'text/csv', description: 'orders, fills, trades or statement as CSV (RFC 4180, rupees, IST)' } }, errors: REPLAY },

  'GET /api/orders': { ok: { 200: O.OrderPage }, errors: READ_ONE },
  'POST /api/orders': { ok: { 201: O.OrderCommandResult }, errors: COMMAND, request: O.PlaceOrderBody },
  'GET /api/orders/{id}': { ok: { 200: O.Order }, errors: READ_ONE },
  'POST /api/orders/{id}/fills': { ok: { 201: O.OrderCommandResult, 200: O.OrderCommandResult }, errors: COMMAND, request: O.ReportFillBody },
  'POST /api/orders/{id}/cancel': { ok: { 200: O.OrderCommandResult }, errors: COMMAND, request: O.CancelOrderBody },
  'POST /api/orders/{id}/trigger': { ok: { 200: O.OrderCommandResult }, errors: COMMAND, request: O.TriggerOrderBody },
  'POST /api/orders/{id}/modify': { ok: { 200: O.OrderCommandResult }, errors: COMMAND, request: O.ModifyOrderBody },

  'GET /api/strategies': { ok: { 200: S.StrategyList }, errors: READ_ONE },
  'GET /api/backtests': { ok: { 200: B.BacktestRunList }, errors: READ },
  'GET /api/backtests/{runId}': { ok: { 200: B.BacktestRun }, errors: READ_ONE },
  'GET /api/backtests/{runId}/equity': { ok: { 200: B.BacktestEquity }, errors: READ_ONE },
  'GET /api/backtests/{runId}/trades': { ok: { 200: B.BacktestTradeList }, errors: READ_ONE },
  'GET /api/backtests/{runId}/audit': { ok: { 200: Au.AuditPage }, errors: READ_ONE },
  'GET /api/backtests/{runId}/audit/correlations/{correlationId}': { ok: { 200: Au.CorrelationTree }, errors: REPLAY },
  'GET /api/backtests/{runId}/streams/{stream}/events': { ok: { 200: Au.StreamEvents }, errors: READ_ONE },
  'GET /api/backtests/{runId}/portfolio': { ok: { 200: A.Portfolio }, errors: REPLAY },
  'GET /api/backtests/{runId}/lineage': { ok: { 200: Au.Lineage }, errors: REPLAY },
  'POST /api/backtests/{runId}/promote': { ok: { 201: S.StrategyCommandResult }, errors: COMMAND, request: B.PromoteBacktestBody },
  'POST /api/strategies': { ok: { 201: S.StrategyCommandResult }, errors: COMMAND, request: S.RegisterStrategyBody },
  'GET /api/strategies/{id}': { ok: { 200: S.Strategy }, errors: READ_ONE },
  'GET /api/strategies/{id}/performance': { ok: { 200: P.StrategyPerformance }, errors: READ_ONE },
  'GET /api/strategies/{id}/basket': { ok: { 200: V.Basket }, errors: READ_ONE },
  'POST /api/strategies/{id}/activate': { ok: { 200: S.StrategyCommandResult }, errors: COMMAND },
  'POST /api/strategies/{id}/pause': { ok: { 200: S.StrategyCommandResult }, errors: COMMAND, request: S.ReasonBody },
  'POST /api/strategies/{id}/stop': { ok: { 200: S.StrategyCommandResult }, errors: COMMAND, request: S.ReasonBody },
  'POST /api/strategies/{id}/halt': { ok: { 200: S.StrategyCommandResult }, errors: COMMAND, request: S.ReasonBody },
  'POST /api/strategies/{id}/resume': { ok: { 200: S.StrategyCommandResult }, errors: COMMAND },
  'PUT /api/strategies/{id}/parameters': { ok: { 200: S.StrategyCommandResult }, errors: COMMAND, request: S.ParametersBody },

  'GET /api/streams/{stream}/events': { ok: { 200: Au.StreamEvents }, errors: READ_ONE },
  'GET /api/streams/{stream}/state': { ok: { 200: Au.StreamState }, errors: REPLAY },
  'GET /api/audit': { ok: { 200: Au.AuditPage }, errors: READ_ONE },
  'GET /api/audit/correlations/{id}': { ok: { 200: Au.CorrelationTree }, errors: REPLAY },
  'GET /api/lineage': { ok: { 200: Au.Lineage }, errors: REPLAY },

  'GET /api/market/quotes': { ok: { 200: V.Quotes }, errors: READ },
  'GET /api/market/option-chain': { ok: { 200: V.OptionChain }, errors: READ },

  'GET /api/projections': { ok: { 200: V.ProjectionsStatus }, errors: AUTHED },
  'GET /api/projections/dead-letters': { ok: { 200: V.DeadLetterList }, errors: READ_ONE },
  'POST /api/projections/dead-letters/{id}/retry': { ok: { 200: V.RetryResult }, errors: COMMAND },
  'POST /api/projections/{name}/dead-letters/retry': { ok: { 200: V.RetryResult }, errors: COMMAND },
  'POST /api/projections/{name}/rebuild': { ok: { 200: V.RebuildResult }, errors: COMMAND, request: V.RebuildBody },

  'GET /api/admin/keys': { ok: { 200: V.ApiKeyList }, errors: AUTHED },
  'POST /api/admin/keys': { ok: { 201: V.CreatedKey }, errors: CREATE, request: V.CreateKeyBody },
  'GET /api/admin/keys/{kid}': { ok: { 200: V.ApiKey }, errors: READ_ONE },
  'POST /api/admin/keys/{kid}/revoke': { ok: { 200: V.ApiKey }, errors: COMMAND },
  'POST /api/admin/keys/{kid}/grants': { ok: { 200: V.ApiKey }, errors: COMMAND, request: V.GrantBody },
  'DELETE /api/admin/keys/{kid}/grants/{accountId}': { ok: { 200: V.ApiKey }, errors: COMMAND },

  'GET /api/brokers/kite/session': { ok: { 200: Br.BrokerSession }, errors: [404, ...AUTHED] },
  'POST /api/brokers/kite/session': { ok: { 200: Br.BrokerSession }, errors: [400, 404, 413, 415, 422, 502, ...AUTHED], request: Br.BrokerLoginBody },
  'GET /api/brokers/kite/reconciliation': { ok: { 200: Br.KiteReconciliation }, errors: [404, ...AUTHED] },

  'GET /api/analyst/status': { ok: { 200: V.AnalystStatus }, errors: AUTHED },
  'POST /api/analyst/questions': {
    ok: { 200: { mediaType: 'text/event-stream', description: 'server-sent events: started, text, tool_call, tool_result, proposal, answer | error' } },
    errors: [400, 404, 413, 415, ...AUTHED],
    request: V.AskBody,
  },
  'GET /api/analyst/proposals': { ok: { 200: V.ProposalPage }, errors: READ_ONE },
  'GET /api/analyst/proposals/{id}': { ok: { 200: V.Proposal }, errors: READ_ONE },
  'POST /api/analyst/proposals/{id}/approve': { ok: { 200: V.ProposalDecision }, errors: COMMAND },
  'POST /api/analyst/proposals/{id}/reject': { ok: { 200: V.ProposalDecision }, errors: COMMAND, request: V.RejectProposalBody },
} satisfies Record<string, Operation>;

export type OperationKey = keyof typeof OPERATIONS;

/** The command results that name no aggregate of their own. */
export { CommandResult };
