/**
 * One process owns a SQLite queue. The owner holds an exclusive SQLite lock on a small file next to
 * the queue for as long as it runs; SQLite's locks are operating-system file locks, which the kernel
 * drops when the process dies (even on `kill -9`), so a crashed owner never leaves a stale lock
 * behind and a restart takes the queue over at once. Readers such as `cosell dead-letters` open the
 * queue itself, not this file, and are not blocked.
 * See https://www.sqlite.org/pragma.html#pragma_locking_mode and https://www.sqlite.org/lockingv3.html.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** A second relay on the same queue: the message is the one line `cosell relay` prints. */
export class QueueOwnedError extends Error {
  constructor(readonly queueFile: string) {
    super(
      `another relay already owns the queue in ${path.dirname(queueFile)}: stop it, or give this one its own COSELL_DATA_DIR (or share a PostgreSQL COSELL_DATABASE_URL)`,
    );
    this.name = 'QueueOwnedError';
  }
}

export interface QueueOwnership {
  readonly lockFile: string;
  release(): void;
}

export const ownerLockFileFor = (queueFile: string) => `${queueFile}.owner`;

/** Take ownership of the queue in `queueFile`, or throw QueueOwnedError without waiting. */
export function acquireQueueOwnership(queueFile: string): QueueOwnership {
  const lockFile = ownerLockFileFor(queueFile);
  mkdirSync(path.dirname(path.resolve(lockFile)), { recursive: true });
  const db = new Database(lockFile, { timeout: 0 });
  try {
    // EXCLUSIVE locking mode keeps the write lock taken below until the connection closes.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS owner (pid INTEGER NOT NULL, started_at TEXT NOT NULL)');
    db.transaction(() => {
      db.exec('DELETE FROM owner');
      db.prepare('INSERT INTO owner (pid, started_at) VALUES (?, ?)').run(
        process.pid,
        new Date().toISOString(),
      );
    }).exclusive();
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new QueueOwnedError(queueFile);
    throw error;
  }
  return {
    lockFile,
    release: () => {
      if (db.open) db.close();
    },
  };
}
