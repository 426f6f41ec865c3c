import type { Command } from 'commander';
import { loadStoreConfig } from '../../config/config';
import type { Store } from '../../ports';
import { MissingQueueError } from '../../store/missingQueue';
import { openStore } from '../../store/openStore';
import type { CliIo } from '../io';

/**
 * The relay's queue, chosen as `cosell relay` chooses it: PostgreSQL when COSELL_DATABASE_URL is
 * set, otherwise the SQLite file in `dataDir`. Null (and a message, exit 1) when there is none
 * there: opening would create an empty one.
 */
async function storeAt(dataDir: string, io: CliIo): Promise<Store | null> {
  const config = loadStoreConfig({ ...process.env, COSELL_DATA_DIR: dataDir });
  try {
    return await openStore(config, { owner: false, mustExist: true });
  } catch (error) {
    if (!(error instanceof MissingQueueError)) throw error;
    const setting = config.database
      ? 'COSELL_DATABASE_SCHEMA the schema'
      : '--data-dir (or COSELL_DATA_DIR) the folder';
    io.stderr(`cosell dead-letters: ${error.message}: is ${setting} the relay runs with?\n`);
    io.exitCode = 1;
    return null;
  }
}

/** `cosell dead-letters list|retry|discard`: jobs that exhausted their retries, on the relay's own store (safe while it runs). */
export function registerDeadLetters(program: Command, io: CliIo): void {
  const deadLetters = program
    .command('dead-letters')
    .description('list, retry or discard jobs that failed permanently')
    .option(
      '--data-dir <dir>',
      'relay data folder (default COSELL_DATA_DIR or .relay)',
      process.env.COSELL_DATA_DIR ?? '.relay',
    );

  deadLetters
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const store = await storeAt(deadLetters.opts<{ dataDir: string }>().dataDir, io);
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
    .description('requeue dead letters now, their attempts reset')
    .argument('[ids...]', 'dead letter ids (all when omitted with --all)')
    .option('--all', 'retry every dead letter')
    .action(async (ids: string[], options: { all?: boolean }) =>
      eachDeadLetter('retry', ids, options, io, (store, id) =>
        store.retryDeadLetter(id, new Date()).then((done) => (done ? `requeued ${id}` : null)),
      ),
    );

  deadLetters
    .command('discard')
    .description('remove dead letters that need no retry (the record was deleted, or synced since)')
    .argument('[ids...]', 'dead letter ids (all when omitted with --all)')
    .option('--all', 'discard every dead letter')
    .action(async (ids: string[], options: { all?: boolean }) =>
      eachDeadLetter('discard', ids, options, io, (store, id) =>
        store.discardDeadLetter(id).then((done) => (done ? `discarded ${id}` : null)),
      ),
    );

  /** Apply one action to the given dead letters (or all); exit 2 when an id is not a dead letter. */
  async function eachDeadLetter(
    verb: string,
    ids: string[],
    options: { all?: boolean },
    io: CliIo,
    act: (store: Store, id: string) => Promise<string | null>,
  ): Promise<void> {
    const store = await storeAt(deadLetters.opts<{ dataDir: string }>().dataDir, io);
    if (!store) return;
    try {
      const targets = options.all ? (await store.listDeadLetters()).map((j) => j.id) : ids;
      if (!targets.length) {
        io.stderr(`cosell dead-letters ${verb}: give dead letter ids or --all\n`);
        io.exitCode = 2;
        return;
      }
      let missing = 0;
      for (const id of targets) {
        const done = await act(store, id);
        if (done) io.stdout(`${done}\n`);
        else {
          io.stderr(`no dead letter ${id}\n`);
          missing += 1;
        }
      }
      if (missing) io.exitCode = 2;
    } finally {
      await store.close();
    }
  }
}
