/**
 * Group commit: writes submitted while the event loop is busy (e.g. every webhook whose body arrived
 * in the same I/O turn) are committed together, in one transaction and so one fsync, once the turn
 * ends (setImmediate). Each submitter's promise settles only after that commit returned, so a
 * webhook's 2xx can never precede the durability of its own work. One item failing (it throws inside
 * the batch) fails only that item; the commit itself failing fails every item in the batch.
 * The technique: https://www.sqlite.org/wal.html (one fsync per commit in WAL with synchronous=FULL)
 * and https://www.postgresql.org/docs/current/wal-configuration.html (commit_delay: the same idea).
 */

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Runs every item in one transaction and commits it; returns one outcome per item, in order. */
export type CommitBatch<I, R> = (items: I[]) => Array<Outcome<R>>;

interface Pending<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<I, R> {
  private pending: Array<Pending<I, R>> = [];
  private scheduled: NodeJS.Immediate | null = null;

  /** @param maxBatch commits at once when this many are waiting (bounds one transaction's size). */
  constructor(
    private readonly commit: CommitBatch<I, R>,
    private readonly maxBatch = 1000,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** How many submissions wait for the next commit. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Commits everything waiting now (also before the database closes). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let outcomes: Array<Outcome<R>>;
    try {
      outcomes = this.commit(batch.map((p) => p.item));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) p.resolve(outcome.value);
      else p.reject(outcome ? outcome.error : new Error('the batch returned no outcome for this item'));
    });
  }
}
