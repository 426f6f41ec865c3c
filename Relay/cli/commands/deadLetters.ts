import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { sqliteQueueFile } from '../../store/openStore';
import { SqliteStore } from '../../store/sqliteStore';
import type { CliIo } from '../io';

/** The relay's queue in `dataDir`; null (and a message, exit 1) when there is none: opening would create an empty one. */
function storeAt(dataDir: string, io: CliIo): SqliteStore | null {
  const file = sqliteQueueFile(dataDir);
  if (existsSync(file)) return new SqliteStore({ filename: file });
  io.stderr(
    `cosell dead-letters: no relay database at ${file}: is --data-dir (or COSELL_DATA_DIR) the folder the relay runs with?\n`,
  );
  io.exitCode = 1;
  return null;
}

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
      const store = storeAt(deadLetters.opts<{ dataDir: string }>().dataDir, io);
      if (!store) return;
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
      const store = storeAt(deadLetters.opts<{ dataDir: string }>().dataDir, io);
      if (!store) return;
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
