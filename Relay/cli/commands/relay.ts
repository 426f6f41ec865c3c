import type { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { printableConfig } from '../../config/printConfig';
import { createLogger } from '../../logging/logger';
import { createClients } from '../../server/clients';
import { createRelay } from '../../server/relay';
import { openRelayStore } from '../../store/openStore';
import type { CliIo } from '../io';

/** `cosell relay`: run the relay with the configuration from COSELL_* environment variables. */
export function registerRelay(program: Command, io: CliIo): void {
  program
    .command('relay')
    .description('run the relay (configuration from COSELL_* environment variables; see Relay/README.md)')
    .option('--print-config', 'print the effective configuration (secrets masked) and exit')
    .action(async (options: { printConfig?: boolean }) => {
      if (options.printConfig) {
        io.stdout(printableConfig(process.env));
        return;
      }
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel });
      // Before anything else: a second relay on a SQLite queue must leave it untouched.
      const { store, leadership } = await openRelayStore(config, logger);
      const clients = createClients(config, logger);
      if (!config.dataverse.integrationUserId) {
        // Its own writes must not sync back: learn who we are in Dataverse.
        config.dataverse.integrationUserId = (await clients.dataverse.whoAmI()).UserId.toLowerCase();
      }
      const relay = await createRelay({
        config,
        store,
        leadership,
        ...clients,
        logger,
      });
      const address = await relay.start();
      // Handlers first: a supervisor may stop us as soon as it reads the line below.
      const stopped = new Promise<void>((resolve) => {
        const stop = () => void relay.stop().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      io.stdout(`relay listening on ${address}\n`);
      await stopped;
    });
}
