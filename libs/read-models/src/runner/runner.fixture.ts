import type { Projection } from '../projection';
import type { ShadowStore } from '../read-model-store.port';

/** Deliberately without a replay guard: its documents list every position applied, so a double or missed apply shows. */
export const appliedLog: Projection = {
  name: 'applied_log',
  version: 1,
  collections: [{ name: 'applied', indexes: [] }],
  eventTypes: '*',
  keys: (event) => [{ collection: 'applied', id: event.streamName }],
  apply: (_ref, doc, event) => ({ positions: [...((doc?.positions as number[] | undefined) ?? []), Number(event.globalPosition)] }),
};

/** Count and checksum of every collection of the projections, for comparing two ways of building them. */
export async function checksums(readStore: ShadowStore, projections: readonly Projection[]) {
  const result: Record<string, { count: number; sha256: string }> = {};
  for (const p of projections) for (const c of p.collections) result[c.name] = await readStore.checksum(c.name);
  return result;
}

/** Polls `check` every 10 ms until it holds; fails naming `what` after `ms`. */
export async function eventually(ms: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
