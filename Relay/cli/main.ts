/**
 * `cosell` — the product's CLI. Each command lives in its own module under ./commands and registers
 * itself on the program; this file only wires them and turns failures into exit codes.
 */
import { Command, CommanderError } from 'commander';
import type { CliIo } from './io';
import { defaultIo } from './io';
import { commands } from './commands';
import type { RegisterCommand } from './commands';

/**
 * A command whose code is loaded only when it is run (or its help is asked for): `cosell simulate`
 * lives in the development stack, which `cosell relay` must never load and a production install
 * does not ship. `load` rejects when the code is not there.
 */
export interface LazyCommand {
  name: string;
  description: string;
  load(): Promise<RegisterCommand>;
}

const wants = (argv: string[], name: string) => argv[0] === name || (argv[0] === 'help' && argv[1] === name);

export async function main(
  argv: string[],
  io: CliIo = defaultIo,
  lazyCommands: LazyCommand[] = [],
): Promise<number> {
  const program = new Command('cosell')
    .description('Partner Center co-sell for Dynamics 365')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  for (const register of commands) register(program, io);
  try {
    for (const lazy of lazyCommands) {
      // Elsewhere the command is only a line in `cosell --help`.
      if (wants(argv, lazy.name)) (await lazy.load())(program, io);
      else program.command(lazy.name).description(lazy.description);
    }
    await program.parseAsync(argv, { from: 'user' });
    return io.exitCode ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    // Expected failures are reported by the commands; anything else is one line, no stack trace.
    io.stderr(`cosell: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
