/**
 * One process of the store contract's concurrency test (run with tsx): `STORE_WORKERS` workers
 * claim and complete jobs from the store described by `STORE_SPEC` until the queue is empty and
 * `STORE_DONE_FILE` exists. Each job creates a directory named after its key while it runs:
 * mkdir fails if the directory exists, so two jobs of one key running at once (in any process)
 * are caught without comparing clocks. Completed job ids go to `STORE_RESULT_FILE`, one a line.
 */
import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStoreSpec } from './storeSpec';
import type { StoreSpec } from './storeSpec';

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.STORE_SPEC!) as StoreSpec;
  const workers = Number(process.env.STORE_WORKERS);
  const keysDir = process.env.STORE_KEYS_DIR!;
  const resultFile = process.env.STORE_RESULT_FILE!;
  const doneFile = process.env.STORE_DONE_FILE!;
  // The result file exists even when the other processes took every job (a quiet machine starts them
  // at different speeds): an empty list, not a missing file.
  writeFileSync(resultFile, '');
  const store = await openStoreSpec(spec);
  let overlaps = 0;

  const work = async () => {
    for (;;) {
      const job = await store.claim(new Date());
      if (!job) {
        const depth = await store.depth();
        if (existsSync(doneFile) && depth.queued === 0 && depth.running === 0) return;
        await sleep(20);
        continue;
      }
      const marker = path.join(keysDir, encodeURIComponent(job.key));
      try {
        mkdirSync(marker);
      } catch {
        overlaps += 1;
      }
      await sleep(1 + Math.floor(Math.random() * 4));
      rmSync(marker, { recursive: true, force: true });
      appendFileSync(resultFile, `${job.id}\n`);
      await store.complete(job.id);
    }
  };
  await Promise.all(Array.from({ length: workers }, work));
  await store.close();
  process.stdout.write(JSON.stringify({ overlaps }));
}

main().catch((error: unknown) => {
  process.stderr.write(String(error instanceof Error ? error.stack : error));
  process.exit(1);
});
