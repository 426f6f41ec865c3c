import type { Command } from 'commander';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import { loadConfig } from '../../config/config';
import type { RelayConfig } from '../../config/config';
import { configurationResult, DOCTOR_CHECKS, runChecks } from '../../doctor';
import { formatResults, resultsJson } from '../../doctor/format';
import { relayHealthReader } from '../../doctor/relayHealth';
import { createClients } from '../../server/clients';
import type { RelayClients } from '../../server/clients';
import type { CliIo } from '../io';

/** Where a relay with this configuration answers on this machine. */
const localRelayUrl = (config: RelayConfig) =>
  `http://${['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host}:${config.port}`;

/** `cosell doctor`: every check of what the relay depends on, ✔/✖ each with its fix; exit 0 only when all pass. */
export function registerDoctor(program: Command, io: CliIo): void {
  program
    .command('doctor')
    .description('check configuration, sign-in, Dataverse and Partner Center wiring, and the running relay')
    .option('--json', 'machine-readable output')
    .option('--relay-url <url>', 'where the running relay answers (default from COSELL_HOST and COSELL_PORT)')
    .action(async (options: { json?: boolean; relayUrl?: string }) => {
      let config: RelayConfig;
      let clients: RelayClients;
      try {
        config = loadConfig();
        clients = createClients(config);
      } catch (error) {
        // Nothing else can run without configuration and credentials.
        const results = [configurationResult(error as Error)];
        io.stdout(options.json ? resultsJson(results) : formatResults(results));
        io.exitCode = 1;
        return;
      }
      const results = [
        configurationResult(null),
        ...(await runChecks(DOCTOR_CHECKS, {
          config,
          dataverse: clients.dataverse,
          partnerCenter: clients.partnerCenter,
          signIn: clients.signIn,
          relay: relayHealthReader(options.relayUrl ?? localRelayUrl(config)),
          clock: { now: () => new Date() },
          defaultFieldMap: DEFAULT_FIELD_MAP,
        })),
      ];
      io.stdout(options.json ? resultsJson(results) : formatResults(results));
      io.exitCode = results.every((r) => r.ok) ? 0 : 1;
    });
}
