import type { Command } from 'commander';
import type { CliIo } from '../io';
import { registerPreview } from './preview';
import { registerParseEvent } from './parseEvent';
import { registerRelay } from './relay';
import { registerSetup } from './setup';
import { registerDeadLetters } from './deadLetters';
import { registerDoctor } from './doctor';
import { registerLogin } from './login';
import { registerStore } from './store';
import { registerBackfill } from './backfill';
import { registerMigrate } from './migrate';

/** A command module adds its subcommand(s) to the program. */
export type RegisterCommand = (program: Command, io: CliIo) => void;

// One line per command module (`simulate` is lazy: see bin/cosell.js).
export const commands: RegisterCommand[] = [
  registerPreview,
  registerParseEvent,
  registerRelay,
  registerSetup,
  registerDeadLetters,
  registerLogin,
  registerDoctor,
  registerStore,
  registerBackfill,
  registerMigrate,
];
