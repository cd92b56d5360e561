import { type Static, t } from './schema';

/** POST /api/brokers/kite/session: the `request_token` Kite's login redirect carried. */
export const BrokerLoginBody = t.named('BrokerLoginBody', t.object({ requestToken: t.string({ description: "the request_token of Kite's login redirect (letters and digits)" }) }));
export type BrokerLoginBody = Static<typeof BrokerLoginBody>;

/** A broker's daily session, never its token. */
export const BrokerSession = t.named(
  'BrokerSession',
  t.object({
    broker: t.string(),
    state: t.enum(['absent', 'connected', 'expired'], { description: 'absent: no login stored; expired: past expiresAt (Kite: the next 06:00 IST after the login)' }),
    userId: t.nullable(t.string()),
    loggedInAt: t.nullable(t.instant()),
    expiresAt: t.nullable(t.instant()),
    tokenSource: t.enum(['login', 'environment', 'none'], { description: 'where the token the router uses comes from: the stored login, KITE_ACCESS_TOKEN, or none' }),
  }),
);
export type BrokerSession = Static<typeof BrokerSession>;

/** What a reconciliation pass appended, by kind (the `kind` label of robo_broker_reconciled_events_total). */
export const RECONCILED_KINDS = ['fill', 'broker_status', 'routing', 'external_order', 'discrepancy_found', 'discrepancy_cleared', 'other'] as const;
export type ReconciledKind = (typeof RECONCILED_KINDS)[number];

const count = t.integer({ minimum: 0 });

/** GET /api/brokers/kite/reconciliation: the reconciliation with Kite (see docs/live-trading.md, Reconciliation). */
export const KiteReconciliation = t.named(
  'KiteReconciliation',
  t.object({
    broker: t.literal('kite'),
    intervalSeconds: t.integer({ minimum: 0, description: 'KITE_RECONCILE_SECONDS (0: only at start and after each ticker reconnection)' }),
    passes: t.integer({ minimum: 0, description: 'passes completed by this process' }),
    failedPasses: t.integer({ minimum: 0, description: 'passes that could not read Kite (nothing of theirs recorded)' }),
    lastPassAt: t.nullable(t.instant({ description: 'business time of the last completed pass' })),
    lastError: t.nullable(t.string({ description: 'why the last pass failed; null after one that completed' })),
    lastPassAppended: t.object(
      {
        fill: count,
        broker_status: count,
        routing: count,
        external_order: count,
        discrepancy_found: count,
        discrepancy_cleared: count,
        other: count,
      },
      [],
      { description: 'events appended with the actor system:reconciler since the pass before it, by kind' },
    ),
    externalOrders: t.array(
      t.object({
        broker: t.string(),
        brokerOrderId: t.string(),
        tag: t.nullable(t.string()),
        instrument: t.string(),
        side: t.enum(['BUY', 'SELL']),
        quantity: t.integer(),
        brokerStatus: t.string(),
        seenAt: t.instant(),
      }),
      { description: 'orders at Kite placed outside this system (ExternalBrokerOrderSeen); not traded into any account' },
    ),
    openDiscrepancies: t.array(
      t.object({
        tradingDay: t.date(),
        instrument: t.string(),
        brokerQuantity: t.integer({ description: "Kite's day net quantity (buys less sells)" }),
        ourQuantity: t.integer({ description: 'the day net quantity of the fills of the kite accounts here' }),
        since: t.instant(),
      }),
      { description: 'day positions that disagree with Kite now (PositionDiscrepancyFound not yet cleared)' },
    ),
  }),
);
export type KiteReconciliation = Static<typeof KiteReconciliation>;
