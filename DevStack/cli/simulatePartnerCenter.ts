/** `cosell simulate partner-center`: runs the Partner Center simulator until interrupted. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliIo } from '../../Relay/cli/io';
import { startPartnerCenterSimulator } from '../simulators/partnercenter';

const parsePort = (value: string): number => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
};

export function registerSimulatePartnerCenter(simulate: Command, io: CliIo): void {
  simulate
    .command('partner-center')
    .description('Partner Center Referrals + webhooks simulator on 127.0.0.1 (control API under /_control)')
    .option('--port <port>', 'port to listen on (0 = any free port)', parsePort, 7071)
    .option(
      '--data-dir <dir>',
      'directory for persisted state and the signing certificate',
      '.sandbox/partnercenter',
    )
    .option('--reset', 'start from empty state', false)
    .action(async (opts: { port: number; dataDir: string; reset: boolean }) => {
      const sim = await startPartnerCenterSimulator({
        port: opts.port,
        dataDir: opts.dataDir,
        reset: opts.reset,
      });
      io.stdout(
        `Partner Center simulator on ${sim.url}\n` +
          `  referrals API  ${sim.referralsUrl}\n` +
          `  webhooks API   ${sim.webhooksUrl}\n` +
          `  certificate    ${sim.certificateUrl}\n` +
          `  control API    ${sim.url}/_control (see DevStack/simulators/partnercenter/README.md)\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sim.close();
    });
}
