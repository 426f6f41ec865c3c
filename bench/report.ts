/**
 * What every benchmark writes: its figures as `bench/results/<name>.json` (with the machine they were
 * measured on: the machine is shared, so load average goes with the numbers) and its charts as
 * `bench/results/<file>.svg` next to them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const RESULTS_DIR = path.join(__dirname, 'results');

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    totalMemMb: round(os.totalmem() / 1024 / 1024),
    platform: `${os.platform()} ${os.release()}`,
    // Other processes share the machine (CI, parallel work): read the numbers against this.
    loadAverage1m: round(os.loadavg()[0]!, 2),
    node: process.version,
  };
}

/** Writes `bench/results/<name>.json`, stamped with the machine and the time; returns the path. */
export function writeResult(name: string, result: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  const stamped = { bench: name, ...result, machine: machine(), measuredAt: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(stamped, null, 2)}\n`);
  return file;
}

/** Writes `bench/results/<name>.svg` (from bench/svgChart.ts); returns the path. */
export function writeChart(name: string, svg: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.svg`);
  writeFileSync(file, svg);
  return file;
}
