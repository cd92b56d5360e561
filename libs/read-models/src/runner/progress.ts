import type { WallClock } from '@robo/clock';
import type { CheckpointReader } from '../read-model-store.port';
import type { Slot } from './slot';

/** Wakes those waiting for a projection to move (waitForPosition) as soon as one commits, instead of at their next look. */
export class Progress {
  private readonly waiters = new Set<() => void>();

  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves at the next notify(), or after ms. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }
}

/**
 * Resolves true once every slot has committed a checkpoint >= position, false after timeoutMs. While the loop runs
 * here its checkpoints are known; otherwise they are read from the store, so this also works when another process
 * runs the projections.
 */
export async function waitForPosition(
  slots: readonly Slot[],
  position: bigint,
  timeoutMs: number,
  at: { readStore: CheckpointReader; progress: Progress; clock: WallClock; loopRunsHere: () => boolean },
): Promise<boolean> {
  const deadline = at.clock.nowMs() + timeoutMs;
  for (;;) {
    if (await allReached(slots, position, at.readStore, at.loopRunsHere())) return true;
    const remaining = deadline - at.clock.nowMs();
    if (remaining <= 0) return false;
    await at.progress.next(Math.min(remaining, 50));
  }
}

async function allReached(slots: readonly Slot[], position: bigint, readStore: CheckpointReader, loopRunsHere: boolean): Promise<boolean> {
  for (const slot of slots) {
    const local = loopRunsHere ? slot.checkpoint : null;
    const checkpoint = local ?? (await readStore.getCheckpoint(slot.projection.name).catch(() => null));
    if (checkpoint === null || checkpoint < position) return false;
  }
  return true;
}
