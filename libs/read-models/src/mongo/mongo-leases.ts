import type { LeaseState } from '../read-model-store.port';
import { assertLease } from '../support/leases';
import type { MongoConnection } from './mongo-connection';
import { isDuplicateKey } from './mongo-errors';

/* Named leases (the projector's single-writer lease) in robo_leases. */

export async function acquireLease(conn: MongoConnection, name: string, owner: string, timing: { ttlMs: number; nowMs: number }): Promise<LeaseState> {
  assertLease(name, owner, timing);
  return conn.run('acquireLease', async () => {
    const leases = conn.leases();
    const expiresAtMs = timing.nowMs + timing.ttlMs;
    try {
      // Matches only a lease that is ours or expired; when another live owner holds it, the upsert's insert
      // collides on _id, which is the answer "held elsewhere".
      await leases.updateOne({ _id: name, $or: [{ owner }, { expiresAtMs: { $lte: timing.nowMs } }] }, { $set: { owner, expiresAtMs } }, { upsert: true });
      return { held: true, owner, expiresAtMs };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const current = await leases.findOne({ _id: name });
      return { held: false, owner: current?.owner ?? '', expiresAtMs: current?.expiresAtMs ?? 0 };
    }
  });
}

export async function releaseLease(conn: MongoConnection, name: string, owner: string): Promise<void> {
  assertLease(name, owner);
  await conn.run('releaseLease', () => conn.leases().deleteOne({ _id: name, owner }));
}
