import type { Command } from 'commander';
import path from 'node:path';
import { SqliteStore } from '../../store/sqliteStore';
import type { CliIo } from '../io';

const storeAt = (dataDir: string) => new SqliteStore({ filename: path.join(dataDir, 'relay.sqlite') });

/** `cosell dead-letters list|retry`: jobs that exhausted their retries, on the relay's own store (WAL: safe while it runs). */
export function registerDeadLetters(program: Command, io: CliIo): void {
  const deadLetters = program
    .command('dead-letters')
    .description('list or retry jobs that failed permanently')
    .option(
      '--data-dir <dir>',
      'relay data folder (default COSELL_DATA_DIR or .relay)',
      process.env.COSELL_DATA_DIR ?? '.relay',
    );

  deadLetters
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const store = storeAt(deadLetters.opts<{ dataDir: string }>().dataDir);
      try {
        const jobs = await store.listDeadLetters();
        if (options.json) return io.stdout(`${JSON.stringify(jobs, null, 2)}\n`);
        if (!jobs.length) return io.stdout('no dead letters\n');
        for (const job of jobs) {
          io.stdout(
            `${job.id}  ${job.kind}  ${job.key}  attempts=${job.attempts}  ${job.updatedAt.toISOString()}\n    ${job.lastError ?? ''}\n`,
          );
        }
      } finally {
        await store.close();
      }
    });

  deadLetters
    .command('retry')
    .argument('[ids...]', 'dead letter ids (all when omitted with --all)')
    .option('--all', 'retry every dead letter')
    .action(async (ids: string[], options: { all?: boolean }) => {
      const store = storeAt(deadLetters.opts<{ dataDir: string }>().dataDir);
      try {
        const targets = options.all ? (await store.listDeadLetters()).map((j) => j.id) : ids;
        if (!targets.length) {
          io.stderr('cosell dead-letters retry: give dead letter ids or --all\n');
          io.exitCode = 2;
          return;
        }
        let missing = 0;
        for (const id of targets) {
          if (await store.retryDeadLetter(id, new Date())) io.stdout(`requeued ${id}\n`);
          else {
            io.stderr(`no dead letter ${id}\n`);
            missing += 1;
          }
        }
        if (missing) io.exitCode = 2;
      } finally {
        await store.close();
      }
    });
}
