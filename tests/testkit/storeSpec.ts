/**
 * Which store a test (or a worker process it spawns) opens: the same description crosses the
 * process boundary as JSON, so every process of a concurrency test opens the same queue.
 */
import type { Store } from '../../Relay/ports';
import { PostgresStore } from '../../Relay/store/postgresStore';
import { SqliteStore } from '../../Relay/store/sqliteStore';

export type StoreSpec =
  { kind: 'sqlite'; filename: string } | { kind: 'postgres'; connectionString: string; schema: string };

export interface StoreSpecOptions {
  now?: () => Date;
  leaseMs?: number;
}

export async function openStoreSpec(spec: StoreSpec, options: StoreSpecOptions = {}): Promise<Store> {
  if (spec.kind === 'sqlite') return new SqliteStore({ filename: spec.filename, ...options });
  return PostgresStore.open({ connectionString: spec.connectionString, schema: spec.schema, ...options });
}
