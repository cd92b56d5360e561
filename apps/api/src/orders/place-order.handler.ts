import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  accountStream,
  BatchDecision,
  BatchOrder,
  Conflict,
  decideAccount,
  DomainError,
  decidePlaceOrders,
  evolveAccount,
  evolveOrder,
  initialAccountState,
  initialOrderState,
  Instrument,
  NotFound,
  OrderEvent,
  OrderState,
  orderStream,
  statusOnAcceptance,
} from '@robo/domain';
import { AppendResult, EVENT_STORE, EventStore, NewEvent, WrongExpectedVersionError } from '@robo/event-store';
import { ApiError } from '../common/api-error';
import { AggregateRepository, type Loaded, recordOf, withConflictRetry } from '../write/aggregate-repository';
import { replayFirstEvent } from '../write/append-decision';
import { derivedId, eventIdsFor } from '../write/event-ids';
import { KeyedBatcher, Pending } from '../write/keyed-batcher';
import { KeyedMutex } from '../write/keyed-mutex';
import { OrderCommandResult, PlaceOrderMessage, PlaceOrderOutcome, PlaceOrderRequest } from './order-commands';
import { MarketFacts, RiskContextFactory } from './risk-context.factory';
import { assertStrategyBinding } from './strategy-binding';

interface PlaceInput {
  stream: string;
  orderSeed: string | null;
  message: PlaceOrderMessage;
}

type PendingPlace = Pending<PlaceInput, PlaceOrderOutcome>;

const MAX_BATCH = 128;

/**
 * Pre-trade check, then two appends in a fixed order:
 * 1. the reservation on the account stream, at the account's expected revision: this is what serialises
 *    buying power between concurrent orders of one account;
 * 2. the order stream (must not exist yet).
 * If 2 fails after 1, the reservation is released again; a crash between them leaves a reservation without an
 * order, which errs on the safe side (less buying power, never more).
 * Orders of one account that arrive while one is being recorded are decided together, in arrival order, and
 * recorded with one reservation append and order appends submitted together (one durable commit for the burst).
 */
@CommandHandler(PlaceOrderMessage)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrderMessage, PlaceOrderOutcome> {
  private readonly logger = new Logger(PlaceOrderHandler.name);
  private readonly batcher = new KeyedBatcher<PlaceInput, PlaceOrderOutcome>((accountId, batch) => this.placeBatch(accountId, batch), {
    maxBatch: MAX_BATCH,
    canJoin: (batch, next) => batch.every((b) => b.stream !== next.stream),
  });

  constructor(
    private readonly repository: AggregateRepository,
    private readonly risk: RiskContextFactory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly locks: KeyedMutex,
  ) {}

  /** The outcome of the command; it throws only when the system fails (a store down), never for a decision. */
  async execute(message: PlaceOrderMessage): Promise<PlaceOrderOutcome> {
    const stream = orderStream(message.request.orderId);
    const orderSeed = message.idempotent ? derivedId(stream, 'place') : null;
    try {
      await assertStrategyBinding(this.store, message.request);
      return await this.batcher.submit(message.request.accountId, { stream, orderSeed, message });
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal === null) throw error;
      return { outcome: 'refused', ...refusal, error };
    }
  }

  /** One account's orders, under its lock: they all reserve on the account stream. */
  private placeBatch(accountId: string, batch: PendingPlace[]): Promise<void> {
    return this.locks.run(accountStream(accountId), async () => {
      if (batch.length === 1) return settle(batch[0], () => this.placeOne(batch[0].input));
      const { decided, alone } = await this.decideTogether(accountId, batch);
      await Promise.all(decided.map(({ pending, decision }) => settle(pending, () => this.recordOrder(pending.input, decision))));
      for (const pending of alone) await settle(pending, () => this.placeOne(pending.input));
    });
  }

  /**
   * Decides the batch's new orders together and appends their reservations in one call. Orders that exist already
   * or whose account has a reservation for them (an earlier attempt stopped half way) go through `placeOne`.
   */
  private async decideTogether(accountId: string, batch: PendingPlace[]): Promise<{ decided: { pending: PendingPlace; decision: Recorded }[]; alone: PendingPlace[] }> {
    const failed: { pending: PendingPlace; error: unknown }[] = [];
    const attempt = async () => {
      failed.length = 0;
      const alone: PendingPlace[] = [];
      const fresh: { pending: PendingPlace; instrument: Instrument }[] = [];
      const loaded = await Promise.all(batch.map((p) => this.loadOrder(p.input)));
      const account = await this.repository.load(accountStream(accountId), evolveAccount, initialAccountState);
      batch.forEach((pending, i) => {
        const { request } = pending.input.message;
        if (loaded[i].state.status !== 'NONE' || (account.state.status === 'OPEN' && account.state.reservations.has(request.orderId))) {
          alone.push(pending);
          return;
        }
        try {
          fresh.push({ pending, instrument: this.risk.instrument(request.instrument) });
        } catch (error) {
          failed.push({ pending, error });
        }
      });
      if (account.state.status === 'NONE') {
        for (const { pending } of fresh) failed.push({ pending, error: new NotFound('ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`) });
        return { decided: [], alone };
      }
      const markets = new Map<string, Promise<MarketFacts>>();
      for (const { instrument } of fresh) {
        if (!markets.has(instrument.symbol)) markets.set(instrument.symbol, this.risk.marketFacts(accountId, instrument));
      }
      const orders: BatchOrder[] = [];
      for (const { pending, instrument } of fresh) orders.push({ request: pending.input.message.request, instrument, market: await markets.get(instrument.symbol)! });
      const { decisions, account: reservedState } = decidePlaceOrders(account.state, orders, this.risk.marketCalendar);
      const decided: { pending: PendingPlace; decision: Recorded }[] = [];
      const reservations: NewEvent[] = [];
      decisions.forEach((decision, i) => {
        const { pending } = fresh[i];
        if (!decision.ok) return failed.push({ pending, error: decision.error });
        const ids = eventIdsFor(decision.reserve.length, derivedId(pending.input.stream, 'reserve'));
        reservations.push(...decision.reserve.map((e, k) => recordOf(e, ids[k], pending.input.message.ctx, decision.now)));
        decided.push({ pending, decision: { ...decision, reserved: decision.reserve.length > 0 } });
      });
      if (reservations.length > 0) {
        const appended = await this.repository.appendRecords(accountStream(accountId), reservations, account.revision);
        // The state after the reservations is known already: the next batch need not read and fold them again.
        if (!appended.idempotent) this.repository.remember(accountStream(accountId), { state: reservedState, revision: appended.nextExpectedRevision });
      }
      return { decided, alone };
    };
    try {
      const outcome = await withConflictRetry(attempt);
      for (const { pending, error } of failed) pending.reject(error);
      return outcome;
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return { decided: [], alone: [] };
    }
  }

  /** The order stream of an order whose reservation (if any) is recorded; on a lost race it is placed again alone. */
  private async recordOrder(input: PlaceInput, decision: Recorded): Promise<PlaceOrderOutcome> {
    try {
      return await this.appendOrder(input, decision);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return this.placeOne(input);
      throw error;
    }
  }

  /** Appends the order stream; when that fails after a reservation was recorded, the reservation is released again. */
  private async appendOrder({ stream, orderSeed, message: { request, ctx } }: PlaceInput, decision: Recorded): Promise<PlaceOrderOutcome> {
    try {
      const result = await this.repository.append(stream, decision.events, null, ctx, { occurredAt: decision.now, idSeed: orderSeed });
      return answer(request, decision.events, result);
    } catch (error) {
      if (decision.reserved) await this.releaseAfterFailure(request.accountId, request.orderId, ctx, decision.now);
      throw error;
    }
  }

  /** One order on its own: the same decision as in a batch (of one), its reservation, then its order stream. */
  private placeOne(input: PlaceInput): Promise<PlaceOrderOutcome> {
    const { stream, orderSeed, message } = input;
    const { request, ctx } = message;
    return withConflictRetry(async () => {
      const instrument = this.risk.instrument(request.instrument);
      const order = await this.loadOrder(input);
      if (order.state.status !== 'NONE') return this.existing(stream, orderSeed, request, order.state.status);

      const accountName = accountStream(request.accountId);
      const account = await this.repository.load(accountName, evolveAccount, initialAccountState);
      if (account.state.status === 'NONE') throw new NotFound('ACCOUNT_NOT_FOUND', `account ${request.accountId} does not exist`);
      const market = await this.risk.marketFacts(request.accountId, instrument);
      const { decisions, account: reservedState } = decidePlaceOrders(account.state, [{ request, instrument, market }], this.risk.marketCalendar);
      const decision = decisions[0];
      if (!decision.ok) throw decision.error;

      const reserved = decision.reserve.length > 0;
      if (reserved) {
        const appended = await this.repository.append(accountName, decision.reserve, account.revision, ctx, { occurredAt: decision.now, idSeed: derivedId(stream, 'reserve') });
        if (!appended.idempotent) this.repository.remember(accountName, { state: reservedState, revision: appended.nextExpectedRevision });
      }
      return this.appendOrder(input, { ...decision, reserved });
    });
  }

  /**
   * The order's state before placing it: read from its stream, except for an id generated for this request, whose
   * stream cannot exist (its append expects no stream all the same). Not caching such empty states also keeps the
   * repository's cache for the accounts and positions that are read again.
   */
  private loadOrder({ stream, message }: PlaceInput): Promise<Loaded<OrderState>> {
    if (message.generatedId) return Promise.resolve({ state: initialOrderState, revision: null });
    return this.repository.load(stream, evolveOrder, initialOrderState);
  }

  /** The order id exists: a retry with the same Idempotency-Key gets the first answer, anything else a conflict. */
  private async existing(stream: string, seed: string | null, request: PlaceOrderMessage['request'], status: string): Promise<PlaceOrderOutcome> {
    if (seed === null) {
      throw new Conflict('ORDER_ALREADY_EXISTS', 'an order with this id (or clientOrderId) already exists', { orderId: request.orderId });
    }
    const { orderType, ...rest } = request;
    const first = await replayFirstEvent(this.store, stream, seed, { ...rest, orderType });
    const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    if (status === 'REJECTED') {
      const reason = (await this.store.readStream(stream, { fromRevision: 1n, maxCount: 1 }))[0]?.data as { reasonCode: string; reason: string };
      return { outcome: 'rejected', code: reason.reasonCode, reason: reason.reason, orderId: request.orderId, details: { orderId: request.orderId, status, ...first } };
    }
    return { outcome: 'already-done', result: { orderId: request.orderId, status, streamRevision: Number(last.streamRevision), globalPosition: Number(last.globalPosition) } };
  }

  private async releaseAfterFailure(accountId: string, orderId: string, ctx: PlaceOrderMessage['ctx'], now: string): Promise<void> {
    try {
      await withConflictRetry(async () => {
        const account = await this.repository.load(accountStream(accountId), evolveAccount, initialAccountState);
        const events = decideAccount({ type: 'ReleaseReservation', data: { accountId, orderId, reason: 'order not recorded' } }, account.state);
        if (events.length > 0) {
          await this.repository.append(accountStream(accountId), events, account.revision, ctx, { occurredAt: now, idSeed: derivedId(orderStream(orderId), 'unreserve') });
        }
      });
    } catch (error) {
      this.logger.warn({ err: error, accountId, orderId }, 'could not release the reservation of an order that was not recorded');
    }
  }
}

type Recorded = Extract<BatchDecision, { ok: true }> & { reserved: boolean };

async function settle<R>(pending: Pending<unknown, R>, work: () => Promise<R>): Promise<void> {
  try {
    pending.resolve(await work());
  } catch (error) {
    pending.reject(error);
  }
}

/** A recorded rejection is an outcome with its reason code (the audit trail shows why), not an error. */
function answer(request: PlaceOrderRequest, events: readonly OrderEvent[], result: AppendResult): PlaceOrderOutcome {
  const rejected = events.find((e): e is Extract<OrderEvent, { type: 'OrderRejected' }> => e.type === 'OrderRejected');
  const position = Number(result.lastGlobalPosition);
  const streamRevision = Number(result.nextExpectedRevision);
  if (rejected) {
    const { reasonCode: code, reason } = rejected.data;
    return { outcome: 'rejected', code, reason, orderId: request.orderId, details: { orderId: request.orderId, status: 'REJECTED', streamRevision, globalPosition: position } };
  }
  // An append the store reports as idempotent is a retry of the same decision (the ids are derived from the request).
  const placed: OrderCommandResult = { orderId: request.orderId, status: statusOnAcceptance(request.orderType), streamRevision, globalPosition: position };
  return { outcome: result.idempotent ? 'already-done' : 'accepted', result: placed };
}

/** A refused command (invalid, unknown or conflicting input; nothing appended), or null for a failure of the system. */
function refusalOf(error: unknown): { code: string; message: string; orderId: string | null } | null {
  const orderIdOf = (details: unknown) => {
    const id = (details as { orderId?: unknown } | undefined)?.orderId;
    return typeof id === 'string' ? id : null;
  };
  if (error instanceof DomainError) return { code: error.code, message: error.message, orderId: orderIdOf(error.details) };
  if (error instanceof ApiError && error.status < 500) return { code: error.code, message: error.message, orderId: orderIdOf(error.details) };
  return null;
}
