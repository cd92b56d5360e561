import { t, type Static } from './schema';

// Operations, authentication, market data and the analyst: the answers people read less often. Where an answer's
// fields come from a library that may add figures (projection status, rebuild results, proposals), the schema lists
// what a client may rely on and lets the rest through.

export const ProjectionStatus = t.named(
  'ProjectionStatus',
  t.object({
    name: t.string(),
    checkpoint: t.nullable(t.integer()),
    head: t.nullable(t.integer()),
    lagEvents: t.nullable(t.integer({ description: 'events behind the head on a store whose positions count events (SQLite); null on EventStoreDB' })),
    lagBytes: t.nullable(t.integer({ description: 'bytes of log behind the head on a store whose positions are byte offsets (EventStoreDB); null on SQLite' })),
    lagSeconds: t.nullable(t.number()),
    caughtUp: t.nullable(t.boolean()),
    eventsPerSecond: t.nullable(t.number()),
    running: t.nullable(t.boolean()),
    standby: t.nullable(t.boolean({ description: "true while this api's embedded projector waits for the projector lease" })),
    leaseHolder: t.nullable(t.string()),
    parked: t.nullable(t.integer()),
    lastError: t.nullable(t.openObject({ message: t.string(), at: t.string() })),
    source: t.enum(['embedded', 'stores']),
  }),
);
export type ProjectionStatus = Static<typeof ProjectionStatus>;
export const ReactorStatus = t.named(
  'ReactorStatus',
  t.object({
    name: t.string(),
    checkpoint: t.nullable(t.integer()),
    head: t.nullable(t.integer()),
    lagEvents: t.nullable(t.integer({ description: 'events behind the head (it skips those it does not handle); null on EventStoreDB and for non-operators' })),
    lagBytes: t.nullable(t.integer()),
  }),
);
export type ReactorStatus = Static<typeof ReactorStatus>;
export const ProjectionsStatus = t.named(
  'ProjectionsStatus',
  t.object({
    head: t.nullable(t.integer()),
    projections: t.array(ProjectionStatus),
    reactors: t.array(ReactorStatus, { description: "the reactors' checkpoints (the settlement reactor); no projection, so never rebuilt" }),
  }),
);
export type ProjectionsStatus = Static<typeof ProjectionsStatus>;

export const DeadLetter = t.named(
  'DeadLetter',
  t.object({
    id: t.string({ description: '<projection>:<position>' }),
    projection: t.string(),
    position: t.integer(),
    globalPosition: t.integer(),
    eventId: t.string(),
    eventType: t.string(),
    type: t.string(),
    stream: t.string(),
    streamName: t.string(),
    streamRevision: t.integer(),
    docKeys: t.array(t.string()),
    error: t.nullable(t.string()),
    blockedBy: t.nullable(t.string()),
    parkedAt: t.instant(),
    attempts: t.integer(),
  }),
);
export type DeadLetter = Static<typeof DeadLetter>;
export const DeadLetterList = t.named('DeadLetterList', t.object({ items: t.array(DeadLetter) }));
export type DeadLetterList = Static<typeof DeadLetterList>;
export const RetryResult = t.named('RetryResult', t.object({ projection: t.string(), resolved: t.array(t.string()), stillParked: t.array(DeadLetter) }));
export type RetryResult = Static<typeof RetryResult>;
export const RebuildResult = t.named('RebuildResult', t.openObject({ position: t.integer(), checkpoint: t.integer() }));
export type RebuildResult = Static<typeof RebuildResult>;
export const RebuildBody = t.named('RebuildBody', t.object({ force: t.boolean(), verifyOnly: t.boolean() }, ['force', 'verifyOnly']));
export type RebuildBody = Static<typeof RebuildBody>;

export const Liveness = t.named('Liveness', t.object({ status: t.literal('ok') }));
const probe = t.enum(['ok', 'unavailable']);
export const Readiness = t.named(
  'Readiness',
  t.object({ status: t.enum(['ready', 'not_ready', 'shutting_down']), checks: t.object({ eventStore: probe, readStore: probe, credentialStore: probe, rateLimit: probe }, ['rateLimit']) }),
);
export type Readiness = Static<typeof Readiness>;

export const ROLES = ['admin', 'trader', 'viewer', 'auditor', 'broker'] as const;
export const Role = t.enum(ROLES);
export type Role = Static<typeof Role>;

export const TokenBody = t.named('TokenBody', t.object({ apiKey: t.string() }));
export type TokenBody = Static<typeof TokenBody>;
export const Token = t.named(
  'Token',
  t.object({ accessToken: t.string({ description: 'send as "Authorization: Bearer <accessToken>"' }), tokenType: t.literal('Bearer'), expiresIn: t.integer(), kid: t.string(), role: Role }),
);
export type Token = Static<typeof Token>;
export const Me = t.named('Me', t.object({ kid: t.string(), name: t.string(), role: Role, accountIds: t.array(t.uuid()), actor: t.string() }));
export type Me = Static<typeof Me>;

const keyProps = {
  kid: t.string(),
  name: t.string(),
  role: Role,
  accountIds: t.array(t.uuid()),
  createdAt: t.instant(),
  createdBy: t.string(),
  revokedAt: t.nullable(t.instant()),
};
export const ApiKey = t.named('ApiKey', t.object(keyProps));
export type ApiKey = Static<typeof ApiKey>;
export const CreatedKey = t.named('CreatedKey', t.object({ ...keyProps, apiKey: t.string({ description: 'shown once: only a hash is kept' }) }));
export type CreatedKey = Static<typeof CreatedKey>;
export const ApiKeyList = t.named('ApiKeyList', t.object({ items: t.array(ApiKey) }));
export const CreateKeyBody = t.named('CreateKeyBody', t.object({ name: t.string(), role: Role, accountIds: t.array(t.uuid()) }, ['accountIds']));
export type CreateKeyBody = Static<typeof CreateKeyBody>;
export const GrantBody = t.named('GrantBody', t.object({ accountId: t.uuid() }));

export const Quote = t.named(
  'Quote',
  t.object({ symbol: t.string(), bidPaise: t.paise(), askPaise: t.paise(), lastPaise: t.paise(), volume: t.integer(), at: t.instant() }),
);
export type Quote = Static<typeof Quote>;
export const Quotes = t.named('Quotes', t.object({ at: t.instant(), quotes: t.array(Quote) }));
export type Quotes = Static<typeof Quotes>;

const optionSide = t.openObject(
  {
    symbol: t.string(),
    premiumPaise: t.paise({ description: 'model premium (Black-Scholes)' }),
    bidPaise: t.nullable(t.paise()),
    askPaise: t.nullable(t.paise()),
    lastPaise: t.paise(),
    volume: t.integer(),
    openInterest: t.integer(),
    delta: t.nullable(t.number()),
  },
  [],
  { description: 'a call or a put of the strike: quote, implied volatility and greeks' },
);
export const OptionChain = t.named(
  'OptionChain',
  t.object({
    underlying: t.string(),
    expiry: t.date(),
    spotPaise: t.paise(),
    atmStrikePaise: t.paise(),
    lotSize: t.integer(),
    yearsToExpiry: t.number(),
    rows: t.array(t.object({ strikePaise: t.paise(), call: optionSide, put: optionSide })),
    expiries: t.array(t.object({ date: t.date(), kind: t.string({ description: 'WEEKLY or MONTHLY' }) })),
    model: t.anyObject({ description: 'the model and inputs the figures come from' }),
  }),
);
export type OptionChain = Static<typeof OptionChain>;

export const AnalystStatus = t.named(
  'AnalystStatus',
  t.openObject({ enabled: t.boolean(), model: t.nullable(t.string()), promptVersion: t.string(), toolsVersion: t.string(), limits: t.anyObject() }),
);
export type AnalystStatus = Static<typeof AnalystStatus>;
export const Proposal = t.named(
  'Proposal',
  t.openObject({ proposalId: t.uuid(), accountId: t.uuid(), status: t.string(), streamName: t.string(), orderRequest: t.anyObject() }),
);
export type Proposal = Static<typeof Proposal>;
export const ProposalPage = t.named('ProposalPage', t.object({ items: t.array(Proposal), nextCursor: t.nullable(t.string()) }));
export const ProposalDecision = t.named(
  'ProposalDecision',
  t.object({ proposalId: t.uuid(), orderId: t.uuid(), status: t.string(), proposal: Proposal }, ['orderId']),
);
export const AskBody = t.named('AskBody', t.object({ question: t.string(), accountId: t.uuid(), strategyId: t.string() }, ['accountId', 'strategyId']));
export const RejectProposalBody = t.named('RejectProposalBody', t.object({ reason: t.string() }));

/** The daily P&L statement of an account (GET /api/accounts/:id/statement). */
export const Statement = t.named(
  'Statement',
  t.object({
    accountId: t.uuid(),
    from: t.date(),
    to: t.date(),
    days: t.array(t.openObject({ date: t.date() }, [], { description: 'realized, charges by kind, net of one IST day' })),
    totals: t.anyObject({ description: 'the same figures over the range' }),
  }),
);
export type Statement = Static<typeof Statement>;

/** A strategy's multi-leg basket of one day (GET /api/strategies/:id/basket): legs, net premium, P&L, payoff at expiry. */
export const Basket = t.named('Basket', t.anyObject({ description: 'legs, combined, netPremiumPaise (credit > 0), payoff' }));
