import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  AccountEvent,
  AccountState,
  accountStream,
  BatchDecision,
  BatchOrder,
  Conflict,
  decideAccount,
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
import { EVENT_STORE, EventStore, NewEvent } from '@robo/event-store';
import { type Loaded, recordOf, replayFirstEvent, derivedId, eventIdsFor, KeyedBatcher, Pending, KeyedMutex, type Rejected, rejectionOf, appendEvents, nothingToDo, type StepDone, WriteStep } from '@robo/write-path';
import { OrderCommandResult, PlaceOrderMessage, PlaceOrderOutcome, PlaceOrderRejected, PlaceOrderRequest } from './order-commands';
import { MarketFacts, RiskContextFactory } from './risk-context.factory';
import { assertStrategyBinding } from './strategy-binding';

interface PlaceInput {
  stream: string;
  orderSeed: string | null;
  message: PlaceOrderMessage;
}

type PendingPlace = Pending<PlaceInput, PlaceOrderOutcome>;
type Decided = Extract<BatchDecision, { ok: true }>;

const MAX_BATCH = 128;

/**
 * Event ids of a reservation (or release) for an order: derived from the order and the account revision it was
 * decided at, so the same decision retried gives the same ids, and a later one (the order placed again after its
 * reservation was given back) gives new ones instead of being taken for a retry of the first.
 */
export const reservationSeed = (orderStreamName: string, effect: 'reserve' | 'unreserve', accountRevision: bigint | null): string =>
  derivedId(orderStreamName, effect, String(accountRevision ?? -1n));

/**
 * Pre-trade check, then two write steps in a fixed order:
 * 1. the reservation on the account stream, at the account's expected revision: this is what serialises
 *    buying power between concurrent orders of one account;
 * 2. the order stream (must not exist yet).
 * If 2 fails after 1, the reservation is released again; a crash between them leaves a reservation without an
 * order, which errs on the safe side (less buying power, never more), and which placing the order again counts as
 * the order's own.
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
    private readonly step: WriteStep,
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
    } catch (error) {
      return refusal(error);
    }
    return this.batcher.submit(message.request.accountId, { stream, orderSeed, message });
  }

  /** One account's orders, under its lock: they all reserve on the account stream. */
  private placeBatch(accountId: string, batch: PendingPlace[]): Promise<void> {
    return this.locks.run(accountStream(accountId), async () => {
      if (batch.length === 1) return resolvePending(batch[0], () => this.placeOne(batch[0].input));
      const { decided, alone } = await this.decideTogether(accountId, batch);
      await Promise.all(decided.map(({ pending, decision }) => resolvePending(pending, () => this.recordOrder(pending.input, decision))));
      for (const pending of alone) await resolvePending(pending, () => this.placeOne(pending.input));
    });
  }

  /**
   * Decides the batch's new orders together and appends their reservations in one write step. Orders that exist
   * already or whose account has a reservation for them (an earlier attempt stopped half way) go through `placeOne`.
   */
  private async decideTogether(accountId: string, batch: PendingPlace[]): Promise<{ decided: { pending: PendingPlace; decision: Decided }[]; alone: PendingPlace[] }> {
    const stepped = await this.step.run<AccountState, AccountEvent, Together>({
      stream: accountStream(accountId),
      evolve: evolveAccount,
      initial: initialAccountState,
      ctx: batch[0].input.message.ctx,
      headPosition: false,
      decide: async (account) => {
        const together: Together = { decided: [], alone: [], failed: [] };
        const fresh: { pending: PendingPlace; instrument: Instrument }[] = [];
        const loaded = await Promise.all(batch.map((p) => this.loadOrder(p.input)));
        batch.forEach((pending, i) => {
          const { request } = pending.input.message;
          if (loaded[i].state.status !== 'NONE' || (account.state.status === 'OPEN' && account.state.reservations.has(request.orderId))) {
            together.alone.push(pending);
            return;
          }
          try {
            fresh.push({ pending, instrument: this.risk.instrument(request.instrument) });
          } catch (error) {
            together.failed.push({ pending, error });
          }
        });
        if (account.state.status === 'NONE') {
          for (const { pending } of fresh) together.failed.push({ pending, error: accountNotFound(accountId) });
          return nothingToDo(together);
        }
        const markets = new Map<string, Promise<MarketFacts>>();
        for (const { instrument } of fresh) {
          if (!markets.has(instrument.symbol)) markets.set(instrument.symbol, this.risk.marketFacts(accountId, instrument));
        }
        const orders: BatchOrder[] = [];
        for (const { pending, instrument } of fresh) orders.push({ request: pending.input.message.request, instrument, market: await markets.get(instrument.symbol)! });
        const { decisions } = decidePlaceOrders(account.state, orders, this.risk.marketCalendar);
        const records: NewEvent[] = [];
        decisions.forEach((decision, i) => {
          const { pending } = fresh[i];
          if (!decision.ok) return together.failed.push({ pending, error: decision.error });
          const ids = eventIdsFor(decision.reserve.length, reservationSeed(pending.input.stream, 'reserve', account.revision));
          records.push(...decision.reserve.map((e, k) => recordOf(e, ids[k], pending.input.message.ctx, decision.now)));
          together.decided.push({ pending, decision });
        });
        return records.length > 0 ? { step: 'append-records', records, value: together } : nothingToDo(together);
      },
    });
    if (stepped.outcome === 'rejected') {
      for (const pending of batch) pending.resolve(placeRefusal(stepped));
      return { decided: [], alone: [] };
    }
    for (const { pending, error } of stepped.value.failed) {
      const refused = rejectionOf(error);
      if (refused === null) pending.reject(error);
      else pending.resolve(placeRefusal(refused));
    }
    return { decided: stepped.value.decided, alone: stepped.value.alone };
  }

  /** One order on its own: the same decision as in a batch (of one), its reservation, then its order stream. */
  private async placeOne(input: PlaceInput): Promise<PlaceOrderOutcome> {
    const { stream, orderSeed, message } = input;
    const { request, ctx } = message;
    let instrument: Instrument;
    try {
      instrument = this.risk.instrument(request.instrument);
    } catch (error) {
      return refusal(error);
    }
    const order = await this.loadOrder(input);
    if (order.state.status !== 'NONE') return this.existingOrderOutcome(stream, orderSeed, request, order.state.status);

    const reserved = await this.step.run<AccountState, AccountEvent, Decided>({
      stream: accountStream(request.accountId),
      evolve: evolveAccount,
      initial: initialAccountState,
      ctx,
      headPosition: false,
      decide: async (account) => {
        if (account.state.status === 'NONE') throw accountNotFound(request.accountId);
        const market = await this.risk.marketFacts(request.accountId, instrument);
        const [decision] = decidePlaceOrders(account.state, [{ request, instrument, market }], this.risk.marketCalendar).decisions;
        if (!decision.ok) throw decision.error;
        return appendEvents(decision.reserve, decision.now, reservationSeed(stream, 'reserve', account.revision), decision);
      },
    });
    if (reserved.outcome === 'rejected') return placeRefusal(reserved);
    return this.recordOrder(input, reserved.value);
  }

  /**
   * The order stream of an order whose reservation (if any) is recorded. When it cannot be recorded, the
   * reservation is given back: the order exists already (a lost race: its answer is that order's), or the store failed.
   */
  private async recordOrder(input: PlaceInput, decision: Decided): Promise<PlaceOrderOutcome> {
    const { stream, orderSeed, message } = input;
    const { request, ctx } = message;
    let recorded: StepDone<OrderState, 'recorded' | 'exists'> | Rejected;
    try {
      recorded = await this.step.run<OrderState, OrderEvent, 'recorded' | 'exists'>({
        stream,
        evolve: evolveOrder,
        initial: initialOrderState,
        ctx,
        headPosition: false,
        cache: false,
        // An id generated for this request names no stream yet: the first round does not read it.
        known: message.generatedId ? { state: initialOrderState, revision: null } : undefined,
        decide: (order) => (order.state.status !== 'NONE' ? nothingToDo('exists') : appendEvents(decision.events, decision.now, orderSeed, 'recorded')),
      });
    } catch (error) {
      await this.releaseAfterFailure(request.accountId, request.orderId, ctx, decision.now);
      throw error;
    }
    if (recorded.outcome !== 'rejected' && recorded.value === 'exists') {
      await this.releaseAfterFailure(request.accountId, request.orderId, ctx, decision.now);
      const order = await this.loadOrder({ ...input, message: { ...message, generatedId: false } as PlaceOrderMessage });
      return this.existingOrderOutcome(stream, orderSeed, request, order.state.status);
    }
    if (recorded.outcome === 'rejected') {
      await this.releaseAfterFailure(request.accountId, request.orderId, ctx, decision.now);
      return placeRefusal(recorded);
    }
    return recordedOutcome(request, decision.events, recorded);
  }

  /**
   * The order's state before placing it: read from its stream, except for an id generated for this request, whose
   * stream cannot exist (its append expects no stream all the same). Not caching such empty states also keeps the
   * repository's cache for the accounts and positions that are read again.
   */
  private loadOrder({ stream, message }: PlaceInput): Promise<Loaded<OrderState>> {
    if (message.generatedId) return Promise.resolve({ state: initialOrderState, revision: null });
    return this.step.load(stream, evolveOrder, initialOrderState);
  }

  /** The order id exists: a retry with the same Idempotency-Key gets the first answer, anything else a conflict. */
  private async existingOrderOutcome(stream: string, seed: string | null, request: PlaceOrderRequest, status: string): Promise<PlaceOrderOutcome> {
    if (seed === null) {
      return refusal(new Conflict('ORDER_ALREADY_EXISTS', 'an order with this id (or clientOrderId) already exists', { orderId: request.orderId }));
    }
    const { orderType, ...rest } = request;
    const first = await replayFirstEvent(this.store, stream, seed, { ...rest, orderType });
    if ('outcome' in first) return placeRefusal(first);
    const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    if (status === 'REJECTED') {
      const reason = (await this.store.readStream(stream, { fromRevision: 1n, maxCount: 1 }))[0]?.data as { reasonCode: string; reason: string };
      return recordedRejection(request, reason.reasonCode, reason.reason, { orderId: request.orderId, status, ...first });
    }
    return { outcome: 'already-done', result: { orderId: request.orderId, status, streamRevision: Number(last.streamRevision), globalPosition: Number(last.globalPosition) } };
  }

  /** Gives back what the account holds for an order that was not recorded (nothing when it holds nothing). */
  private async releaseAfterFailure(accountId: string, orderId: string, ctx: PlaceOrderMessage['ctx'], now: string): Promise<void> {
    try {
      const released = await this.step.run<AccountState, AccountEvent, null>({
        stream: accountStream(accountId),
        evolve: evolveAccount,
        initial: initialAccountState,
        ctx,
        headPosition: false,
        decide: (account) =>
          appendEvents(
            decideAccount({ type: 'ReleaseReservation', data: { accountId, orderId, reason: 'order not recorded' } }, account.state),
            now,
            reservationSeed(orderStream(orderId), 'unreserve', account.revision),
            null,
          ),
      });
      if (released.outcome === 'rejected') this.logger.warn({ accountId, orderId, code: released.code }, 'could not release the reservation of an order that was not recorded');
    } catch (error) {
      this.logger.warn({ err: error, accountId, orderId }, 'could not release the reservation of an order that was not recorded');
    }
  }
}

interface Together {
  decided: { pending: PendingPlace; decision: Decided }[];
  alone: PendingPlace[];
  failed: { pending: PendingPlace; error: unknown }[];
}

const accountNotFound = (accountId: string) => new NotFound('ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`);

/** Runs `work` for a waiting caller and resolves its promise with the outcome (or rejects it with the failure). */
async function resolvePending<R>(pending: Pending<unknown, R>, work: () => Promise<R>): Promise<void> {
  try {
    pending.resolve(await work());
  } catch (error) {
    pending.reject(error);
  }
}

/** A recorded rejection is an outcome with its reason code (the audit trail shows why), not an error. */
function recordedRejection(request: PlaceOrderRequest, code: string, reason: string, details: Record<string, unknown>): PlaceOrderRejected {
  return { outcome: 'rejected', kind: 'rule', code, message: reason, details, orderId: request.orderId, recorded: true };
}

/** The outcome of an order whose stream was just written: placed (or a retry of the same placement), or rejected by the risk checks. */
function recordedOutcome(request: PlaceOrderRequest, events: readonly OrderEvent[], result: StepDone<OrderState, unknown>): PlaceOrderOutcome {
  const rejected = events.find((e): e is Extract<OrderEvent, { type: 'OrderRejected' }> => e.type === 'OrderRejected');
  const position = Number(result.globalPosition);
  const streamRevision = Number(result.revision);
  if (rejected) {
    const { reasonCode, reason } = rejected.data;
    return recordedRejection(request, reasonCode, reason, { orderId: request.orderId, status: 'REJECTED', streamRevision, globalPosition: position });
  }
  // An append the store reports as a retry is a retry of the same decision (the ids are derived from the request).
  const placed: OrderCommandResult = { orderId: request.orderId, status: statusOnAcceptance(request.orderType), streamRevision, globalPosition: position };
  return { outcome: result.outcome, result: placed };
}

/** A refusal (nothing appended) with the order it concerns. */
function placeRefusal(refused: Rejected): PlaceOrderRejected {
  const id = refused.details?.orderId;
  return { ...refused, orderId: typeof id === 'string' ? id : null, recorded: false };
}

/** A refusal raised as a DomainError; anything else is a failure of the system and is thrown on. */
function refusal(error: unknown): PlaceOrderRejected {
  const refused = rejectionOf(error);
  if (refused === null) throw error;
  return placeRefusal(refused);
}
