import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { sqliteQueueFile } from '../../store/openStore';
import { PostgresStore } from '../../store/postgresStore';
import { describeSnapshot } from '../../store/snapshot';
import { SqliteStore } from '../../store/sqliteStore';
import type { CliIo } from '../io';

/** Where a URL points, without its credentials (never printed). */
const whereIs = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname}`;
};

/**
 * `cosell store migrate --to postgres://…`: copy a stopped relay's SQLite queue (jobs, dead
 * letters, receipts, watermarks and other state) into an empty PostgreSQL queue, in one transaction.
 * The SQLite file is left as it was, so going back is starting the relay without COSELL_DATABASE_URL.
 */
export function registerStore(program: Command, io: CliIo): void {
  const store = program.command('store').description('move the relay queue between stores');
  store
    .command('migrate')
    .description('copy the SQLite queue of a stopped relay into PostgreSQL')
    .requiredOption('--to <url>', 'PostgreSQL URL (postgres://user:password@host:5432/database)')
    .option('--schema <name>', 'PostgreSQL schema (default COSELL_DATABASE_SCHEMA or cosell)')
    .option('--data-dir <dir>', 'relay data folder (default COSELL_DATA_DIR or .relay)')
    .action(async (options: { to: string; schema?: string; dataDir?: string }) => {
      if (!/^postgres(ql)?:\/\//.test(options.to))
        throw new Error('--to must be a postgres:// URL, e.g. postgres://cosell:<password>@db:5432/cosell');
      const dataDir = options.dataDir ?? process.env.COSELL_DATA_DIR ?? '.relay';
      const filename = sqliteQueueFile(dataDir);
      if (!existsSync(filename)) throw new Error(`no relay database in ${dataDir} (expected ${filename})`);
      // As the queue's owner: refused while a relay still runs on it, and nothing changes under us.
      const source = new SqliteStore({ filename, owner: true });
      try {
        const snapshot = await source.snapshot();
        const target = await PostgresStore.open({
          connectionString: options.to,
          schema: options.schema ?? process.env.COSELL_DATABASE_SCHEMA ?? 'cosell',
        });
        try {
          await target.restore(snapshot);
          io.stdout(
            `copied ${describeSnapshot(snapshot)} from ${filename} to ${whereIs(options.to)} (schema ${target.schema})\n` +
              'start the relays with COSELL_DATABASE_URL set to that database; the SQLite file is unchanged\n',
          );
        } finally {
          await target.close();
        }
      } finally {
        await source.close();
      }
    });
}
