import type { Command } from 'commander';
import type { CliIo } from '../../Relay/cli/io';
import { registerSimulatePartnerCenter } from './simulatePartnerCenter';
import { registerSimulateDataverse } from './simulateDataverse';

/** `cosell simulate <service>`: each simulator adds its subcommand to `simulate` here (loaded lazily by bin/cosell.js). */
export type RegisterSimulator = (simulate: Command, io: CliIo) => void;

// One line per simulator.
const simulators: RegisterSimulator[] = [registerSimulatePartnerCenter, registerSimulateDataverse];

export function registerSimulate(program: Command, io: CliIo): void {
  const simulate = program.command('simulate').description('run a local simulator on 127.0.0.1');
  for (const register of simulators) register(simulate, io);
}
