import type { Command } from 'commander';
import type { CliIo } from '../io';
import { registerSimulate } from './simulate';
import { registerPreview } from './preview';
import { registerParseEvent } from './parseEvent';
import { registerRelay } from './relay';
import { registerSetup } from './setup';
import { registerDeadLetters } from './deadLetters';

/** A command module adds its subcommand(s) to the program. */
export type RegisterCommand = (program: Command, io: CliIo) => void;

// One line per command module; each issue adds its own.
export const commands: RegisterCommand[] = [
  registerSimulate,
  registerPreview,
  registerParseEvent,
  registerRelay,
  registerSetup,
  registerDeadLetters,
];
