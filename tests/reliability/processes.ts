/**
 * `cosell` commands as their own OS processes: the relay and both simulators run exactly as an
 * operator starts them, so `kill -9` is a real crash and memory is the process's own.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '../testkit/paths';

const COSELL_BIN = path.join(REPO_ROOT, 'bin', 'cosell.js');

export interface CosellProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the first stdout line matching `pattern` (rejects if the process ends first). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Exit code (null when killed by a signal) once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Peak resident set size in KiB (VmHWM), read while the process is alive; null elsewhere. */
  peakRssKb(): number | null;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `node bin/cosell.js <args>` with `env` added to ours; output is also copied to `logFile`. */
export function startCosell(
  name: string,
  args: string[],
  env: Record<string, string>,
  logFile: string,
): CosellProcess {
  const child = spawn(process.execPath, [COSELL_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    log.write(chunk);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    log.write(chunk);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const wake of waiters.splice(0)) wake();
      resolve({ code, signal });
    });
  });
  void exited.then(() => log.end());
  let ended = false;
  void exited.then(() => {
    ended = true;
  });

  return {
    name,
    child,
    pid: child.pid!,
    exited,
    stderr: () => stderr,
    waitForLine(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const check = () => {
          const match = pattern.exec(stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match);
          } else if (ended) {
            clearTimeout(timer);
            reject(new Error(`${name} ended before printing ${pattern}: ${stderr.trim().slice(-2000)}`));
          } else waiters.push(check);
        };
        check();
      });
    },
    peakRssKb() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
        return match ? Number(match[1]) : null;
      } catch {
        return null;
      }
    },
    async kill(signal = 'SIGTERM') {
      if (ended) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** A free loopback port: the relay's address must be known before `cosell setup` registers it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
