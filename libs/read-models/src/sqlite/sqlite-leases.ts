import type { LeaseState } from '../read-model-store.port';
import { assertLease } from '../support/leases';
import type { SqliteConnection } from './sqlite-connection';

/* Named leases (the projector's single-writer lease) in the leases table. */

/** Answers only when the store can take writes too: projections that cannot commit make the api not ready. */
export function acquireLease(conn: SqliteConnection, name: string, owner: string, timing: { ttlMs: number; nowMs: number }): LeaseState {
  assertLease(name, owner, timing);
  return conn.run('acquireLease', () =>
    conn.db
      .transaction((): LeaseState => {
        const current = conn.stmt('SELECT owner, expires_at_ms FROM leases WHERE name = ?').get(name) as { owner: string; expires_at_ms: number } | undefined;
        if (current && current.owner !== owner && current.expires_at_ms > timing.nowMs) return { held: false, owner: current.owner, expiresAtMs: current.expires_at_ms };
        const expiresAtMs = timing.nowMs + timing.ttlMs;
        conn.stmt('INSERT INTO leases (name, owner, expires_at_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at_ms = excluded.expires_at_ms').run(
          name,
          owner,
          expiresAtMs,
        );
        return { held: true, owner, expiresAtMs };
      })
      .immediate(),
  );
}

export function releaseLease(conn: SqliteConnection, name: string, owner: string): void {
  assertLease(name, owner);
  conn.run('releaseLease', () => conn.stmt('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, owner));
}
