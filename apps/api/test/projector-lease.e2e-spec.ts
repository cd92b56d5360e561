import { LIMIT_ORDER, openAccount } from './auth-fixtures';
import { startTestApp, type TestApp } from './test-app';

interface StatusLine {
  name: string;
  standby: boolean | null;
  leaseHolder: string | null;
  running: boolean | null;
}

/** Polls `probe` until it answers (`what` happens); no deadline of its own decides the outcome, the test's timeout guards a hang. */
async function eventually<T>(_what: string, probe: () => Promise<T | null>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('two api processes with the embedded projector over the same stores', () => {
  let first: TestApp;
  let second: TestApp;
  let adminKey: string;
  let firstOpen = true;

  beforeAll(async () => {
    first = await startTestApp();
    // The same files, as a second replica on this machine would open them; the admin's API key works on both.
    second = await startTestApp({ DATA_DIR: first.dataDir });
    adminKey = first.admin.apiKey;
  }, 30_000);
  afterAll(async () => {
    if (firstOpen) await first.close();
    await second.close();
  });

  const orders = async (t: TestApp): Promise<StatusLine> => {
    const res = await t.as(adminKey).get('/api/projections');
    expect(res.status).toBe(200);
    return (res.body.projections as StatusLine[]).find((p) => p.name === 'orders')!;
  };

  it('projects in one of them while the other stands by, and the other takes over when it stops', async () => {
    const active = await eventually('the first to hold the lease', async () => {
      const line = await orders(first);
      return line.standby === false && line.leaseHolder !== null ? line : null;
    });
    const standby = await eventually('the second to see the holder', async () => {
      const line = await orders(second);
      return line.leaseHolder === active.leaseHolder ? line : null;
    });
    expect(standby).toMatchObject({ running: true, standby: true });

    // Commands through the standby replica are projected by the active one, and its reads wait for them
    // (minPosition: the standby reads the checkpoints the active one commits).
    const key = await first.createKey('trader');
    const trader = { ...key, token: key.apiKey };
    const account = await openAccount(second, trader, 'lease');
    const place = async (quantity: number) => {
      const res = await second.as(key.apiKey).post('/api/orders').send({ accountId: account, ...LIMIT_ORDER, quantity });
      expect(res.status).toBe(201);
      const seen = await second.as(key.apiKey).get(`/api/orders/${res.body.orderId}?minPosition=${res.body.globalPosition}`);
      expect(seen.status).toBe(200);
      return seen.body as { orderId: string; quantity: number; status: string };
    };
    expect(await place(5)).toMatchObject({ quantity: 5, status: 'OPEN' });
    expect((await orders(second)).standby).toBe(true);

    await first.close();
    firstOpen = false;
    const takenOver = await eventually('the second to take over', async () => {
      const line = await orders(second);
      return line.standby === false ? line : null;
    });
    expect(takenOver.leaseHolder).not.toBe(active.leaseHolder);
    expect(await place(3)).toMatchObject({ quantity: 3, status: 'OPEN' });
  }, 30_000);
});
