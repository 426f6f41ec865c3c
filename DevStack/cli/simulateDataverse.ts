/**
 * `cosell simulate dataverse --port <p> [--data-dir d] [--reset]`: runs the Dataverse simulator on
 * 127.0.0.1 until interrupted. Adapter only; the simulator lives in DevStack/simulators/dataverse.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import type { CliIo } from '../../Relay/cli/io';
import { startDataverseSimulator } from '../simulators/dataverse';

export function registerSimulateDataverse(simulate: Command, io: CliIo): void {
  simulate
    .command('dataverse')
    .description('local Dataverse Web API (imports our solution zip, fires webhook steps)')
    .addOption(new Option('--port <port>', 'port on 127.0.0.1 (0 = any free port)').default('8082'))
    .option('--data-dir <dir>', 'persist rows and imported schema here', '.sandbox/dataverse')
    .option('--reset', 'start from an empty environment', false)
    .option('--require-auth', 'reject requests without a bearer token', false)
    .option(
      '--retry-time-scale <factor>',
      'real time per scheduled ms of asynchronous retries (1 = minutes as modelled, 0 = at once)',
      '1',
    )
    .action(
      async (opts: {
        port: string;
        dataDir: string;
        reset: boolean;
        requireAuth: boolean;
        retryTimeScale: string;
      }) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          io.stderr(`cosell simulate dataverse: invalid --port '${opts.port}'\n`);
          io.exitCode = 2;
          return;
        }
        const timeScale = Number(opts.retryTimeScale);
        if (!Number.isFinite(timeScale) || timeScale < 0) {
          io.stderr(`cosell simulate dataverse: invalid --retry-time-scale '${opts.retryTimeScale}'\n`);
          io.exitCode = 2;
          return;
        }
        const simulator = await startDataverseSimulator({
          port,
          dataDir: opts.dataDir,
          reset: opts.reset,
          requireAuth: opts.requireAuth,
          asyncRetry: { timeScale },
        });
        io.stdout(`Dataverse simulator listening on ${simulator.apiUrl} (data: ${opts.dataDir})\n`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            void simulator.close().then(resolve);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      },
    );
}
