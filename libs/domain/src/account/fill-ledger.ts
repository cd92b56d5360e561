interface Entry {
  readonly orderId: string;
  /** How many entries the ledger held before this one: a version of size n sees the entries with seq < n. */
  readonly seq: number;
}

interface Shared {
  readonly entries: Map<string, Entry>;
  /** The size of the largest version built on `entries`; only that version may extend it in place. */
  size: number;
}

/**
 * Fill id -> order id of the fills an account has settled. Immutable to its users like the rest of the state, but
 * adding to the newest version is O(1): versions share one map and each sees only the entries older than its size.
 * Copying a plain object per settlement made folding an account stream quadratic in its fills (a 1,000-event
 * stream took 16 ms, nearly all of it copying). Adding to an older version (a branch) copies what that version sees.
 */
export class FillLedger {
  private constructor(
    private readonly shared: Shared,
    readonly size: number,
  ) {}

  static empty(): FillLedger {
    return new FillLedger({ entries: new Map(), size: 0 }, 0);
  }

  /** The order a fill was settled for, or undefined when this version has not settled it. */
  orderFor(fillId: string): string | undefined {
    const entry = this.shared.entries.get(fillId);
    return entry !== undefined && entry.seq < this.size ? entry.orderId : undefined;
  }

  /** A version that also holds fillId -> orderId (this one when the fill is already recorded). */
  with(fillId: string, orderId: string): FillLedger {
    if (this.orderFor(fillId) !== undefined) return this;
    const extendsNewest = this.size === this.shared.size && !this.shared.entries.has(fillId);
    const shared = extendsNewest ? this.shared : this.branch();
    shared.entries.set(fillId, { orderId, seq: this.size });
    shared.size = this.size + 1;
    return new FillLedger(shared, this.size + 1);
  }

  /** Fill id -> order id as a plain object, oldest first (for inspection and tests). */
  toRecord(): Record<string, string> {
    const record: Record<string, string> = {};
    for (const [fillId, entry] of this.shared.entries) if (entry.seq < this.size) record[fillId] = entry.orderId;
    return record;
  }

  private branch(): Shared {
    const entries = new Map<string, Entry>();
    for (const [fillId, entry] of this.shared.entries) if (entry.seq < this.size) entries.set(fillId, entry);
    return { entries, size: this.size };
  }
}
