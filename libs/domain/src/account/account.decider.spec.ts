import { deciderSpec } from '../testing/given-when-then';
import type { AccountCommand } from './account.commands';
import { accountDecider, decideAccount } from './account.decider';
import type { AccountEvent } from './account.events';
import { buyingPower, evolveAccount, initialAccountState, realizedOn } from './account.state';

const spec = deciderSpec(decideAccount, evolveAccount, initialAccountState);
const id = 'acc-1';
const NOW = '2026-11-20T09:00:00+05:30';

const opened = (cash = 1_000_000): AccountEvent => ({ type: 'AccountOpened', data: { accountId: id, name: 'Main', initialCashPaise: cash, openedAt: NOW } });
const reserved = (orderId: string, amountPaise: number): AccountEvent => ({ type: 'FundsReserved', data: { accountId: id, orderId, amountPaise } });
const halted: AccountEvent = { type: 'TradingHalted', data: { accountId: id, reason: 'kill switch' } };

type SettleData = Extract<AccountCommand, { type: 'SettleFill' }>['data'];
const settle = (over: Partial<SettleData> = {}): AccountCommand => ({
  type: 'SettleFill',
  data: {
    accountId: id,
    orderId: 'o-1',
    fillId: 'f-1',
    instrument: 'INFY',
    side: 'BUY',
    quantity: 10,
    pricePaise: 150_000,
    feesPaise: 300,
    reservationToReleasePaise: 1_500_000,
    realizedPnlPaise: 0,
    tradingDay: '2026-11-20',
    ...over,
  },
});
const settled = (command: AccountCommand, cashDeltaPaise: number, reservationReleasedPaise: number): AccountEvent => {
  if (command.type !== 'SettleFill') throw new Error('test helper misuse');
  const { reservationToReleasePaise: _ignored, ...rest } = command.data;
  return { type: 'CashSettled', data: { ...rest, recordedDay: rest.recordedDay ?? rest.tradingDay, cashDeltaPaise, reservationReleasedPaise } };
};

describe('account: OpenAccount', () => {
  it('opens with a trimmed name, the initial cash and no limits', () => {
    spec.given([]).when({ type: 'OpenAccount', data: { accountId: id, name: '  Main  ', initialCashPaise: 1_000_000, now: NOW } }).then([opened()]);
    spec
      .given([])
      .when({ type: 'OpenAccount', data: { accountId: id, name: 'Main', initialCashPaise: 0, now: NOW } })
      .thenState((s) => {
        expect(s.status === 'OPEN' && s.settledFills.toRecord()).toEqual({});
        expect(s.status === 'OPEN' && s.reservations.toRecord()).toEqual({});
        expect({ ...s, settledFills: undefined, reservations: undefined }).toEqual({
          status: 'OPEN',
          accountId: id,
          name: 'Main',
          cashPaise: 0,
          reservations: undefined,
          reservedPaise: 0,
          limits: { maxOrderValuePaise: null, maxPositionQuantity: null, dailyLossLimitPaise: null },
          halted: false,
          haltReason: null,
          realizedByDay: {},
          settledFills: undefined,
          openedAt: NOW,
        });
      });
  });

  it('refuses a second open', () => {
    spec.given([opened()]).when({ type: 'OpenAccount', data: { accountId: id, name: 'Again', initialCashPaise: 0, now: NOW } }).thenThrows('ACCOUNT_ALREADY_EXISTS');
  });

  it.each([[''], ['   '], ['x'.repeat(101)]])('refuses the name %j', (name) => {
    spec.given([]).when({ type: 'OpenAccount', data: { accountId: id, name, initialCashPaise: 0, now: NOW } }).thenThrows('NAME_INVALID');
  });

  it('accepts a 100-character name', () => {
    spec.given([]).when({ type: 'OpenAccount', data: { accountId: id, name: 'x'.repeat(100), initialCashPaise: 0, now: NOW } }).thenEvents((events) => {
      expect(events).toHaveLength(1);
    });
  });

  it.each([[-1], [1.5], [Number.MAX_SAFE_INTEGER + 1], [Number.NaN]])('refuses initial cash %p', (initialCashPaise) => {
    spec.given([]).when({ type: 'OpenAccount', data: { accountId: id, name: 'Main', initialCashPaise, now: NOW } }).thenThrows('AMOUNT_INVALID');
  });
});

describe('account: commands before opening', () => {
  it.each<AccountCommand>([
    { type: 'DepositFunds', data: { accountId: id, amountPaise: 100 } },
    { type: 'WithdrawFunds', data: { accountId: id, amountPaise: 100 } },
    { type: 'ReserveFunds', data: { accountId: id, orderId: 'o-1', amountPaise: 100 } },
    { type: 'ReleaseReservation', data: { accountId: id, orderId: 'o-1', reason: 'x' } },
    settle(),
    { type: 'SetRiskLimits', data: { accountId: id, maxOrderValuePaise: null, maxPositionQuantity: null, dailyLossLimitPaise: null } },
    { type: 'HaltTrading', data: { accountId: id, reason: 'x' } },
    { type: 'ResumeTrading', data: { accountId: id } },
  ])('$type on no account is ACCOUNT_NOT_FOUND', (command) => {
    spec.given([]).when(command).thenThrows('ACCOUNT_NOT_FOUND');
  });

  it('a command addressed to another account is refused', () => {
    spec.given([opened()]).when({ type: 'DepositFunds', data: { accountId: 'acc-2', amountPaise: 100 } }).thenThrows('ACCOUNT_MISMATCH');
  });
});

describe('account: deposits and withdrawals', () => {
  it('deposits add to cash', () => {
    spec
      .given([opened()])
      .when({ type: 'DepositFunds', data: { accountId: id, amountPaise: 250 } })
      .thenState((s) => {
        // 1,000,000 + 250 = 1,000,250
        expect(s.status === 'OPEN' && s.cashPaise).toBe(1_000_250);
      });
  });

  it.each([[0], [-5], [2.5]])('refuses a deposit of %p', (amountPaise) => {
    spec.given([opened()]).when({ type: 'DepositFunds', data: { accountId: id, amountPaise } }).thenThrows('AMOUNT_INVALID');
  });

  it('refuses a deposit that would take cash past the safe integer range', () => {
    spec.given([opened(Number.MAX_SAFE_INTEGER - 10)]).when({ type: 'DepositFunds', data: { accountId: id, amountPaise: 11 } }).thenThrows('AMOUNT_INVALID');
  });

  it('withdraws up to cash minus reservations', () => {
    // cash 1,000,000 - reserved 400,000 = 600,000 available
    spec.given([opened(), reserved('o-1', 400_000)]).when({ type: 'WithdrawFunds', data: { accountId: id, amountPaise: 600_000 } }).then([
      { type: 'FundsWithdrawn', data: { accountId: id, amountPaise: 600_000 } },
    ]);
    spec.given([opened(), reserved('o-1', 400_000)]).when({ type: 'WithdrawFunds', data: { accountId: id, amountPaise: 600_001 } }).thenThrows('INSUFFICIENT_FUNDS');
  });

  it.each([[0], [-1], [0.5]])('refuses a withdrawal of %p', (amountPaise) => {
    spec.given([opened()]).when({ type: 'WithdrawFunds', data: { accountId: id, amountPaise } }).thenThrows('AMOUNT_INVALID');
  });
});

describe('account: reservations', () => {
  it('reserves buying power, adding to what the order holds', () => {
    spec
      .given([opened(), reserved('o-1', 100_000)])
      .when({ type: 'ReserveFunds', data: { accountId: id, orderId: 'o-1', amountPaise: 50_000 } })
      .thenState((s) => {
        if (s.status !== 'OPEN') throw new Error('expected an open account');
        // 100,000 + 50,000 held for o-1; buying power 1,000,000 - 150,000 = 850,000
        expect(s.reservations.toRecord()).toEqual({ 'o-1': 150_000 });
        expect(s.reservedPaise).toBe(150_000);
        expect(buyingPower(s)).toBe(850_000);
      });
  });

  it('reserving zero decides nothing', () => {
    spec.given([opened()]).when({ type: 'ReserveFunds', data: { accountId: id, orderId: 'o-1', amountPaise: 0 } }).thenNothing();
  });

  it('refuses to reserve more than buying power', () => {
    // buying power = 1,000,000 - 900,000 = 100,000
    spec.given([opened(), reserved('o-1', 900_000)]).when({ type: 'ReserveFunds', data: { accountId: id, orderId: 'o-2', amountPaise: 100_000 } }).then([
      reserved('o-2', 100_000),
    ]);
    spec.given([opened(), reserved('o-1', 900_000)]).when({ type: 'ReserveFunds', data: { accountId: id, orderId: 'o-2', amountPaise: 100_001 } }).thenThrows('INSUFFICIENT_FUNDS');
  });

  it('refuses a negative or fractional reservation', () => {
    spec.given([opened()]).when({ type: 'ReserveFunds', data: { accountId: id, orderId: 'o-1', amountPaise: -1 } }).thenThrows('AMOUNT_INVALID');
    spec.given([opened()]).when({ type: 'ReserveFunds', data: { accountId: id, orderId: 'o-1', amountPaise: 1.5 } }).thenThrows('AMOUNT_INVALID');
  });

  it('releases all of an order reservation when no amount is given', () => {
    spec.given([opened(), reserved('o-1', 70_000)]).when({ type: 'ReleaseReservation', data: { accountId: id, orderId: 'o-1', reason: 'cancelled' } }).then([
      { type: 'ReservationReleased', data: { accountId: id, orderId: 'o-1', amountPaise: 70_000, reason: 'cancelled' } },
    ]);
  });

  it('releases at most what the order holds', () => {
    spec
      .given([opened(), reserved('o-1', 70_000)])
      .when({ type: 'ReleaseReservation', data: { accountId: id, orderId: 'o-1', amountPaise: 90_000, reason: 'modified' } })
      .then([{ type: 'ReservationReleased', data: { accountId: id, orderId: 'o-1', amountPaise: 70_000, reason: 'modified' } }]);
    spec
      .given([opened(), reserved('o-1', 70_000)])
      .when({ type: 'ReleaseReservation', data: { accountId: id, orderId: 'o-1', amountPaise: 20_000, reason: 'modified' } })
      .thenState((s) => {
        // 70,000 - 20,000 = 50,000 still held
        expect(s.status === 'OPEN' && s.reservations.toRecord()).toEqual({ 'o-1': 50_000 });
      });
  });

  it('releasing an order that holds nothing decides nothing (idempotent)', () => {
    const release: AccountCommand = { type: 'ReleaseReservation', data: { accountId: id, orderId: 'o-1', reason: 'expired' } };
    spec.given([opened()]).when(release).thenNothing();
    spec
      .given([opened(), reserved('o-1', 70_000), { type: 'ReservationReleased', data: { accountId: id, orderId: 'o-1', amountPaise: 70_000, reason: 'expired' } }])
      .when(release)
      .thenNothing();
  });

  it('refuses a negative release amount', () => {
    spec.given([opened(), reserved('o-1', 10)]).when({ type: 'ReleaseReservation', data: { accountId: id, orderId: 'o-1', amountPaise: -1, reason: 'x' } }).thenThrows('AMOUNT_INVALID');
  });
});

describe('account: SettleFill', () => {
  it('a buy pays value plus fees and consumes the reservation', () => {
    const command = settle();
    // cashDelta = -(10 x 150,000) - 300 = -1,500,300; reservation released min(1,500,000, 1,600,000) = 1,500,000
    spec.given([opened(2_000_000), reserved('o-1', 1_600_000)]).when(command).then([settled(command, -1_500_300, 1_500_000)]);
    spec
      .given([opened(2_000_000), reserved('o-1', 1_600_000)])
      .when(command)
      .thenState((s) => {
        if (s.status !== 'OPEN') throw new Error('expected an open account');
        // cash 2,000,000 - 1,500,300 = 499,700; held 1,600,000 - 1,500,000 = 100,000
        expect(s.cashPaise).toBe(499_700);
        expect(s.reservations.toRecord()).toEqual({ 'o-1': 100_000 });
        expect(buyingPower(s)).toBe(399_700);
      });
  });

  it('a sell receives value minus fees and books realized P&L on its trading day', () => {
    const command = settle({ side: 'SELL', fillId: 'f-2', reservationToReleasePaise: 0, realizedPnlPaise: -12_345 });
    // cashDelta = +(10 x 150,000) - 300 = 1,499,700
    spec.given([opened()]).when(command).then([settled(command, 1_499_700, 0)]);
    spec
      .given([opened(), settled(settle({ side: 'SELL', fillId: 'f-1', realizedPnlPaise: 5_000 }), 1_499_700, 0)])
      .when(command)
      .thenState((s) => {
        // realized on 2026-11-20: 5,000 + (-12,345) = -7,345
        expect(realizedOn(s, '2026-11-20')).toBe(-7_345);
        expect(realizedOn(s, '2026-11-21')).toBe(0);
      });
  });

  it('books realized P&L on the day the fill is recorded, whatever its business date (a back-dated fill counts today)', () => {
    // a losing sell dated 2020-01-01, settled on 2026-11-20
    const late = settle({ side: 'SELL', reservationToReleasePaise: 0, realizedPnlPaise: -150_000, tradingDay: '2020-01-01', recordedDay: '2026-11-20' });
    spec
      .given([opened()])
      .when(late)
      .thenState((s) => {
        expect(realizedOn(s, '2026-11-20')).toBe(-150_000);
        expect(realizedOn(s, '2020-01-01')).toBe(0);
      });
    spec.given([opened()]).when(settle({ recordedDay: '20-11-2026' })).thenThrows('TRADING_DAY_INVALID');
  });

  it('reads realized P&L of events recorded before recordedDay existed by their tradingDay', () => {
    const { recordedDay: _none, ...old } = (settled(settle({ side: 'SELL', realizedPnlPaise: -5 }), 1_499_700, 0) as Extract<AccountEvent, { type: 'CashSettled' }>).data;
    const state = [opened(), { type: 'CashSettled', data: old } as AccountEvent].reduce(evolveAccount, initialAccountState);
    expect(realizedOn(state, '2026-11-20')).toBe(-5);
  });

  it('releases only what the order still holds', () => {
    const command = settle({ reservationToReleasePaise: 1_500_000 });
    // held 400,000 < 1,500,000 asked: released 400,000
    spec.given([opened(2_000_000), reserved('o-1', 400_000)]).when(command).then([settled(command, -1_500_300, 400_000)]);
  });

  it('may take cash below zero: the fill already happened at the broker', () => {
    const command = settle({ reservationToReleasePaise: 0 });
    spec
      .given([opened(1_000_000)])
      .when(command)
      .thenState((s) => {
        // 1,000,000 - 1,500,300 = -500,300; buying power is negative too, so withdrawals and new reservations fail
        expect(s.status === 'OPEN' && s.cashPaise).toBe(-500_300);
        expect(buyingPower(s)).toBe(-500_300);
      });
    const overdrawn = [opened(1_000_000), settled(command, -1_500_300, 0)];
    spec.given(overdrawn).when({ type: 'ReserveFunds', data: { accountId: id, orderId: 'o-2', amountPaise: 1 } }).thenThrows('INSUFFICIENT_FUNDS');
    spec.given(overdrawn).when({ type: 'WithdrawFunds', data: { accountId: id, amountPaise: 1 } }).thenThrows('INSUFFICIENT_FUNDS');
  });

  it('a fill id already settled decides nothing', () => {
    const command = settle();
    spec.given([opened(2_000_000), reserved('o-1', 1_600_000), settled(command, -1_500_300, 1_500_000)]).when(command).thenNothing();
  });

  it('the same fill id from another order is a conflict, not a silent skip', () => {
    const first = settle();
    spec.given([opened(2_000_000), settled(first, -1_500_300, 0)]).when(settle({ orderId: 'o-2' })).thenThrows('FILL_ID_REUSED');
  });

  it('settles on a halted account', () => {
    const command = settle({ reservationToReleasePaise: 0 });
    spec.given([opened(2_000_000), halted]).when(command).then([settled(command, -1_500_300, 0)]);
  });

  it.each<[Partial<SettleData>, string]>([
    [{ quantity: 0 }, 'QUANTITY_INVALID'],
    [{ quantity: 2.5 }, 'QUANTITY_INVALID'],
    [{ pricePaise: 0 }, 'PRICE_INVALID'],
    [{ pricePaise: 10.5 }, 'PRICE_INVALID'],
    [{ feesPaise: -1 }, 'AMOUNT_INVALID'],
    [{ reservationToReleasePaise: -1 }, 'AMOUNT_INVALID'],
    [{ realizedPnlPaise: 0.5 }, 'AMOUNT_INVALID'],
    [{ quantity: 1_000_000_000, pricePaise: 1_000_000_000 }, 'AMOUNT_INVALID'],
    [{ tradingDay: '20-11-2026' }, 'TRADING_DAY_INVALID'],
  ])('refuses %p with %s', (over, code) => {
    spec.given([opened()]).when(settle(over)).thenThrows(code);
  });
});

describe('account: risk limits', () => {
  it('sets limits, null meaning no limit', () => {
    const data = { accountId: id, maxOrderValuePaise: 5_000_000, maxPositionQuantity: null, dailyLossLimitPaise: 100_000 };
    spec.given([opened()]).when({ type: 'SetRiskLimits', data }).then([{ type: 'RiskLimitsSet', data }]);
    spec
      .given([opened()])
      .when({ type: 'SetRiskLimits', data })
      .thenState((s) => {
        expect(s.status === 'OPEN' && s.limits).toEqual({ maxOrderValuePaise: 5_000_000, maxPositionQuantity: null, dailyLossLimitPaise: 100_000 });
      });
  });

  it.each([
    [{ maxOrderValuePaise: 0 }],
    [{ maxPositionQuantity: -1 }],
    [{ dailyLossLimitPaise: 1.5 }],
    [{ maxOrderValuePaise: Number.MAX_SAFE_INTEGER + 1 }],
  ])('refuses %p', (over) => {
    spec
      .given([opened()])
      .when({ type: 'SetRiskLimits', data: { accountId: id, maxOrderValuePaise: null, maxPositionQuantity: null, dailyLossLimitPaise: null, ...over } })
      .thenThrows('LIMIT_INVALID');
  });
});

describe('account: halt and resume', () => {
  it('halts with a trimmed reason, and resumes', () => {
    spec.given([opened()]).when({ type: 'HaltTrading', data: { accountId: id, reason: ' kill switch ' } }).then([halted]);
    spec
      .given([opened(), halted])
      .when({ type: 'ResumeTrading', data: { accountId: id } })
      .thenState((s) => {
        expect(s.status === 'OPEN' && [s.halted, s.haltReason]).toEqual([false, null]);
      });
    spec
      .given([opened()])
      .when({ type: 'HaltTrading', data: { accountId: id, reason: 'loss' } })
      .thenState((s) => {
        expect(s.status === 'OPEN' && [s.halted, s.haltReason]).toEqual([true, 'loss']);
      });
  });

  it('is idempotent', () => {
    spec.given([opened(), halted]).when({ type: 'HaltTrading', data: { accountId: id, reason: 'again' } }).thenNothing();
    spec.given([opened()]).when({ type: 'ResumeTrading', data: { accountId: id } }).thenNothing();
  });

  it('needs a reason to halt', () => {
    spec.given([opened()]).when({ type: 'HaltTrading', data: { accountId: id, reason: '  ' } }).thenThrows('REASON_REQUIRED');
  });
});

describe('account: helpers', () => {
  it('exposes the decider; views of a missing account are zero', () => {
    expect(accountDecider.initialState).toEqual({ status: 'NONE' });
    expect(accountDecider.decide({ type: 'DepositFunds', data: { accountId: id, amountPaise: 5 } }, evolveAccount(initialAccountState, opened()))).toEqual([
      { type: 'FundsDeposited', data: { accountId: id, amountPaise: 5 } },
    ]);
    expect(buyingPower(initialAccountState)).toBe(0);
    expect(realizedOn(initialAccountState, '2026-11-20')).toBe(0);
  });
});
