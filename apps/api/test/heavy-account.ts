import {
  accountStream,
  decideAccount,
  decideOrder,
  decidePosition,
  evolveAccount,
  evolveOrder,
  evolvePosition,
  initialAccountState,
  initialOrderState,
  initialPositionState,
  istTradingDay,
  orderStream,
  positionStreamName,
  type AccountState,
  type OrderState,
  type PositionState,
} from '@robo/domain';
import type { EventStore, NewEvent } from '@robo/event-store';
import { fixtureReportFill } from '@robo/domain/testing/fill-context';
import { createMarketCalendar } from '@robo/domain';

/** One calendar for every fill of the fixture (the fill decision only reads it). */
const CALENDAR = createMarketCalendar({ holidays: [] });
import { randomUUID } from 'node:crypto';

const CHUNK = 500;

/**
 * Reports `fills` executions of one working order straight into the store, through the domain's own deciders
 * (order fill, position, cash settlement: what the fill command and the settlement reactor append), in chunks of
 * a few hundred events per append. Thousands of fills in a second or two instead of minutes over HTTP.
 * Every event carries `correlationId`, as if one client had sent the same correlation id on every report.
 */
export async function reportFillsDirectly(
  store: EventStore,
  orderId: string,
  fills: number,
  options: { pricePaise: number; feesPaise: number; firstAt: string; correlationId: string },
): Promise<void> {
  const fold = async <S>(stream: string, evolve: (s: S, e: never) => S, initial: S): Promise<S> => {
    let state = initial;
    for (const e of await store.readStream(stream)) state = evolve(state, { type: e.type, data: e.data } as never);
    return state;
  };
  let order = await fold<OrderState>(orderStream(orderId), evolveOrder as never, initialOrderState);
  if (order.status === 'NONE') throw new Error(`order ${orderId} does not exist`);
  const { accountId, instrument, side } = order;
  const positionStream = positionStreamName(accountId, instrument);
  let position = await fold<PositionState>(positionStream, evolvePosition as never, initialPositionState);
  let account = await fold<AccountState>(accountStream(accountId), evolveAccount as never, initialAccountState);
  const pending: Record<string, NewEvent[]> = { [orderStream(orderId)]: [], [positionStream]: [], [accountStream(accountId)]: [] };
  const record = (stream: string, events: { type: string; data: unknown }[], occurredAt: string) =>
    pending[stream].push(
      ...events.map((e) => ({
        type: e.type,
        data: e.data,
        metadata: { eventId: randomUUID(), correlationId: options.correlationId, causationId: null, actor: 'system:test-broker', occurredAt, schemaVersion: 1 },
      })),
    );
  const flush = async () => {
    for (const [stream, events] of Object.entries(pending)) {
      if (events.length > 0) await store.append(stream, events.splice(0), { expectedRevision: 'any' });
    }
  };
  // Fills are dated from firstAt, never before the order was placed (the fill decision refuses that).
  const first = Math.max(Date.parse(options.firstAt), Date.parse(order.placedAt));
  for (let i = 0; i < fills; i++) {
    const occurredAt = new Date(first + i).toISOString();
    const fillId = `bulk-${i}`;
    const orderEvents = decideOrder(fixtureReportFill({ orderId, fillId, quantity: 1, pricePaise: options.pricePaise, feesPaise: options.feesPaise, occurredAt, late: true }, instrument, accountId, { position, account, calendar: CALENDAR }), order);
    order = orderEvents.reduce(evolveOrder, order);
    record(orderStream(orderId), orderEvents, occurredAt);
    const fill = orderEvents[orderEvents.length - 1].data as { remainingQuantity: number; quantity: number };
    const fillKey = `${orderId}:${fillId}`;
    const positionEvents = decidePosition(
      { type: 'ApplyFill', data: { accountId, instrument, orderId, fillId: fillKey, side, quantity: 1, pricePaise: options.pricePaise, feesPaise: options.feesPaise, occurredAt } },
      position,
    );
    position = positionEvents.reduce(evolvePosition, position);
    record(positionStream, positionEvents, occurredAt);
    if (account.status !== 'OPEN') throw new Error('account not open');
    const held = account.reservations.get(orderId) ?? 0;
    const share = fill.remainingQuantity === 0 ? held : Math.floor((held * fill.quantity) / (fill.remainingQuantity + fill.quantity));
    const accountEvents = decideAccount(
      {
        type: 'SettleFill',
        data: {
          accountId,
          orderId,
          fillId: fillKey,
          instrument,
          side,
          quantity: 1,
          pricePaise: options.pricePaise,
          feesPaise: options.feesPaise,
          reservationToReleasePaise: share,
          realizedPnlPaise: position.appliedFills.get(fillKey)?.realizedNetPaise ?? 0,
          tradingDay: istTradingDay(occurredAt),
        },
      },
      account,
    );
    account = accountEvents.reduce(evolveAccount, account);
    record(accountStream(accountId), accountEvents, occurredAt);
    if ((i + 1) % CHUNK === 0) await flush();
  }
  await flush();
}
