import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import pino from 'pino';
import { loadConfig } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { createClients } from '../../server/clients';
import { backfill } from '../../sync/backfill';
import type { BackfillCounts } from '../../sync/backfill';
import { createFieldMapSource } from '../../sync/fieldMapSource';
import { createLanguageResolver } from '../../sync/language';
import { createSettings } from '../../sync/settings';
import type { CliIo } from '../io';
import type { RelayConfig } from '../../config/config';
import type { Store } from '../../ports';
import { sqliteQueueFile } from '../../store/openStore';
import { PostgresStore } from '../../store/postgresStore';
import { SqliteStore } from '../../store/sqliteStore';

const summary = (c: BackfillCounts) =>
  `read ${c.read} referrals in ${c.pages} pages: created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, skipped ${c.skipped}, queued for retry ${c.queued}`;

/**
 * The relay's own store (its eTags tell what is already in Dataverse; the checkpoint lives there),
 * opened as a reader: the relay may keep running, and a failed pull is queued for its worker.
 */
async function openStore(config: RelayConfig): Promise<Store> {
  if (config.database)
    return PostgresStore.open({ connectionString: config.database.url, schema: config.database.schema });
  return new SqliteStore({ filename: sqliteQueueFile(config.dataDir) });
}

/** `--since` as a date: anything Date.parse reads (ISO 8601 advised), else a clear error. */
function parseSince(value: string): Date {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`--since ${value} is not a date (use ISO 8601, e.g. 2025-01-31)`);
  return new Date(ms);
}

/** `cosell backfill --since <date>|--all [--dry-run]`: bring existing referrals into Dataverse. */
export function registerBackfill(program: Command, io: CliIo): void {
  program
    .command('backfill')
    .description(
      'bring existing Partner Center referrals into Dataverse (resumable; running it twice creates nothing twice)',
    )
    .option('--since <date>', 'only referrals changed since this date (ISO 8601)')
    .option('--all', 'every referral')
    .option('--dry-run', 'say what would be created or updated; write nothing')
    .option('--concurrency <n>', 'referrals pulled at once', '4')
    .action(async (options: { since?: string; all?: boolean; dryRun?: boolean; concurrency: string }) => {
      if (Boolean(options.since) === Boolean(options.all)) {
        io.stderr('cosell backfill: give exactly one of --since <date> or --all\n');
        io.exitCode = 2;
        return;
      }
      const since = options.since ? parseSince(options.since) : null;
      const concurrency = Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
        throw new Error('--concurrency must be a whole number from 1 to 16');
      const config = loadConfig();
      // Log lines go to stderr, and only warnings: stdout carries the summary, stderr the bar.
      const logger = createLogger({ level: 'warn', destination: pino.destination(2) });
      const clients = createClients(config, logger);
      const store = await openStore(config);
      const clock = { now: () => new Date() };
      const settings = createSettings(clients.dataverse, clock);
      const deps = {
        dataverse: clients.dataverse,
        partnerCenter: clients.partnerCenter,
        store,
        settings,
        clock,
        fieldMaps: createFieldMapSource(
          clients.dataverse,
          settings,
          clock,
          config.worker.fieldMapRefreshSec * 1000,
        ),
        languages: createLanguageResolver(clients.dataverse, clock, { logger }),
        pausedRetryMs: config.worker.fieldMapRefreshSec * 1000,
      };
      // The bar draws only on a terminal; elsewhere the summary below is the output.
      const bar = new SingleBar({
        format:
          '{bar} {value}/{total} referrals | {rate}/s | created {created} updated {updated} unchanged {unchanged} skipped {skipped} queued {queued}',
        stream: process.stderr,
        hideCursor: true,
      });
      const startedAt = Date.now();
      let started = false;
      let stop = false;
      const onSigint = () => {
        stop = true;
      };
      process.once('SIGINT', onSigint);
      try {
        const result = await backfill(
          deps,
          logger,
          { since, dryRun: options.dryRun, concurrency },
          {
            onPage: (counts, more) => {
              // Partner Center gives no total: the bar's end is one page past what was read.
              const total = counts.read + (more ? Math.ceil(counts.read / counts.pages) : 0);
              const rate = (counts.read / Math.max(0.001, (Date.now() - startedAt) / 1000)).toFixed(1);
              const payload = { ...counts, rate };
              if (!started) bar.start(total, counts.read, payload);
              else bar.setTotal(total);
              started = true;
              bar.update(counts.read, payload);
            },
            shouldStop: () => stop,
          },
        );
        if (started) bar.stop();
        const prefix = options.dryRun ? 'dry run, nothing written: ' : result.resumed ? 'resumed: ' : '';
        io.stdout(`${prefix}${summary(result.counts)}\n`);
        if (!result.complete) {
          io.stdout('interrupted: run the same command again to continue where it stopped\n');
          io.exitCode = 1;
        }
      } finally {
        process.removeListener('SIGINT', onSigint);
        if (started) bar.stop();
        await store.close();
      }
    });
}
