/**
 * The relay's store, as configured: PostgreSQL shared by replicas when COSELL_DATABASE_URL is set,
 * otherwise the embedded SQLite queue in COSELL_DATA_DIR, owned by this one process.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RelayConfig, StoreConfig } from '../config/config';
import type { Leadership, Logger, Store } from '../ports';
import { MissingQueueError } from './missingQueue';
import { PostgresLeadership } from './postgresLeadership';
import { PostgresStore } from './postgresStore';
import { soleLeader } from './soleLeader';
import { SqliteStore } from './sqliteStore';

export const sqliteQueueFile = (dataDir: string) => path.join(dataDir, 'relay.sqlite');

export interface OpenStoreOptions {
  /**
   * The relay itself: takes the SQLite queue's ownership (refused while another relay has it).
   * Admin commands leave it to the running relay and share the file (WAL).
   */
  owner: boolean;
  /** Open only a queue a relay has created (MissingQueueError otherwise), never create an empty one. */
  mustExist?: boolean;
  leaseMs?: number;
  logger?: Logger;
}

/** The one place that chooses the store from the configuration: the relay and admin commands alike. */
export async function openStore(config: StoreConfig, options: OpenStoreOptions): Promise<Store> {
  const { owner, mustExist, leaseMs, logger } = options;
  if (config.database) {
    return PostgresStore.open({
      connectionString: config.database.url,
      schema: config.database.schema,
      poolMax: config.database.poolMax,
      leaseMs,
      mustExist,
      onPoolError: (error) => logger?.warn({ err: error }, 'PostgreSQL connection lost; reconnecting'),
    });
  }
  const filename = sqliteQueueFile(config.dataDir);
  if (mustExist && !existsSync(filename)) throw new MissingQueueError(filename);
  return new SqliteStore({ filename, owner, leaseMs });
}

export async function openRelayStore(
  config: RelayConfig,
  logger: Logger,
): Promise<{ store: Store; leadership: Leadership }> {
  const store = await openStore(config, { owner: true, leaseMs: config.worker.jobLeaseSec * 1000, logger });
  if (config.database) {
    const leadership = new PostgresLeadership({
      connectionString: config.database.url,
      name: config.database.schema,
      logger: logger.child({ component: 'leadership' }),
    });
    return { store, leadership };
  }
  // The queue's only owner is the only replica, so it leads.
  return { store, leadership: soleLeader() };
}
