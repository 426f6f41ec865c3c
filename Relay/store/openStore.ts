/**
 * The relay's store, as configured: PostgreSQL shared by replicas when COSELL_DATABASE_URL is set,
 * otherwise the embedded SQLite queue in COSELL_DATA_DIR, owned by this one process.
 */
import path from 'node:path';
import type { RelayConfig } from '../config/config';
import type { Leadership, Logger, Store } from '../ports';
import { PostgresLeadership } from './postgresLeadership';
import { PostgresStore } from './postgresStore';
import { soleLeader } from './soleLeader';
import { SqliteStore } from './sqliteStore';

export const sqliteQueueFile = (dataDir: string) => path.join(dataDir, 'relay.sqlite');

export async function openRelayStore(
  config: RelayConfig,
  logger: Logger,
): Promise<{ store: Store; leadership: Leadership }> {
  const leaseMs = config.worker.jobLeaseSec * 1000;
  if (config.database) {
    const store = await PostgresStore.open({
      connectionString: config.database.url,
      schema: config.database.schema,
      poolMax: config.database.poolMax,
      leaseMs,
      onPoolError: (error) => logger.warn({ err: error }, 'PostgreSQL connection lost; reconnecting'),
    });
    const leadership = new PostgresLeadership({
      connectionString: config.database.url,
      name: config.database.schema,
      logger: logger.child({ component: 'leadership' }),
    });
    return { store, leadership };
  }
  // The queue's only owner is the only replica, so it leads.
  const store = new SqliteStore({ filename: sqliteQueueFile(config.dataDir), owner: true, leaseMs });
  return { store, leadership: soleLeader() };
}
