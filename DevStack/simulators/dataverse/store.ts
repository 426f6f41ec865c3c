/**
 * Rows of every table, persisted in SQLite (better-sqlite3; `:memory:` without a data dir). Writes
 * happen inside `transaction()`, which serialises writers and rolls back on failure — that is what
 * makes a `$batch` change set and a failing synchronous webhook step all-or-nothing.
 * Rows are found by primary key and by lookup value without reading the table: Dataverse's own tables
 * are indexed on their primary key and on every lookup column (the foreign keys of relationships), so
 * "rows pointing at this record" costs what the matches cost there, not what the table's size costs.
 * A text column compared with `eq` is indexed the first time a query does so: Dataverse tunes a
 * query that keeps performing poorly without being asked ("Automatic query optimization",
 * learn.microsoft.com/power-apps/developer/data-platform/webapi/query/optimize-performance), and
 * alternate key columns "are always indexed" (learn.microsoft.com/training/modules/
 * create-manage-fields-within-entity/7-alternate-key): looking a row up by an external id
 * (pcs_referralid) or an e-mail address does not read the table there.
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

const LOOKUP_INDEX_BUILT = 'lookupIndexBuilt';

/** Folds text as the `$filter` evaluator does (Dataverse compares text case-insensitively). */
export const foldText = (value: unknown): unknown =>
  typeof value === 'string' ? value.toLowerCase() : value;

const FOLD_FUNCTION = 'cosell_fold';
// A logical name inlined into an index expression (it cannot be a bound parameter there).
const COLUMN_NAME = /^[a-z_][a-z0-9_]*$/;

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
    // Deterministic, so SQLite may index on it; registered before any statement can need it.
    this.db.function(FOLD_FUNCTION, { deterministic: true }, (value: unknown) => foldText(value));
    if (dataDir) this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS records (entity TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (entity, id));
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS lookup_index (entity TEXT NOT NULL, attribute TEXT NOT NULL, target TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (entity, attribute, target, id));
      CREATE INDEX IF NOT EXISTS lookup_index_row ON lookup_index (entity, id);
    `);
    // A data dir written before the index existed: index its rows once.
    if (!this.getMeta<boolean>(LOOKUP_INDEX_BUILT)) {
      const rows = this.db.prepare('SELECT entity, id, data FROM records').all() as Array<{
        entity: string;
        id: string;
        data: string;
      }>;
      this.db.transaction(() => {
        for (const row of rows) this.indexLookups(row.entity, row.id, JSON.parse(row.data) as Row);
        this.setMeta(LOOKUP_INDEX_BUILT, true);
      })();
    }
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Each statement is compiled once (preparing on every call was the top cost in a backfill profile). */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Rows of `entity` whose lookup `attribute` points at `targetId`, in insertion order. */
  findByLookup(entity: string, attribute: string, targetId: string): Row[] {
    const rows = this.statement(
      `SELECT r.data FROM lookup_index x JOIN records r ON r.entity = x.entity AND r.id = x.id
         WHERE x.entity = ? AND x.attribute = ? AND x.target = ? ORDER BY r.rowid`,
    ).all(entity, attribute, targetId.toLowerCase()) as Array<{ data: string }>;
    return rows.map((r) => JSON.parse(r.data) as Row);
  }

  private readonly textIndexes = new Set<string>();

  /**
   * Rows of `entity` whose text column `attribute` equals `value` ignoring case, in insertion order:
   * what `<attribute> eq '<value>'` can match. The index on the column is made on first use and kept
   * (in the data dir too); SQLite maintains it on every write.
   */
  findByText(entity: string, attribute: string, value: string): Row[] {
    if (!COLUMN_NAME.test(attribute)) throw new Error(`not a column name: ${attribute}`);
    const index = `records_text_${attribute}`;
    const key = `${FOLD_FUNCTION}(json_extract(data, '$.${attribute}'))`;
    if (!this.textIndexes.has(attribute)) {
      this.db.exec(`CREATE INDEX IF NOT EXISTS ${index} ON records (entity, ${key})`);
      this.textIndexes.add(attribute);
    }
    const rows = this.statement(
      `SELECT data FROM records INDEXED BY ${index} WHERE entity = ? AND ${key} = ? ORDER BY rowid`,
    ).all(entity, foldText(value)) as Array<{ data: string }>;
    return rows.map((r) => JSON.parse(r.data) as Row);
  }

  private indexLookups(entity: string, id: string, row: Row | null): void {
    this.statement('DELETE FROM lookup_index WHERE entity = ? AND id = ?').run(entity, id);
    if (!row) return;
    const insert = this.statement(
      'INSERT OR IGNORE INTO lookup_index (entity, attribute, target, id) VALUES (?, ?, ?, ?)',
    );
    for (const [attribute, value] of Object.entries(row))
      if (isLookupValue(value)) insert.run(entity, attribute, value.id.toLowerCase(), id);
  }

  get(entity: string, id: string): Row | undefined {
    const row = this.statement('SELECT data FROM records WHERE entity = ? AND id = ?').get(
      entity,
      id.toLowerCase(),
    ) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as Row) : undefined;
  }

  list(entity: string): Row[] {
    const rows = this.statement('SELECT data FROM records WHERE entity = ? ORDER BY rowid').all(
      entity,
    ) as Array<{ data: string }>;
    return rows.map((r) => JSON.parse(r.data) as Row);
  }

  put(entity: string, id: string, row: Row): void {
    this.statement(
      'INSERT INTO records (entity, id, data) VALUES (?, ?, ?) ON CONFLICT(entity, id) DO UPDATE SET data = excluded.data',
    ).run(entity, id.toLowerCase(), JSON.stringify(row));
    this.indexLookups(entity, id.toLowerCase(), row);
  }

  delete(entity: string, id: string): boolean {
    this.indexLookups(entity, id.toLowerCase(), null);
    return (
      this.statement('DELETE FROM records WHERE entity = ? AND id = ?').run(entity, id.toLowerCase())
        .changes > 0
    );
  }

  getMeta<T>(key: string): T | undefined {
    const row = this.statement('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setMeta(key: string, value: unknown): void {
    this.statement(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ).run(key, JSON.stringify(value));
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
