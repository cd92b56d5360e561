import { randomUUID } from 'node:crypto';
import {
  accountStream,
  buyingPower,
  CHARGE_SCHEDULES,
  computeCharges,
  createMarketCalendar,
  decideAccount,
  decideOrder,
  decidePosition,
  evolveAccount,
  evolveOrder,
  evolvePosition,
  initialAccountState,
  initialOrderState,
  initialPositionState,
  InstrumentCatalog,
  istTradingDay,
  marketPhase,
  orderStream,
  positionStreamName,
  realizedOn,
  scheduleFor,
  type AccountEvent,
  type AccountState,
  type Instrument,
  type OrderEvent,
  type OrderState,
  type PositionEvent,
  type PositionState,
  type Side,
} from '@robo/domain';
import type { EventStore, ExpectedRevision, NewEvent } from '@robo/event-store';

/** Deterministic PRNG (mulberry32): the same seed gives the same trading history. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IST_OFFSET_MS = 5.5 * 3600 * 1000;
const calendar = createMarketCalendar();

/** Business time that only moves forward through NSE sessions (09:15 to 15:15 IST, trading days only). */
class SessionClock {
  private ms: number;
  constructor(startIst: string) {
    this.ms = Date.parse(startIst);
  }

  now(): string {
    return `${new Date(this.ms + IST_OFFSET_MS).toISOString().slice(0, 19)}+05:30`;
  }

  advance(seconds: number): string {
    this.ms += seconds * 1000;
    for (let guard = 0; marketPhase(this.now(), calendar).phase !== 'OPEN' || this.istMinutes() >= 15 * 60 + 15; guard += 1) {
      if (guard > 30) throw new Error('no trading day found within 30 days');
      // Next calendar day, 09:15 IST.
      const istDay = new Date(this.ms + IST_OFFSET_MS).toISOString().slice(0, 10);
      this.ms = Date.parse(`${istDay}T09:15:00+05:30`) + 24 * 3600 * 1000;
    }
    return this.now();
  }

  private istMinutes(): number {
    const d = new Date(this.ms + IST_OFFSET_MS);
    return d.getUTCHours() * 60 + d.getUTCMinutes();
  }
}

interface Tracked<S> {
  state: S;
  /** Revision of the last event, -1 while the stream does not exist. */
  revision: number;
}

interface Pending {
  stream: string;
  events: NewEvent[];
  expectedRevision: ExpectedRevision;
}

export interface TradingLogSpec {
  /** The size the log will grow to: sets the number of accounts (one per 1,000 events, at least 5). */
  plannedEvents: number;
  seed?: number;
  /** Events written per group of concurrent appends. Default 8,000. */
  flushEvents?: number;
  onProgress?: (written: number) => void;
}

export interface TradingLogSummary {
  events: number;
  orders: number;
  accounts: string[];
  /** The account with the longest account stream (used for the as-of replay). */
  busiestAccount: string;
}

/**
 * Writes a realistic trading history with the real deciders, the way the api and the settlement reactor do:
 * place (risk-checked) + reserve, then fills applied to the order, the position and the account's cash, or a
 * cancellation with its release. Appends carry exact expected revisions and go in large concurrent groups, which
 * the store commits together (fast, still one append call per stream write as in production).
 * writeUntil() can be called again to grow the same log further.
 */
export class TradingLogWriter {
  private readonly random: () => number;
  private readonly catalog = new InstrumentCatalog();
  private readonly clock = new SessionClock('2026-01-05T09:15:00+05:30');
  private readonly accounts = new Map<string, Tracked<AccountState>>();
  private readonly positions = new Map<string, Tracked<PositionState>>();
  private readonly instrumentsOf = new Map<string, string[]>();
  private readonly actors = new Map<string, string>();
  private accountIds: string[] = [];
  private pending: Pending[] = [];
  private pendingEvents = 0;
  private written = 0;
  private orders = 0;

  constructor(
    private readonly store: EventStore,
    private readonly spec: TradingLogSpec,
  ) {
    this.random = prng(spec.seed ?? 42);
  }

  async writeUntil(events: number): Promise<TradingLogSummary> {
    if (this.accountIds.length === 0) this.openAccounts(Math.max(5, Math.round(this.spec.plannedEvents / 1000)));
    const flushEvents = this.spec.flushEvents ?? 8000;
    while (this.written < events) {
      const accountId = this.pick(this.accountIds);
      const symbol = this.pick(this.instrumentsOf.get(accountId)!);
      this.tradeOnce(accountId, this.actors.get(accountId)!, this.catalog.get(symbol)!);
      this.orders += 1;
      if (this.pendingEvents >= flushEvents) await this.flush();
    }
    await this.flush();
    let busiestAccount = this.accountIds[0];
    for (const id of this.accountIds) if (this.accounts.get(id)!.revision > this.accounts.get(busiestAccount)!.revision) busiestAccount = id;
    return { events: this.written, orders: this.orders, accounts: [...this.accountIds], busiestAccount };
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.pendingEvents = 0;
    await Promise.all(batch.map((p) => this.store.append(p.stream, p.events, { expectedRevision: p.expectedRevision })));
    this.spec.onProgress?.(this.written);
  }

  /** Queues the append of one decision to one stream, as one append call with the stream's expected revision. */
  private emit<S, E extends { type: string; data: unknown }>(
    stream: string,
    tracked: Tracked<S>,
    evolve: (s: S, e: E) => S,
    events: readonly E[],
    meta: { occurredAt: string; correlationId: string; actor: string },
  ): void {
    if (events.length === 0) return;
    const expectedRevision: ExpectedRevision = tracked.revision < 0 ? 'no_stream' : BigInt(tracked.revision);
    const newEvents = events.map((event) => ({
      type: event.type,
      data: event.data,
      metadata: { eventId: randomUUID(), correlationId: meta.correlationId, causationId: randomUUID(), actor: meta.actor, occurredAt: meta.occurredAt, schemaVersion: 1 },
    }));
    this.pending.push({ stream, events: newEvents, expectedRevision });
    this.pendingEvents += events.length;
    this.written += events.length;
    for (const event of events) tracked.state = evolve(tracked.state, event);
    tracked.revision += events.length;
  }

  private openAccounts(count: number): void {
    const equities = this.catalog.list();
    const openedAt = this.clock.now();
    for (let i = 0; i < count; i += 1) {
      const accountId = randomUUID();
      const tracked: Tracked<AccountState> = { state: initialAccountState, revision: -1 };
      this.accounts.set(accountId, tracked);
      this.actors.set(accountId, `user:trader-${i + 1}`);
      const start = Math.floor(this.random() * equities.length);
      this.instrumentsOf.set(accountId, Array.from({ length: 5 }, (_, k) => equities[(start + k * 3) % equities.length].symbol));
      const events = decideAccount({ type: 'OpenAccount', data: { accountId, name: `Trader ${i + 1}`, initialCashPaise: 10_000_000_000_000, now: openedAt } }, tracked.state);
      this.emit(accountStream(accountId), tracked, evolveAccount, events, { occurredAt: openedAt, correlationId: randomUUID(), actor: this.actors.get(accountId)! });
    }
    this.accountIds = [...this.accounts.keys()];
  }

  private tradeOnce(accountId: string, actor: string, instrument: Instrument): void {
    const { random, clock } = this;
    const account = this.accounts.get(accountId)!;
    const positionStream = positionStreamName(accountId, instrument.symbol);
    let position = this.positions.get(positionStream);
    if (!position) {
      position = { state: initialPositionState, revision: -1 };
      this.positions.set(positionStream, position);
    }
    const held = position.state.quantity;
    const side: Side = held > 0 && random() < 0.45 ? 'SELL' : 'BUY';
    const quantity = side === 'SELL' ? 1 + Math.floor(random() * held) : 1 + Math.floor(random() * 50);
    const tick = instrument.tickSizePaise;
    const limitPricePaise = instrument.referencePricePaise + (Math.floor(random() * 41) - 20) * tick;
    const now = clock.advance(1 + Math.floor(random() * 3));
    const correlationId = randomUUID();
    const meta = { occurredAt: now, correlationId, actor };
    const orderId = randomUUID();
    const order: Tracked<OrderState> = { state: initialOrderState, revision: -1 };
    const accountState = account.state;
    if (accountState.status !== 'OPEN') throw new Error(`account ${accountId} is not open`);

    const placed = decideOrder(
      {
        type: 'PlaceOrder',
        data: { orderId, accountId, instrument: instrument.symbol, side, quantity, orderType: 'LIMIT', limitPricePaise, product: 'CNC', validity: 'DAY' },
        risk: {
          now,
          instrument,
          calendar,
          account: {
            halted: accountState.halted,
            buyingPowerPaise: buyingPower(accountState),
            maxOrderValuePaise: accountState.limits.maxOrderValuePaise,
            maxPositionQuantity: accountState.limits.maxPositionQuantity,
            dailyLossLimitPaise: accountState.limits.dailyLossLimitPaise,
            realizedTodayPaise: realizedOn(accountState, istTradingDay(now)),
          },
          positionQuantity: held,
          openOrdersQuantity: 0,
          referencePricePaise: instrument.referencePricePaise,
        },
      },
      order.state,
    );
    this.emit<OrderState, OrderEvent>(orderStream(orderId), order, evolveOrder, placed, meta);
    const accepted = placed.find((e): e is Extract<OrderEvent, { type: 'OrderAccepted' }> => e.type === 'OrderAccepted');
    if (!accepted) return;
    if (accepted.data.reservedPaise > 0) {
      const reserve = decideAccount({ type: 'ReserveFunds', data: { accountId, orderId, amountPaise: accepted.data.reservedPaise } }, account.state);
      this.emit<AccountState, AccountEvent>(accountStream(accountId), account, evolveAccount, reserve, meta);
    }

    const outcome = random();
    const fills = outcome < 0.75 ? (random() < 0.3 ? [Math.ceil(quantity / 2), quantity - Math.ceil(quantity / 2)] : [quantity]) : outcome < 0.9 && quantity > 1 ? [Math.floor(quantity / 2)] : [];
    let fillNo = 0;
    for (const fillQuantity of fills.filter((q) => q > 0)) {
      fillNo += 1;
      const occurredAt = clock.advance(1);
      const fillMeta = { ...meta, occurredAt };
      const feesPaise = computeCharges(
        { side, product: 'CNC', segment: 'EQ', quantity: fillQuantity, pricePaise: limitPricePaise },
        scheduleFor(istTradingDay(occurredAt), CHARGE_SCHEDULES),
      ).totalPaise;
      const fillId = `X-${orderId.slice(0, 8)}-${fillNo}`;
      const filled = decideOrder({ type: 'ReportFill', data: { orderId, fillId, quantity: fillQuantity, pricePaise: limitPricePaise, feesPaise, occurredAt } }, order.state);
      this.emit<OrderState, OrderEvent>(orderStream(orderId), order, evolveOrder, filled, fillMeta);
      const fill = filled[0];
      if (fill.type !== 'OrderFilled' && fill.type !== 'OrderPartiallyFilled') throw new Error(`unexpected ${fill.type}`);

      // As the settlement reactor does: position first (its realized P&L feeds the cash settlement).
      const fillKey = `${orderId}:${fillId}`;
      const positionEvents = decidePosition(
        { type: 'ApplyFill', data: { accountId, instrument: instrument.symbol, orderId, fillId: fillKey, side, quantity: fillQuantity, pricePaise: limitPricePaise, feesPaise, occurredAt } },
        position.state,
      );
      this.emit<PositionState, PositionEvent>(positionStream, position, evolvePosition, positionEvents, fillMeta);
      const realized = position.state.appliedFills.get(fillKey)?.realizedNetPaise ?? 0;
      const reserved = account.state.status === 'OPEN' ? (account.state.reservations.get(orderId) ?? 0) : 0;
      const openBefore = fill.data.remainingQuantity + fill.data.quantity;
      const share = fill.data.remainingQuantity === 0 ? reserved : Math.floor((reserved * fill.data.quantity) / openBefore);
      const settle = decideAccount(
        {
          type: 'SettleFill',
          data: {
            accountId,
            orderId,
            fillId: fillKey,
            instrument: instrument.symbol,
            side,
            quantity: fillQuantity,
            pricePaise: limitPricePaise,
            feesPaise,
            reservationToReleasePaise: share,
            realizedPnlPaise: realized,
            tradingDay: istTradingDay(occurredAt),
          },
        },
        account.state,
      );
      this.emit<AccountState, AccountEvent>(accountStream(accountId), account, evolveAccount, settle, fillMeta);
    }
    if (order.state.status !== 'FILLED') {
      const cancelledAt = clock.advance(1);
      const cancelMeta = { ...meta, occurredAt: cancelledAt };
      this.emit<OrderState, OrderEvent>(orderStream(orderId), order, evolveOrder, decideOrder({ type: 'CancelOrder', data: { orderId, reason: 'user request' } }, order.state), cancelMeta);
    }
    const release = decideAccount({ type: 'ReleaseReservation', data: { accountId, orderId, reason: `order ${order.state.status.toLowerCase()}` } }, account.state);
    this.emit<AccountState, AccountEvent>(accountStream(accountId), account, evolveAccount, release, { ...meta, occurredAt: clock.now() });
  }
}

/**
 * An account stream of exactly `length` events written with the real account decider (open, then reservations,
 * settlements and deposits), appended in calls of 100 with exact expected revisions. For the fold workload.
 */
export async function writeLongAccountStream(store: EventStore, length: number): Promise<{ accountId: string; stream: string }> {
  const accountId = randomUUID();
  const stream = accountStream(accountId);
  const at = '2026-01-05T10:00:00+05:30';
  let state: AccountState = initialAccountState;
  const events: AccountEvent[] = [];
  const take = (decided: AccountEvent[]) => {
    for (const event of decided) {
      events.push(event);
      state = evolveAccount(state, event);
    }
  };
  take(decideAccount({ type: 'OpenAccount', data: { accountId, name: 'Long history', initialCashPaise: 10_000_000_000, now: at } }, state));
  for (let i = 0; events.length < length; i += 1) {
    const orderId = randomUUID();
    take(decideAccount({ type: 'ReserveFunds', data: { accountId, orderId, amountPaise: 250_000 } }, state));
    take(
      decideAccount(
        {
          type: 'SettleFill',
          data: {
            accountId,
            orderId,
            fillId: `${orderId}:F-${i}`,
            instrument: 'RELIANCE',
            side: i % 2 === 0 ? 'BUY' : 'SELL',
            quantity: 1,
            pricePaise: 250_000,
            feesPaise: 30,
            reservationToReleasePaise: 250_000,
            realizedPnlPaise: i % 2 === 0 ? 0 : 120,
            tradingDay: '2026-01-05',
          },
        },
        state,
      ),
    );
    if (i % 5 === 4) take(decideAccount({ type: 'DepositFunds', data: { accountId, amountPaise: 100_000 } }, state));
  }
  const kept = events.slice(0, length);
  for (let from = 0; from < kept.length; from += 100) {
    const chunk = kept.slice(from, from + 100).map((event) => ({
      type: event.type,
      data: event.data,
      metadata: { eventId: randomUUID(), correlationId: randomUUID(), causationId: null, actor: 'user:bench', occurredAt: at, schemaVersion: 1 },
    }));
    await store.append(stream, chunk, { expectedRevision: from === 0 ? 'no_stream' : BigInt(from - 1) });
  }
  return { accountId, stream };
}
