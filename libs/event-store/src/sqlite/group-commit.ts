/** What the committer decided for one queued request. */
export type Settlement<Result> = { readonly ok: true; readonly value: Result } | { readonly ok: false; readonly error: unknown };

interface Queued<Request, Result> {
  readonly request: Request;
  readonly size: number;
  readonly resolve: (value: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Collects the requests submitted during one event-loop turn and hands them to `commit` together on the next
 * setImmediate, so that N concurrent appends cost one transaction and one fsync instead of N.
 * `commit` returns one settlement per request, or throws (rejects) to fail them all. It may be synchronous
 * (better-sqlite3 on this thread) or asynchronous (a writer thread): an asynchronous commit is never overlapped by
 * the next one, and everything submitted while it runs goes into the next group together.
 * Promises are settled only after `commit` returned, i.e. after the COMMIT.
 */
export class GroupCommitQueue<Request, Result> {
  private queue: Queued<Request, Result>[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly commit: (requests: Request[]) => Settlement<Result>[] | Promise<Settlement<Result>[]>,
    /** A group stops growing at this many events, so one commit never holds the event loop for long. */
    private readonly maxSizePerGroup: number,
  ) {}

  submit(request: Request, size: number): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ request, size, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Commits everything queued, including what is submitted meanwhile, and waits for a commit in flight (used by
   * close()). With a synchronous `commit` it has committed everything before it returns its promise.
   */
  async drain(): Promise<void> {
    for (;;) {
      if (this.inFlight !== null) {
        await this.inFlight;
        continue;
      }
      if (this.scheduled !== null) clearImmediate(this.scheduled);
      this.scheduled = null;
      if (this.queue.length === 0) return;
      this.commitNextGroup();
    }
  }

  private schedule(): void {
    if (this.scheduled !== null || this.inFlight !== null) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      this.commitNextGroup();
      // Leftovers wait one more turn, letting I/O (and new submissions, which join them) in between.
      if (this.queue.length > 0) this.schedule();
    });
  }

  private commitNextGroup(): void {
    const group = this.takeGroup();
    let outcome: Settlement<Result>[] | Promise<Settlement<Result>[]>;
    try {
      outcome = this.commit(group.map((queued) => queued.request));
    } catch (error) {
      rejectAll(group, error);
      return;
    }
    if (!(outcome instanceof Promise)) {
      settleAll(group, outcome);
      return;
    }
    this.inFlight = outcome.then(
      (settlements) => settleAll(group, settlements),
      (error: unknown) => rejectAll(group, error),
    );
    void this.inFlight.then(() => {
      this.inFlight = null;
      if (this.queue.length > 0) this.schedule();
    });
  }

  /** Takes at least one request (even one larger than the cap), then more while they fit. */
  private takeGroup(): Queued<Request, Result>[] {
    let total = 0;
    let count = 0;
    while (count < this.queue.length) {
      const next = this.queue[count].size;
      if (count > 0 && total + next > this.maxSizePerGroup) break;
      total += next;
      count += 1;
    }
    return this.queue.splice(0, count);
  }
}

function settleAll<Result>(group: readonly Queued<unknown, Result>[], settlements: readonly Settlement<Result>[]): void {
  group.forEach((queued, i) => {
    const settlement = settlements[i];
    if (settlement === undefined) queued.reject(new Error('group commit returned no outcome for a request'));
    else if (settlement.ok) queued.resolve(settlement.value);
    else queued.reject(settlement.error);
  });
}

function rejectAll<Result>(group: readonly Queued<unknown, Result>[], error: unknown): void {
  for (const queued of group) queued.reject(error);
}
