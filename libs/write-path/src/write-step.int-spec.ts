import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type AccountCommand, type AccountEvent, type AccountState, accountStream, decideAccount, evolveAccount, initialAccountState } from '@robo/domain';
import { SqliteEventStore } from '@robo/event-store';
import { AggregateRepository, type Loaded } from './aggregate-repository';
import { derivedId, eventIdsFor } from './event-ids';
import { KeyedMutex } from './keyed-mutex';
import { rejected } from './outcome';
import { appendEvents, type StepDecision, WriteStep } from './write-step';

const NOW = '2026-11-20T10:00:00+05:30';
const ctx = { correlationId: 'write-step', causationId: null, actor: 'test' };

describe('WriteStep over the SQLite store', () => {
  let dir: string;
  let store: SqliteEventStore;
  let step: WriteStep;
  let seq = 0;
  const accountId = 'acc-1';
  const stream = accountStream(accountId);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'write-step-'));
    store = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
    step = new WriteStep(new AggregateRepository(store), store, new KeyedMutex());
    await run({ type: 'OpenAccount', data: { accountId, name: 'Step', initialCashPaise: 100_000, now: NOW } }, derivedId('open'));
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The step with the account decider, optionally running `before` inside the decision (another writer's turn). */
  function run(command: AccountCommand, idSeed: string | null, before?: () => Promise<unknown>, extra: { attempts?: number; verifyRetry?: boolean } = {}) {
    return step.run<AccountState, AccountEvent, null>({
      stream,
      evolve: evolveAccount,
      initial: initialAccountState,
      ctx,
      ...extra,
      decide: async (loaded: Loaded<AccountState>): Promise<StepDecision<AccountEvent, null>> => {
        if (before) await before();
        return appendEvents(decideAccount(command, loaded.state), NOW, idSeed, null);
      },
    });
  }

  /** Another writer appends a deposit of 1 paisa to the stream (not through the step). */
  const competitor = () =>
    store.append(
      stream,
      [{ type: 'FundsDeposited', data: { accountId, amountPaise: 1 }, metadata: { eventId: derivedId('competitor', String(++seq)), correlationId: 'other', causationId: null, actor: 'other', occurredAt: NOW, schemaVersion: 1 } }],
      { expectedRevision: 'any' },
    );

  const types = async () => (await store.readStream(stream)).map((e) => e.type);

  it('runs again from the load when another writer appended in between, and then succeeds', async () => {
    let decisions = 0;
    const outcome = await run({ type: 'WithdrawFunds', data: { accountId, amountPaise: 500 } }, derivedId('withdraw'), async () => {
      decisions += 1;
      if (decisions === 1) await competitor();
    });
    expect(decisions).toBe(2);
    expect(outcome).toMatchObject({ outcome: 'accepted', revision: 2n });
    expect(await types()).toEqual(['AccountOpened', 'FundsDeposited', 'FundsWithdrawn']);
    // The state it answers with folds the competitor's deposit too.
    expect(outcome.outcome === 'accepted' && outcome.state.status === 'OPEN' && outcome.state.cashPaise).toBe(100_000 + 1 - 500);
  });

  it('answers a rejected conflict after a bounded number of lost races, appending nothing of its own', async () => {
    let decisions = 0;
    const outcome = await run({ type: 'WithdrawFunds', data: { accountId, amountPaise: 500 } }, derivedId('withdraw'), async () => {
      decisions += 1;
      await competitor();
    }, { attempts: 3 });
    expect(decisions).toBe(3);
    expect(outcome).toEqual({ outcome: 'rejected', kind: 'conflict', code: 'VERSION_CONFLICT', message: 'the stream changed concurrently; retry the command', details: { stream } });
    expect(await types()).toEqual(['AccountOpened', 'FundsDeposited', 'FundsDeposited', 'FundsDeposited']);
  });

  it('gives the same command the same event ids, and answers its repeat as already done', async () => {
    const seed = derivedId('deposit-cmd');
    const first = await run({ type: 'DepositFunds', data: { accountId, amountPaise: 700 } }, seed);
    expect(first.outcome).toBe('accepted');
    expect(first.outcome === 'accepted' && first.events.map((e) => e.metadata.eventId)).toEqual(eventIdsFor(1, seed));
    const again = await run({ type: 'DepositFunds', data: { accountId, amountPaise: 700 } }, seed, undefined, { verifyRetry: true });
    expect(again).toMatchObject({ outcome: 'already-done', events: [], revision: 1n });
    expect(again.outcome === 'already-done' && again.globalPosition).toBe(first.outcome === 'accepted' && first.globalPosition);
    const stored = await store.readStream(stream);
    expect(stored.map((e) => e.metadata.eventId)).toEqual([eventIdsFor(1, derivedId('open'))[0], ...eventIdsFor(1, seed)]);
  });

  it('refuses the same command ids reused for another command when asked to verify retries', async () => {
    const seed = derivedId('deposit-cmd');
    await run({ type: 'DepositFunds', data: { accountId, amountPaise: 700 } }, seed);
    const other = await run({ type: 'DepositFunds', data: { accountId, amountPaise: 900 } }, seed, undefined, { verifyRetry: true });
    expect(other).toMatchObject({ outcome: 'rejected', code: 'IDEMPOTENCY_KEY_REUSED', kind: 'rule' });
    expect(await types()).toEqual(['AccountOpened', 'FundsDeposited']);
  });

  it('appends nothing when the decision refuses, by a thrown domain error or a returned rejection', async () => {
    const thrown = await run({ type: 'WithdrawFunds', data: { accountId, amountPaise: 10_000_000 } }, derivedId('too-much'));
    expect(thrown).toMatchObject({ outcome: 'rejected', kind: 'rule', code: 'INSUFFICIENT_FUNDS' });
    const returned = await step.run<AccountState, AccountEvent, null>({
      stream,
      evolve: evolveAccount,
      initial: initialAccountState,
      ctx,
      decide: () => rejected('forbidden', 'NOT_YOURS', 'not yours'),
    });
    expect(returned).toEqual({ outcome: 'rejected', kind: 'forbidden', code: 'NOT_YOURS', message: 'not yours' });
    expect(await types()).toEqual(['AccountOpened']);
  });

  it('answers a decision with nothing to append as already done, at the stream head', async () => {
    const head = (await store.readStream(stream))[0].globalPosition;
    const outcome = await run({ type: 'ResumeTrading', data: { accountId } }, derivedId('resume'));
    expect(outcome).toMatchObject({ outcome: 'already-done', events: [], revision: 0n, globalPosition: head });
  });

  it('with headOnly, decides on the initial state at the stream head, and after a lost race at the new head', async () => {
    const revisions: (bigint | null)[] = [];
    const outcome = await step.run<number, AccountEvent, null>({
      stream,
      evolve: (count) => count + 1,
      initial: 0,
      ctx,
      headOnly: true,
      decide: async (loaded) => {
        revisions.push(loaded.revision);
        expect(loaded.state).toBe(0);
        if (revisions.length === 1) await competitor();
        return appendEvents([{ type: 'FundsDeposited', data: { accountId, amountPaise: 5 } }], NOW, derivedId('head-only'), null);
      },
    });
    expect(revisions).toEqual([0n, 1n]);
    expect(outcome).toMatchObject({ outcome: 'accepted', revision: 2n });
    expect(await types()).toEqual(['AccountOpened', 'FundsDeposited', 'FundsDeposited']);
  });
});
