import { InvalidCommand, NotFound } from '../common/errors';
import type { IstDate } from '../common/types';
import raw from './data/charge-schedules.json';

/**
 * One dated set of rates. Rates are basis points of turnover (1 bp = 0.01%) and may be fractional
 * (0.345 bp); they are turned into exact fractions before use, so no float ever feeds a paise amount.
 */
export interface ChargeSchedule {
  /** First IST trading day these rates apply to (inclusive). */
  effectiveFrom: IstDate;
  note?: string;
  /** Where each group of lines comes from (the circular, act or page), as the source words it. */
  sources: Record<ChargeLine, string>;
  brokerage: {
    /** Equity delivery (CNC). */
    deliveryBp: number;
    /** Intraday equity and futures: percentBp of turnover, at most capPaise per executed order. */
    percentBp: number;
    capPaise: number;
    /** Options: a flat amount per executed order. */
    optionsFlatPaise: number;
  };
  stt: { deliveryBp: number; intradaySellBp: number; futuresSellBp: number; optionsSellBp: number };
  exchange: { equityBp: number; futuresBp: number; optionsBp: number };
  sebiBp: number;
  stamp: { deliveryBuyBp: number; intradayBuyBp: number; futuresBuyBp: number; optionsBuyBp: number };
  /** GST on brokerage + exchange + SEBI charges (1800 bp = 18%). */
  gstBp: number;
}

/** The groups of lines on a contract note; each schedule names a source for every one of them. */
export const CHARGE_LINES = ['brokerage', 'stt', 'exchange', 'sebi', 'stamp', 'gst'] as const;
export type ChargeLine = (typeof CHARGE_LINES)[number];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks a list of schedules read from configuration and returns it sorted by effectiveFrom.
 * Bad data fails loudly at start-up rather than as a wrong charge on some later trade.
 */
export function parseChargeSchedules(input: unknown): ChargeSchedule[] {
  const list = (input as { schedules?: unknown })?.schedules ?? input;
  if (!Array.isArray(list) || list.length === 0) throw invalid('a non-empty list of schedules is required');
  const schedules = list.map((item, index) => checkSchedule(item, index));
  const sorted = [...schedules].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  for (let i = 1; i < sorted.length; i += 1) {
    if (sorted[i].effectiveFrom === sorted[i - 1].effectiveFrom) throw invalid(`two schedules start on ${sorted[i].effectiveFrom}`);
  }
  return sorted;
}

/** The schedule in force on an IST trading day: the latest one whose effectiveFrom is not after it. */
export function scheduleFor(date: IstDate, schedules: readonly ChargeSchedule[]): ChargeSchedule {
  if (!ISO_DATE.test(date)) throw new InvalidCommand('DATE_INVALID', `expected an IST date YYYY-MM-DD, got ${date}`);
  let found: ChargeSchedule | undefined;
  // ISO dates compare correctly as strings.
  for (const s of schedules) if (s.effectiveFrom <= date && (!found || s.effectiveFrom > found.effectiveFrom)) found = s;
  if (!found) throw new NotFound('CHARGE_SCHEDULE_NOT_FOUND', `no charge schedule is in force on ${date}`, { date });
  return found;
}

/** The bundled schedules (libs/domain/src/charges/data/charge-schedules.json), checked once. */
export const CHARGE_SCHEDULES: readonly ChargeSchedule[] = parseChargeSchedules(raw);

function checkSchedule(item: unknown, index: number): ChargeSchedule {
  const s = item as ChargeSchedule;
  const where = `schedule ${index}`;
  if (typeof s !== 'object' || s === null || typeof s.effectiveFrom !== 'string' || !ISO_DATE.test(s.effectiveFrom)) {
    throw invalid(`${where}: effectiveFrom must be YYYY-MM-DD`);
  }
  const rates: Record<string, unknown> = {
    'brokerage.deliveryBp': s.brokerage?.deliveryBp,
    'brokerage.percentBp': s.brokerage?.percentBp,
    'stt.deliveryBp': s.stt?.deliveryBp,
    'stt.intradaySellBp': s.stt?.intradaySellBp,
    'stt.futuresSellBp': s.stt?.futuresSellBp,
    'stt.optionsSellBp': s.stt?.optionsSellBp,
    'exchange.equityBp': s.exchange?.equityBp,
    'exchange.futuresBp': s.exchange?.futuresBp,
    'exchange.optionsBp': s.exchange?.optionsBp,
    sebiBp: s.sebiBp,
    'stamp.deliveryBuyBp': s.stamp?.deliveryBuyBp,
    'stamp.intradayBuyBp': s.stamp?.intradayBuyBp,
    'stamp.futuresBuyBp': s.stamp?.futuresBuyBp,
    'stamp.optionsBuyBp': s.stamp?.optionsBuyBp,
    gstBp: s.gstBp,
  };
  for (const [name, value] of Object.entries(rates)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalid(`${where}: ${name} must be a non-negative number`);
  }
  for (const line of CHARGE_LINES) {
    const source = (s.sources as Record<string, unknown> | undefined)?.[line];
    if (typeof source !== 'string' || source.trim() === '') throw invalid(`${where} (${s.effectiveFrom}): sources.${line} must name the circular or page the figures come from`);
  }
  for (const [name, value] of Object.entries({ 'brokerage.capPaise': s.brokerage.capPaise, 'brokerage.optionsFlatPaise': s.brokerage.optionsFlatPaise })) {
    if (!Number.isSafeInteger(value) || value < 0) throw invalid(`${where}: ${name} must be a non-negative integer (paise)`);
  }
  return s;
}

function invalid(message: string): InvalidCommand {
  return new InvalidCommand('CHARGE_SCHEDULE_INVALID', message);
}
