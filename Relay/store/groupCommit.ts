/**
 * Group commit: writes submitted while the event loop is busy (e.g. every webhook whose body arrived
 * in the same I/O turn) are committed together in one transaction once the turn ends (setImmediate),
 * then made durable by one sync that runs off the event loop, so the next requests are parsed and
 * committed meanwhile. Up to `concurrentSyncs` syncs run at once, each covering the batches committed
 * before it started (and so those of any sync that started before it); batches committed while all
 * are busy share the next one to start.
 * Each submitter's promise settles only after a sync that started after its own commit, so a webhook's
 * 2xx never precedes the durability of its work. One item failing (it throws inside the batch)
 * fails only that item; the commit or the sync failing fails every item it held.
 * Same idea as PostgreSQL's commit_delay: https://www.postgresql.org/docs/current/wal-configuration.html
 */

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Runs every item in one transaction and commits it; returns one outcome per item, in order. */
export type CommitBatch<I, R> = (items: I[]) => Array<Outcome<R>>;

/** Makes every commit made so far durable (e.g. fdatasync of the write-ahead log). */
export type SyncCommits = () => Promise<void>;

export interface GroupCommitOptions {
  /** Default: nothing to do (the commit itself was durable, or nothing needs to be). */
  sync?: SyncCommits;
  /** Commit at once when this many are waiting (bounds one transaction's size). Default 1000. */
  maxBatch?: number;
  /**
   * Syncs that may run at once (default 1). More lets a batch start its own sync instead of waiting
   * for one that started before its commit: on a disk that serves flushes in parallel, an answer
   * waits for one sync rather than up to two.
   */
  concurrentSyncs?: number;
}

interface Pending<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/** Settles the committed items of one batch once a sync covering their commit returned. */
type Settle = (syncError: unknown) => void;

export class GroupCommit<I, R> {
  private pending: Array<Pending<I, R>> = [];
  private scheduled: NodeJS.Immediate | null = null;
  /** Batches committed since the last sync started: the next sync covers them. */
  private unsynced: Settle[] = [];
  /** Running syncs in the order they started, each with the batches it covers (null once settled). */
  private readonly running: Array<{ covered: Settle[] | null }> = [];
  private readonly syncing = new Set<Promise<void>>();
  private readonly sync: SyncCommits;
  private readonly maxBatch: number;
  private readonly concurrentSyncs: number;
  /** Commits and syncs made, and items they held: items per sync is how many writes share an fsync. */
  readonly stats = { commits: 0, syncs: 0, items: 0 };

  constructor(
    private readonly commit: CommitBatch<I, R>,
    options: GroupCommitOptions = {},
  ) {
    this.sync = options.sync ?? (async () => undefined);
    this.maxBatch = options.maxBatch ?? 1000;
    this.concurrentSyncs = Math.max(1, options.concurrentSyncs ?? 1);
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** How many submissions wait for their commit or its sync. */
  get waiting(): number {
    return this.pending.length + this.unsynced.length;
  }

  /** Commits everything submitted so far (its sync follows asynchronously). */
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
    this.stats.commits += 1;
    this.stats.items += batch.length;
    const committed: Array<() => void> = [];
    const failedSync: Array<(error: unknown) => void> = [];
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (!outcome) p.reject(new Error('the batch returned no outcome for this item'));
      else if (!outcome.ok) p.reject(outcome.error);
      else {
        committed.push(() => p.resolve(outcome.value));
        failedSync.push(p.reject);
      }
    });
    if (committed.length === 0) return;
    this.unsynced.push((syncError) => {
      if (syncError === undefined) for (const resolve of committed) resolve();
      else for (const reject of failedSync) reject(syncError);
    });
    this.startSyncs();
  }

  /** Commits what is waiting and resolves once every commit so far is synced (before closing). */
  async drain(): Promise<void> {
    this.flush();
    while (this.syncing.size > 0) await Promise.race(this.syncing);
  }

  /** Starts a sync for the batches committed since the last one started, while fewer than allowed run. */
  private startSyncs(): void {
    while (this.unsynced.length > 0 && this.running.length < this.concurrentSyncs) {
      const entry: { covered: Settle[] | null } = { covered: this.unsynced };
      this.unsynced = [];
      this.running.push(entry);
      const done: Promise<void> = new Promise<void>((resolve) => resolve(this.sync()))
        .then(
          () => undefined,
          (error: unknown) => error ?? new Error('sync failed'),
        )
        .then((syncError) => {
          this.stats.syncs += 1;
          const at = this.running.indexOf(entry);
          // A sync that returned made durable everything written before it started, so the batches of
          // syncs that started earlier and have not returned are durable too: answered now
          // (fdatasync: https://pubs.opengroup.org/onlinepubs/9699919799/functions/fdatasync.html).
          const settled = syncError === undefined ? this.running.slice(0, at + 1) : [entry];
          this.running.splice(at, 1);
          for (const each of settled) {
            const covered = each.covered;
            each.covered = null;
            for (const settle of covered ?? []) settle(syncError);
          }
          this.syncing.delete(done);
          this.startSyncs();
        });
      this.syncing.add(done);
    }
  }
}
