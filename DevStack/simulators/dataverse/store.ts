/**
 * Rows of every table, persisted in SQLite (better-sqlite3; `:memory:` without a data dir). Writes
 * happen inside `transaction()`, which serialises writers and rolls back on failure — that is what
 * makes a `$batch` change set and a failing synchronous webhook step all-or-nothing.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/** A stored lookup value. */
export interface LookupValue {
  id: string;
  logicalName: string;
}
/** Internal row: logical name → primitive, number[] (multi-select), LookupValue or null. */
export type Row = Record<string, unknown>;

export const isLookupValue = (value: unknown): value is LookupValue =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  'id' in value &&
  'logicalName' in value;

export class RecordStore {
  private readonly db: Database.Database;
  private queue: Promise<unknown> = Promise.resolve();
  private inTransaction = false;

  constructor(dataDir?: string, reset = false) {
    let file = ':memory:';
    if (dataDir) {
      fs.mkdirSync(dataDir, { recursive: true });
      file = path.join(dataDir, 'dataverse.sqlite');
      if (reset) for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    }
    this.db = new Database(file);
    if (dataDir) this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS records (entity TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (entity, id));
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  }

  get(entity: string, id: string): Row | undefined {
    const row = this.db
      .prepare('SELECT data FROM records WHERE entity = ? AND id = ?')
      .get(entity, id.toLowerCase()) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as Row) : undefined;
  }

  list(entity: string): Row[] {
    const rows = this.db
      .prepare('SELECT data FROM records WHERE entity = ? ORDER BY rowid')
      .all(entity) as Array<{ data: string }>;
    return rows.map((r) => JSON.parse(r.data) as Row);
  }

  put(entity: string, id: string, row: Row): void {
    this.db
      .prepare(
        'INSERT INTO records (entity, id, data) VALUES (?, ?, ?) ON CONFLICT(entity, id) DO UPDATE SET data = excluded.data',
      )
      .run(entity, id.toLowerCase(), JSON.stringify(row));
  }

  delete(entity: string, id: string): boolean {
    return (
      this.db.prepare('DELETE FROM records WHERE entity = ? AND id = ?').run(entity, id.toLowerCase())
        .changes > 0
    );
  }

  getMeta<T>(key: string): T | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setMeta(key: string, value: unknown): void {
    this.db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, JSON.stringify(value));
  }

  /** Monotonic row version (the `versionnumber` behind ETags). */
  nextVersion(): number {
    const next = (this.getMeta<number>('version') ?? 1000) + 1;
    this.setMeta('version', next);
    return next;
  }

  /**
   * Runs `work` as one SQLite transaction. Writers queue behind each other (the work may await
   * synchronous webhook steps); a throw rolls everything back.
   */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.db.exec('BEGIN IMMEDIATE');
      this.inTransaction = true;
      try {
        const result = await work();
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        this.db.exec('ROLLBACK');
        throw error;
      } finally {
        this.inTransaction = false;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  get busy(): boolean {
    return this.inTransaction;
  }

  close(): void {
    this.db.close();
  }
}
