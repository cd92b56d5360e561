interface Change<V> {
  /** The version that made the change: a version n sees the changes with seq < n. */
  readonly seq: number;
  /** undefined: the key was removed. */
  readonly value: V | undefined;
}

interface Shared<V> {
  /** Key -> its changes, oldest first. */
  readonly changes: Map<string, Change<V>[]>;
  /** The newest version built on `changes`; only that version may extend it in place. */
  version: number;
}

/**
 * An immutable string-keyed map for states folded from events, where each event makes a new version from the
 * newest one. Such a change is O(1): the versions share one table of changes and each sees only the changes older
 * than itself, where copying a plain object per event makes folding a stream quadratic in its length. A change to
 * an older version (a branch) first copies what that version sees. Reads cost one look-up plus a walk back over
 * the key's own changes (a handful for any key).
 */
export class VersionedMap<V> {
  private constructor(
    private readonly shared: Shared<V>,
    private readonly version: number,
    /** How many keys this version holds. */
    readonly size: number,
  ) {}

  static empty<V>(): VersionedMap<V> {
    return new VersionedMap<V>({ changes: new Map(), version: 0 }, 0, 0);
  }

  get(key: string): V | undefined {
    const changes = this.shared.changes.get(key);
    if (changes === undefined) return undefined;
    for (let i = changes.length - 1; i >= 0; i--) if (changes[i].seq < this.version) return changes[i].value;
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** A version where key holds value (undefined removes it). */
  set(key: string, value: V | undefined): VersionedMap<V> {
    const before = this.get(key);
    if (before === value) return this;
    const shared = this.version === this.shared.version ? this.shared : this.branch();
    const changes = shared.changes.get(key);
    const change = { seq: this.version, value };
    if (changes === undefined) shared.changes.set(key, [change]);
    else changes.push(change);
    shared.version = this.version + 1;
    const size = this.size + (before === undefined ? 1 : 0) - (value === undefined ? 1 : 0);
    return new VersionedMap(shared, this.version + 1, size);
  }

  delete(key: string): VersionedMap<V> {
    return this.set(key, undefined);
  }

  /** The keys and values this version holds, in the order the keys were first set. */
  *entries(): IterableIterator<[string, V]> {
    for (const key of this.shared.changes.keys()) {
      const value = this.get(key);
      if (value !== undefined) yield [key, value];
    }
  }

  /** As a plain object (for inspection, tests and documents). */
  toRecord(): Record<string, V> {
    const record: Record<string, V> = {};
    for (const [key, value] of this.entries()) record[key] = value;
    return record;
  }

  /** A state holding it serialises (audit replays, the CLI) as the plain object it stands for. */
  toJSON(): Record<string, V> {
    return this.toRecord();
  }

  private branch(): Shared<V> {
    const changes = new Map<string, Change<V>[]>();
    for (const [key, value] of this.entries()) changes.set(key, [{ seq: 0, value }]);
    return { changes, version: this.version };
  }
}
