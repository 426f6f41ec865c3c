/**
 * The relay's store, as configured: PostgreSQL shared by replicas when COSELL_DATABASE_URL is set,
 * otherwise the embedded SQLite queue in COSELL_DATA_DIR, owned by this one process.
 */
import path from 'node:path';
import type { RelayConfig } from '../config/config';
import type { Logger, Store } from '../ports';
import { PostgresStore } from './postgresStore';
import { SqliteStore } from './sqliteStore';

export const sqliteQueueFile = (dataDir: string) => path.join(dataDir, 'relay.sqlite');

export async function openRelayStore(config: RelayConfig, logger: Logger): Promise<Store> {
  const leaseMs = config.worker.jobLeaseSec * 1000;
  if (config.database) {
    return PostgresStore.open({
      connectionString: config.database.url,
      schema: config.database.schema,
      poolMax: config.database.poolMax,
      leaseMs,
      onPoolError: (error) => logger.warn({ err: error }, 'PostgreSQL connection lost; reconnecting'),
    });
  }
  return new SqliteStore({ filename: sqliteQueueFile(config.dataDir), owner: true, leaseMs });
}
