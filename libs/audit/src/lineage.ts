import { accountStream, positionStreamName } from '@robo/domain';
import { type EventEnvelope, type EventStore, recordedTime } from '@robo/event-store';
import { Slicer } from './cooperative';
import { streamPages } from './replay-stream';

/**
 * A figure of the read models, traced back to the events that produced it:
 *  - `cash`: AccountOpened (initial cash), FundsDeposited (+), FundsWithdrawn (-), CashSettled (its cash delta);
 *  - `realized:<instrument>` / `realized-gross:<instrument>`: the position events that realized P&L;
 *  - `fees:<instrument>`: the charges each position event applied;
 *  - `quantity:<instrument>`: the fills that moved the net quantity.
 * The contributions add up to the figure, so the lineage is a proof, not a guess.
 */
export type Figure = 'cash' | `realized:${string}` | `realized-gross:${string}` | `fees:${string}` | `quantity:${string}`;

export interface Contribution {
  globalPosition: number;
  stream: string;
  streamRevision: number;
  type: string;
  eventId: string;
  actor: string;
  correlationId: string;
  occurredAt: string;
  recordedAt: string;
  /** What this event added to the figure. */
  amount: number;
}

export interface Lineage {
  accountId: string;
  figure: Figure;
  /** The figure: the sum of every contribution, also those outside this page. */
  value: number;
  /** How many events contribute, on every page. */
  contributionCount: number;
  contributions: Contribution[];
  /** Where the next page of contributions starts (a stream revision), null when this page is the last. */
  nextFromRevision: number | null;
}

/** A page of contributions: those at `fromRevision` or later, at most `limit`. */
export interface LineagePage {
  fromRevision?: bigint;
  limit?: number;
}

export class UnknownFigureError extends Error {
  readonly code = 'UNKNOWN_FIGURE';
  constructor(figure: string) {
    super(`unknown figure "${figure}": use cash, realized:<instrument>, realized-gross:<instrument>, fees:<instrument> or quantity:<instrument>`);
  }
}

/** A figure of an instrument the account never traded (or of no instrument at all): not a zero, no figure of the account. */
export class FigureNotFoundError extends Error {
  readonly code = 'UNKNOWN_FIGURE';
  constructor(
    readonly figure: string,
    readonly accountId: string,
    readonly instrument: string,
  ) {
    super(`unknown lineage figure ${figure}: account ${accountId} has no position in ${instrument}`);
  }
}

/**
 * The one check, for the api and the CLI, that a figure belongs to the account: a figure of an instrument needs the
 * account's position stream in it. Throws UnknownFigureError for a malformed figure, FigureNotFoundError for an
 * instrument the account never traded.
 */
export async function assertFigureOfAccount(store: EventStore, accountId: string, figure: string): Promise<void> {
  const { instrument } = parseFigure(figure);
  if (instrument === null) return;
  if ((await store.readStream(positionStreamName(accountId, instrument), { maxCount: 1 })).length === 0) throw new FigureNotFoundError(figure, accountId, instrument);
}

type Data = Record<string, number | string>;

function cashAmount(event: EventEnvelope): number {
  const d = event.data as Data;
  switch (event.type) {
    case 'AccountOpened':
      return Number(d.initialCashPaise);
    case 'FundsDeposited':
      return Number(d.amountPaise);
    case 'FundsWithdrawn':
      return -Number(d.amountPaise);
    case 'CashSettled':
      return Number(d.cashDeltaPaise);
    default:
      return 0;
  }
}

const POSITION_EVENTS = new Set(['PositionOpened', 'PositionIncreased', 'PositionReduced', 'PositionClosed']);

function positionAmount(kind: string, event: EventEnvelope, previousQuantity: number): number {
  if (!POSITION_EVENTS.has(event.type)) return 0;
  const d = event.data as Data;
  switch (kind) {
    case 'realized':
      return Number(d.realizedNetPaise ?? 0);
    case 'realized-gross':
      return Number(d.realizedGrossPaise ?? 0);
    case 'fees':
      return Number(d.feesPaise ?? 0);
    case 'quantity':
      return Number(d.quantity) - previousQuantity;
    default:
      throw new UnknownFigureError(kind);
  }
}

export function parseFigure(figure: string): { kind: string; instrument: string | null } {
  if (figure === 'cash') return { kind: 'cash', instrument: null };
  const match = /^(realized|realized-gross|fees|quantity):(.+)$/.exec(figure);
  if (!match) throw new UnknownFigureError(figure);
  return { kind: match[1], instrument: match[2] };
}

/**
 * The figure and its contributions, read in one pass over the stream (in slices that give the event loop a turn):
 * every event counts towards the value, only the page asked for is listed (all of them without a page).
 */
export async function explainFigure(store: EventStore, accountId: string, figure: string, page: LineagePage = {}): Promise<Lineage> {
  const { kind, instrument } = parseFigure(figure);
  const stream = instrument === null ? accountStream(accountId) : positionStreamName(accountId, instrument);
  const from = page.fromRevision ?? 0n;
  const limit = page.limit ?? Number.POSITIVE_INFINITY;
  const slicer = new Slicer();
  const contributions: Contribution[] = [];
  let quantity = 0;
  let value = 0;
  let contributionCount = 0;
  let nextFromRevision: number | null = null;
  for await (const events of streamPages(store, stream, { slicer })) {
    for (const event of events) {
      const amount = kind === 'cash' ? cashAmount(event) : positionAmount(kind, event, quantity);
      if (POSITION_EVENTS.has(event.type)) quantity = Number((event.data as Data).quantity);
      if (amount === 0) continue;
      value += amount;
      contributionCount++;
      if (event.streamRevision < from || nextFromRevision !== null) continue;
      if (contributions.length >= limit) {
        nextFromRevision = Number(event.streamRevision);
        continue;
      }
      contributions.push({
        globalPosition: Number(event.globalPosition),
        stream: event.streamName,
        streamRevision: Number(event.streamRevision),
        type: event.type,
        eventId: event.metadata.eventId,
        actor: event.metadata.actor,
        correlationId: event.metadata.correlationId,
        occurredAt: event.metadata.occurredAt,
        recordedAt: recordedTime(event),
        amount,
      });
    }
    await slicer.pause();
  }
  return { accountId, figure: figure as Figure, value, contributionCount, contributions, nextFromRevision };
}
