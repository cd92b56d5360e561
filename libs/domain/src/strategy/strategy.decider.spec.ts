import { deciderSpec } from '../testing/given-when-then';
import type { StrategyCommand } from './strategy.commands';
import { decideStrategy, strategyDecider } from './strategy.decider';
import type { StrategyEvent } from './strategy.events';
import { canPlaceOrders, evolveStrategy, initialStrategyState, orderBlockReason, type StrategyState } from './strategy.state';

const spec = deciderSpec(decideStrategy, evolveStrategy, initialStrategyState);
const id = 'str-1';
const acc = 'acc-1';
const T0 = '2026-11-20T09:20:00+05:30';
const T1 = '2026-11-20T09:30:00+05:30';
const params = { fastPeriod: 5, slowPeriod: 20, instrument: 'INFY' };

type RegisterData = Extract<StrategyCommand, { type: 'RegisterStrategy' }>['data'];
const register = (over: Partial<RegisterData> = {}): StrategyCommand => ({
  type: 'RegisterStrategy',
  data: {
    strategyId: id,
    accountId: acc,
    kind: 'ma-crossover',
    name: 'INFY 5/20',
    parameters: params,
    instruments: ['INFY'],
    capitalAllocationPaise: 10_000_000,
    now: T0,
    ...over,
  },
});
const registered: StrategyEvent = {
  type: 'StrategyRegistered',
  data: { strategyId: id, accountId: acc, kind: 'ma-crossover', name: 'INFY 5/20', parameters: params, instruments: ['INFY'], capitalAllocationPaise: 10_000_000, registeredAt: T0 },
};
const activated: StrategyEvent = { type: 'StrategyActivated', data: { strategyId: id, accountId: acc, at: T0 } };
const paused: StrategyEvent = { type: 'StrategyPaused', data: { strategyId: id, accountId: acc, reason: 'lunch', at: T1 } };
const stopped: StrategyEvent = { type: 'StrategyStopped', data: { strategyId: id, accountId: acc, reason: 'retired', at: T1 } };
const halted: StrategyEvent = { type: 'StrategyHalted', data: { strategyId: id, accountId: acc, reason: 'runaway', at: T1 } };

const activate: StrategyCommand = { type: 'ActivateStrategy', data: { strategyId: id, now: T1 } };
const pause = (reason?: string): StrategyCommand => ({ type: 'PauseStrategy', data: { strategyId: id, reason, now: T1 } });
const stop: StrategyCommand = { type: 'StopStrategy', data: { strategyId: id, reason: 'retired', now: T1 } };
const halt: StrategyCommand = { type: 'HaltStrategy', data: { strategyId: id, reason: 'runaway', now: T1 } };
const resume: StrategyCommand = { type: 'ResumeStrategy', data: { strategyId: id, now: T1 } };
const change = (parameters: Record<string, unknown>): StrategyCommand =>
  ({ type: 'ChangeParameters', data: { strategyId: id, parameters, now: T1 } }) as StrategyCommand;
const after = (events: StrategyEvent[]): StrategyState => events.reduce(evolveStrategy, initialStrategyState);

describe('strategy: RegisterStrategy', () => {
  it('registers with trimmed name and instruments, in REGISTERED status, not allowed to trade yet', () => {
    spec.given([]).when(register({ name: '  INFY 5/20 ', instruments: [' INFY'] })).then([registered]);
    spec
      .given([])
      .when(register())
      .thenState((s) => {
        expect(s).toMatchObject({ status: 'REGISTERED', parametersVersion: 1, halted: false, registeredAt: T0, statusChangedAt: T0 });
        expect(canPlaceOrders(s)).toBe(false);
        expect(orderBlockReason(s)).toBe('STRATEGY_NOT_ACTIVE');
      });
  });

  it('accepts a kind written later (any lowercase slug)', () => {
    spec.given([]).when(register({ kind: 'iron-condor-v2' })).thenEvents(([e]) => expect(e.data).toMatchObject({ kind: 'iron-condor-v2' }));
  });

  it('refuses a second registration of the same id', () => {
    spec.given([registered]).when(register()).thenThrows('STRATEGY_ALREADY_EXISTS');
  });

  it.each<[string, Partial<RegisterData>, string]>([
    ['an id with a space', { strategyId: 'a b' }, 'INVALID_ID'],
    ['an empty account id', { accountId: '' }, 'INVALID_ID'],
    ['an upper-case kind', { kind: 'MA' }, 'STRATEGY_KIND_INVALID'],
    ['a blank name', { name: '   ' }, 'STRATEGY_NAME_INVALID'],
    ['no instruments', { instruments: [] }, 'STRATEGY_INSTRUMENTS_INVALID'],
    ['a repeated instrument', { instruments: ['INFY', 'INFY'] }, 'STRATEGY_INSTRUMENTS_INVALID'],
    ['zero capital', { capitalAllocationPaise: 0 }, 'CAPITAL_ALLOCATION_INVALID'],
    ['fractional capital', { capitalAllocationPaise: 10.5 }, 'CAPITAL_ALLOCATION_INVALID'],
    ['parameters that are an array', { parameters: [] as unknown as RegisterData['parameters'] }, 'STRATEGY_PARAMETERS_INVALID'],
    ['a non-finite parameter', { parameters: { x: Number.POSITIVE_INFINITY } }, 'STRATEGY_PARAMETERS_INVALID'],
    ['a time without offset', { now: '2026-11-20T09:20:00' }, 'INVALID_TIME'],
  ])('refuses %s', (_label, over, code) => {
    spec.given([]).when(register(over)).thenThrows(code);
  });
});

describe('strategy: status changes', () => {
  it('activates a registered strategy, which may then place orders', () => {
    spec.given([registered]).when(activate).then([{ type: 'StrategyActivated', data: { strategyId: id, accountId: acc, at: T1 } }]);
    spec.given([registered]).when(activate).thenState((s) => {
      expect(s).toMatchObject({ status: 'ACTIVE', statusChangedAt: T1 });
      expect(canPlaceOrders(s)).toBe(true);
    });
  });

  it('pauses an active strategy and activates it again', () => {
    spec.given([registered, activated]).when(pause('lunch')).then([paused]);
    spec.given([registered, activated]).when(pause()).thenEvents(([e]) => expect(e.data).toMatchObject({ reason: 'paused' }));
    spec.given([registered, activated, paused]).when(activate).thenState((s) => expect(canPlaceOrders(s)).toBe(true));
    expect(orderBlockReason(after([registered, activated, paused]))).toBe('STRATEGY_NOT_ACTIVE');
  });

  it('a registered strategy cannot pause', () => {
    spec.given([registered]).when(pause()).thenThrows('STRATEGY_NOT_ACTIVE');
  });

  it('repeating a change already in effect decides nothing', () => {
    spec.given([registered, activated]).when(activate).thenNothing();
    spec.given([registered, activated, paused]).when(pause()).thenNothing();
    spec.given([registered, stopped]).when(stop).thenNothing();
  });

  it('stop is final: nothing but stop and halt is accepted afterwards', () => {
    spec.given([registered, activated]).when(stop).then([stopped]);
    spec.given([registered, activated]).when(stop).thenState((s) => {
      expect(s).toMatchObject({ status: 'STOPPED', stopReason: 'retired' });
      expect(orderBlockReason(s)).toBe('STRATEGY_STOPPED');
    });
    for (const command of [activate, pause(), resume, change({ fastPeriod: 3 })]) {
      spec.given([registered, activated, stopped]).when(command).thenThrows('STRATEGY_STOPPED');
    }
    spec.given([registered, activated, stopped]).when(halt).thenNothing();
  });

  it('a stop needs a reason', () => {
    spec.given([registered]).when({ type: 'StopStrategy', data: { strategyId: id, reason: ' ', now: T1 } }).thenThrows('REASON_REQUIRED');
  });

  it('commands for an unknown strategy are not found; a mismatched id is a wiring error', () => {
    spec.given([]).when(activate).thenThrows('STRATEGY_NOT_FOUND');
    spec.given([registered]).when({ type: 'ActivateStrategy', data: { strategyId: 'other', now: T1 } }).thenThrows('STRATEGY_MISMATCH');
    expect(orderBlockReason(initialStrategyState)).toBe('STRATEGY_NOT_FOUND');
  });
});

describe('strategy: parameters', () => {
  it('records the new and the previous parameters and counts the version', () => {
    const next = { fastPeriod: 8, slowPeriod: 21, instrument: 'INFY' };
    spec
      .given([registered, activated])
      .when(change(next))
      .then([{ type: 'StrategyParametersChanged', data: { strategyId: id, accountId: acc, parameters: next, previous: params, at: T1 } }]);
    spec.given([registered, activated]).when(change(next)).thenState((s) => expect(s).toMatchObject({ parameters: next, parametersVersion: 2, status: 'ACTIVE' }));
  });

  it('the same parameters in another key order change nothing', () => {
    spec.given([registered]).when(change({ instrument: 'INFY', slowPeriod: 20, fastPeriod: 5 })).thenNothing();
  });

  it('refuses values JSON cannot carry', () => {
    spec.given([registered]).when(change({ f: () => 1 })).thenThrows('STRATEGY_PARAMETERS_INVALID');
    spec.given([registered]).when(change({ big: 'x'.repeat(20_000) })).thenThrows('STRATEGY_PARAMETERS_INVALID');
  });
});

describe('strategy: kill switch', () => {
  it('halts at once, whatever the status, and blocks orders until resumed', () => {
    spec.given([registered, activated]).when(halt).then([halted]);
    spec.given([registered, activated]).when(halt).thenState((s) => {
      expect(s).toMatchObject({ status: 'ACTIVE', halted: true, haltReason: 'runaway' });
      expect(canPlaceOrders(s)).toBe(false);
      expect(orderBlockReason(s)).toBe('STRATEGY_HALTED');
    });
    spec.given([registered]).when(halt).then([halted]);
    spec.given([registered, activated, halted]).when(resume).thenState((s) => expect(canPlaceOrders(s)).toBe(true));
  });

  it('a halted strategy that is paused and activated again stays blocked until resumed', () => {
    const state = after([registered, activated, halted, paused, activated]);
    expect(orderBlockReason(state)).toBe('STRATEGY_HALTED');
    expect(orderBlockReason(after([registered, activated, halted, paused]))).toBe('STRATEGY_HALTED');
  });

  it('halting twice or resuming a running strategy decides nothing; a halt needs a reason', () => {
    spec.given([registered, activated, halted]).when(halt).thenNothing();
    spec.given([registered, activated]).when(resume).thenNothing();
    spec.given([registered]).when({ type: 'HaltStrategy', data: { strategyId: id, reason: '', now: T1 } }).thenThrows('REASON_REQUIRED');
  });
});

describe('strategy: decider value', () => {
  it('exposes decide, evolve and the initial state', () => {
    expect(strategyDecider.initialState).toBe(initialStrategyState);
    expect(strategyDecider.decide(register(), strategyDecider.initialState).map((e) => e.type)).toEqual(['StrategyRegistered']);
  });

  it('replay ignores events before registration', () => {
    expect(evolveStrategy(initialStrategyState, activated)).toBe(initialStrategyState);
  });
});
