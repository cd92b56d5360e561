import { deciderSpec } from '../testing/given-when-then';
import type { AccountCommand } from './account.commands';
import { decideAccount } from './account.decider';
import type { AccountEvent } from './account.events';
import { brokerOf, evolveAccount, initialAccountState } from './account.state';

const spec = deciderSpec(decideAccount, evolveAccount, initialAccountState);
const id = 'acc-1';
const opened: AccountEvent = { type: 'AccountOpened', data: { accountId: id, name: 'Main', initialCashPaise: 1_000_000, openedAt: '2026-11-20T09:00:00+05:30' } };
const choose = (broker: string): AccountCommand => ({ type: 'ChooseBroker', data: { accountId: id, broker } });
const chosen = (broker: 'paper' | 'kite'): AccountEvent => ({ type: 'BrokerChosen', data: { accountId: id, broker } });

describe('account: ChooseBroker', () => {
  it('trades through paper until another broker is chosen, and choosing the current one decides nothing', () => {
    expect(brokerOf([opened].reduce(evolveAccount, initialAccountState))).toBe('paper');
    spec.given([opened]).when(choose('kite')).then([chosen('kite')]);
    spec.given([opened]).when(choose('paper')).then([]);
    spec.given([opened, chosen('kite')]).when(choose('kite')).then([]);
    spec.given([opened, chosen('kite')]).when(choose('paper')).then([chosen('paper')]);
    expect(brokerOf([opened, chosen('kite')].reduce(evolveAccount, initialAccountState))).toBe('kite');
  });

  it('refuses an unknown broker, an account that does not exist, and a change while buying power is held for open orders', () => {
    spec.given([opened]).when(choose('upstox')).thenThrows('BROKER_UNKNOWN');
    spec.given([]).when(choose('kite')).thenThrows('ACCOUNT_NOT_FOUND');
    const reserved: AccountEvent = { type: 'FundsReserved', data: { accountId: id, orderId: 'o-1', amountPaise: 50_000 } };
    spec.given([opened, reserved]).when(choose('kite')).thenThrows('ACCOUNT_HAS_OPEN_ORDERS');
  });
});
