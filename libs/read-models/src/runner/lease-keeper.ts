import type { WallClock } from '@robo/clock';
import type { ProjectionLease } from '../read-model-store.port';
import type { ProjectionRunnerLogger, ProjectorLeaseOptions } from './runner-options';
import type { Slot } from './slot';
import { sleep } from './timing';

/** Leases are renewed every third of their time to live; a standby looks again at most this often. */
const STANDBY_POLL_MS = 1000;

type LeaseSettings = Required<Pick<ProjectorLeaseOptions, 'name' | 'owner' | 'ttlMs'>> & Pick<ProjectorLeaseOptions, 'holderIsGone'>;

/**
 * The projector lease of a runner's live loop: of several instances started with the same lease name one holds it
 * and projects, the others stand by and take over within ttlMs of it stopping, dying or losing its store.
 */
export class LeaseKeeper {
  readonly settings: LeaseSettings;
  /** Null until the loop first looks at the lease (after start). */
  private heldNow: boolean | null = null;
  private lastHolder: string | null = null;
  private renewAt = 0;
  /** The last failure to take or renew the lease, logged once until it changes. */
  private lastError: string | null = null;

  constructor(
    options: ProjectorLeaseOptions,
    private readonly readStore: ProjectionLease,
    private readonly logger: ProjectionRunnerLogger,
    private readonly clock: WallClock,
  ) {
    this.settings = { name: options.name ?? 'projector', owner: options.owner, ttlMs: options.ttlMs ?? 15_000, holderIsGone: options.holderIsGone };
    if (!Number.isInteger(this.settings.ttlMs) || this.settings.ttlMs < 3) throw new RangeError('lease.ttlMs must be an integer of at least 3');
  }

  /** True while held; false while standing by or before the first look. */
  get held(): boolean {
    return this.heldNow === true;
  }

  /** Who holds the lease, as last seen; null before the first look and after a release. */
  get holder(): string | null {
    return this.lastHolder;
  }

  /**
   * True while this runner holds the lease (taken or renewed here when due); otherwise waits a little as a standby
   * and answers false. The slots' checkpoints are read again from the store after any change of holder.
   */
  async hold(slots: readonly Slot[], signal: AbortSignal): Promise<boolean> {
    const lease = this.settings;
    const now = this.clock.nowMs();
    if (this.heldNow && now < this.renewAt) return true;
    let held = false;
    try {
      let state = await this.readStore.acquireLease(lease.name, lease.owner, { ttlMs: lease.ttlMs, nowMs: now });
      if (!state.held && lease.holderIsGone?.(state.owner)) {
        this.logger.warn('projector lease held by an instance that is gone; taking it over', { lease: lease.name, holder: state.owner });
        await this.readStore.releaseLease(lease.name, state.owner);
        state = await this.readStore.acquireLease(lease.name, lease.owner, { ttlMs: lease.ttlMs, nowMs: this.clock.nowMs() });
      }
      held = state.held;
      this.lastHolder = state.owner;
      this.lastError = null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastError) this.logger.warn('could not take or renew the projector lease; standing by', { lease: lease.name, error: message });
      this.lastError = message;
    }
    if (held !== this.heldNow) {
      for (const slot of slots) slot.checkpoint = null;
      if (held) this.logger.info('projector lease taken: this instance runs the projections', { lease: lease.name, owner: lease.owner });
      else this.logger.warn('projector lease not held: standing by', { lease: lease.name, holder: this.lastHolder });
    }
    this.heldNow = held;
    if (held) {
      this.renewAt = now + Math.floor(lease.ttlMs / 3);
      return true;
    }
    await sleep(Math.min(Math.floor(lease.ttlMs / 3), STANDBY_POLL_MS), signal);
    return false;
  }

  /** Renews the lease while the loop cannot come round to it (the initial load): every third of its time to live until the returned stop is called. */
  keepRenewing(): () => void {
    const timer = setInterval(() => void this.renew(), Math.floor(this.settings.ttlMs / 3));
    return () => clearInterval(timer);
  }

  private async renew(): Promise<void> {
    const lease = this.settings;
    try {
      const state = await this.readStore.acquireLease(lease.name, lease.owner, { ttlMs: lease.ttlMs, nowMs: this.clock.nowMs() });
      if (!state.held) this.logger.warn('projector lease lost during the initial load', { lease: lease.name, holder: state.owner });
      this.renewAt = this.clock.nowMs() + Math.floor(lease.ttlMs / 3);
    } catch (error) {
      this.logger.warn('could not renew the projector lease during the initial load', { lease: lease.name, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Hands the lease over at once rather than after ttlMs; a failure here only delays the standby until it expires. */
  async release(): Promise<void> {
    if (this.heldNow) {
      await this.readStore.releaseLease(this.settings.name, this.settings.owner).catch(() => undefined);
      this.lastHolder = null;
    }
    this.heldNow = null;
  }
}
