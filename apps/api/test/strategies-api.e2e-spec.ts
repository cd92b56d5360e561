import { strategyStream } from '@robo/domain';
import { allEvents, engineOf, openPaperAccount, startPaperApp, streamEvents } from './paper-fixtures';
import type { TestApp } from './test-app';

// Crosses often: a 2-bar average against a 3-bar one, one-minute bars.
const FAST_MA = { instrument: 'INFY', fastPeriod: 2, slowPeriod: 3, barSeconds: 60, product: 'MIS', allowShort: true };

describe('strategies over HTTP: register, lifecycle, kill switch, access, and the runner', () => {
  let t: TestApp;
  let accountId: string;
  const register = (extra: Record<string, unknown> = {}, agent = t.api) =>
    agent.post('/api/strategies').send({ kind: 'ma-crossover', name: 'fast MA', accountId, parameters: FAST_MA, instruments: ['INFY'], capitalAllocationPaise: 5_000_000, ...extra });
  const strategyOrders = async (strategyId: string) =>
    (await allEvents(t)).filter((e) => e.type === 'OrderPlaced' && (e.data as { strategyId: string | null }).strategyId === strategyId);

  beforeAll(async () => {
    t = await startPaperApp({ MARKET_SEED: 'strategies-e2e' });
    accountId = await openPaperAccount(t);
  });
  afterAll(async () => t.close());

  it('registers, activates, changes parameters, pauses and stops, each an event on strategy-<id>', async () => {
    const created = await register();
    expect(created.status).toBe(201);
    const id = created.body.strategyId as string;
    expect(created.body.status).toBe('REGISTERED');
    expect((await t.api.post(`/api/strategies/${id}/activate`).send({})).body.status).toBe('ACTIVE');
    expect((await t.api.put(`/api/strategies/${id}/parameters`).send({ parameters: { ...FAST_MA, slowPeriod: 4 } })).status).toBe(200);
    expect((await t.api.post(`/api/strategies/${id}/pause`).send({ reason: 'lunch' })).body.status).toBe('PAUSED');
    expect((await t.api.post(`/api/strategies/${id}/stop`).send({})).body.status).toBe('STOPPED');
    const types = (await streamEvents(t, strategyStream(id))).map((e) => e.type);
    expect(types).toEqual(['StrategyRegistered', 'StrategyActivated', 'StrategyParametersChanged', 'StrategyPaused', 'StrategyStopped']);
    const read = await t.api.get(`/api/strategies/${id}`);
    expect(read.body).toMatchObject({ strategyId: id, status: 'STOPPED', parameters: { slowPeriod: 4 } });
    expect((await t.api.post(`/api/strategies/${id}/activate`).send({})).body.code).toBe('STRATEGY_STOPPED');
  });

  it('refuses bad input with a code and appends nothing', async () => {
    const before = (await allEvents(t)).length;
    const bad = [
      await register({ parameters: { instrument: 'INFY', fastPeriod: 5, slowPeriod: 3 } }),
      await register({ instruments: ['NOPE'] }),
      await register({ accountId: '00000000-0000-4000-8000-000000000000' }),
      await register({ capitalAllocationPaise: -1 }),
      await register({ parameters: 'x' }),
      await register({ extra: 1 }),
      await t.api.post('/api/strategies/not-a-uuid/activate').send({}),
      await t.api.post('/api/strategies/00000000-0000-4000-8000-000000000000/activate').send({}),
    ];
    expect(bad.map((r) => [r.status, r.body.code])).toEqual([
      [400, 'STRATEGY_PARAMETERS_INVALID'],
      [400, 'UNKNOWN_INSTRUMENT'],
      [404, 'ACCOUNT_NOT_FOUND'],
      [400, 'VALIDATION_FAILED'],
      [400, 'VALIDATION_FAILED'],
      [400, 'VALIDATION_FAILED'],
      [400, 'INVALID_ID'],
      [404, 'STRATEGY_NOT_FOUND'],
    ]);
    expect((await allEvents(t)).length).toBe(before);
  });

  it("lists only the caller's accounts; a stranger gets 404 and a viewer may read but not command", async () => {
    const registered = await register();
    const id = registered.body.strategyId as string;
    const stranger = await t.createKey('trader');
    const viewer = await t.createKey('viewer', [accountId]);
    await engineOf(t).step();
    // The reads below are of the read model: wait (minPosition) until it holds the registration.
    expect((await t.as(viewer.token).get(`/api/strategies?minPosition=${registered.body.globalPosition}`)).status).toBe(200);
    expect((await t.as(stranger.token).get(`/api/strategies/${id}`)).status).toBe(404);
    expect((await t.as(stranger.token).post(`/api/strategies/${id}/halt`).send({})).status).toBe(404);
    expect((await t.as(stranger.token).get('/api/strategies')).body.items).toEqual([]);
    expect((await t.as(viewer.token).get(`/api/strategies/${id}`)).status).toBe(200);
    expect((await t.as(viewer.token).post(`/api/strategies/${id}/halt`).send({})).status).toBe(403);
    const listed = await t.as(viewer.token).get('/api/strategies');
    expect(listed.body.items.map((s: { strategyId: string }) => s.strategyId)).toContain(id);
    expect(listed.body.items.every((s: { accountId: string }) => s.accountId === accountId)).toBe(true);
    expect((await register({}, t.as(stranger.token))).status).toBe(404);
  });

  it('an active strategy trades through the command path; a halted one places nothing', async () => {
    const active = (await register({ name: 'runs' })).body.strategyId as string;
    const halted = (await register({ name: 'halted' })).body.strategyId as string;
    for (const id of [active, halted]) expect((await t.api.post(`/api/strategies/${id}/activate`).send({})).status).toBe(200);
    expect((await t.api.post(`/api/strategies/${halted}/halt`).send({ reason: 'kill switch' })).status).toBe(200);
    await engineOf(t).runUntil('2026-11-20T11:00:00+05:30');
    const placed = await strategyOrders(active);
    expect(placed.length).toBeGreaterThan(0);
    expect(placed.every((e) => e.metadata.actor === `strategy:${active}`)).toBe(true);
    expect(await strategyOrders(halted)).toEqual([]);
    // Resumed, it trades again.
    expect((await t.api.post(`/api/strategies/${halted}/resume`).send({})).status).toBe(200);
    await engineOf(t).runUntil('2026-11-20T12:00:00+05:30');
    expect((await strategyOrders(halted)).length).toBeGreaterThan(0);
  });
});
