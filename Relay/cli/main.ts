/**
 * `cosell` — the product's CLI. Each command lives in its own module under ./commands and registers
 * itself on the program; this file only wires them and turns failures into exit codes.
 */
import { Command, CommanderError } from 'commander';
import type { CliIo } from './io';
import { defaultIo } from './io';
import { commands } from './commands';

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const program = new Command('cosell')
    .description('Partner Center co-sell for Dynamics 365')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  for (const register of commands) register(program, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return io.exitCode ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    // Expected failures are reported by the commands; anything else is one line, no stack trace.
    io.stderr(`cosell: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
