import { evolveAccount, initialAccountState, type AccountState } from '../account/account.state';
import { CHARGE_SCHEDULES } from '../charges/charge-schedule';
import type { Instrument } from '../instruments/instrument';
import { InstrumentCatalog } from '../instruments/instrument-catalog';
import { createMarketCalendar } from '../market/market-calendar';
import type { FillContext, FillReport, OrderCommand } from '../order/order.commands';
import { initialPositionState } from '../position/position.state';

const catalog = new InstrumentCatalog();

/** An open account with 10 crore rupees and no history: a fill's settlement check passes unless its amounts overflow. */
export const FUNDED_ACCOUNT: AccountState = evolveAccount(initialAccountState, {
  type: 'AccountOpened',
  data: { accountId: 'acc-1', name: 'fixture', initialCashPaise: 10_000_000_000, openedAt: '2026-01-01T09:15:00+05:30' },
});

/** FUNDED_ACCOUNT under another id. */
export function fundedAccount(accountId: string): AccountState {
  return FUNDED_ACCOUNT.status === 'OPEN' ? { ...FUNDED_ACCOUNT, accountId } : FUNDED_ACCOUNT;
}

/**
 * The context a fill of a test fixture is decided in: by default the clock is at the fill's own time, the instrument
 * comes from the bundled catalog, the calendar has no holidays, the position is flat and the account funded (with
 * the account id set to the one given). Tests of the checks themselves pass the part they are about.
 */
export function fixtureFillContext(fill: Pick<FillReport, 'occurredAt'>, instrument: string | Instrument, over: Partial<FillContext> & { accountId?: string } = {}): FillContext {
  const { accountId, ...rest } = over;
  // A symbol the catalog does not know is a plain equity with a 1-paisa tick.
  const found = typeof instrument === 'string' ? (catalog.get(instrument) ?? plainEquity(instrument)) : instrument;
  const account = accountId !== undefined ? fundedAccount(accountId) : FUNDED_ACCOUNT;
  return {
    now: fill.occurredAt,
    clockSkewMs: 0,
    instrument: found,
    calendar: createMarketCalendar({ holidays: [] }),
    chargeSchedules: CHARGE_SCHEDULES,
    position: initialPositionState,
    account,
    ...rest,
  };
}

/** A ReportFill command for a fixture, decided in fixtureFillContext. */
export function fixtureReportFill(data: FillReport, instrument: string | Instrument, accountId: string, over: Partial<FillContext> = {}): OrderCommand {
  return { type: 'ReportFill', data, context: fixtureFillContext(data, instrument, { accountId, ...over }) };
}

function plainEquity(symbol: string): Instrument {
  return { symbol, exchange: 'NSE', segment: 'EQ', tickSizePaise: 1, lotSize: 1, referencePricePaise: 10_000, underlying: null, expiry: null, strikePaise: null, optionType: null };
}
