/**
 * How long this disk takes to make an appended page durable: 4 KB written, then fdatasync, as the
 * store's WAL sync does. A webhook is answered only after such a sync started after its commit, so
 * `connections ÷ sync time` is the most a route can answer per second at that concurrency, whatever
 * the relay's CPU does: the figure that tells a slow disk from a slow relay.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { round } from './report';

export interface SyncProbe {
  syncs: number;
  /** Syncs running at once (the store allows more than one). */
  concurrency: number;
  ms: { p50: number; p90: number; p99: number };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function probeSync(dir: string, syncs = 200, concurrency = 1): Promise<SyncProbe> {
  const file = path.join(dir, 'sync-probe');
  const fd = openSync(file, 'w');
  const handle = await open(file, 'r+');
  const page = Buffer.alloc(4096, 0x2a);
  const times: number[] = [];
  let next = 0;
  try {
    const worker = async () => {
      while (next < syncs) {
        writeSync(fd, page, 0, page.length, (next++ % 256) * page.length);
        const start = performance.now();
        await handle.datasync();
        times.push(performance.now() - start);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await handle.close();
    closeSync(fd);
    rmSync(file, { force: true });
  }
  times.sort((a, b) => a - b);
  return {
    syncs: times.length,
    concurrency,
    ms: {
      p50: round(percentile(times, 50), 2),
      p90: round(percentile(times, 90), 2),
      p99: round(percentile(times, 99), 2),
    },
  };
}
