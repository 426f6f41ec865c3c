/**
 * `npm start` (after `npm run build`): the sandbox on 127.0.0.1 until Ctrl-C, with the demo form.
 * State stays in `.sandbox/`; `--reset` starts over.
 */
import { sandboxExtra as demoForm } from '../demo/sandboxExtra';
import { startSandbox } from './sandbox';
import type { Sandbox } from './sandbox';

function printWelcome(sandbox: Sandbox): void {
  const e = sandbox.endpoints;
  const lines = [
    '',
    'Partner Center co-sell sandbox is running (state in .sandbox/, `npm start -- --reset` to start over)',
    '',
    ...Object.entries(e.extras).map(([name, url]) => `  ${name.padEnd(22)} ${url}`),
    `  relay                  ${e.relay}   (health ${e.relayHealth}, metrics ${e.relayMetrics})`,
    `  Dataverse simulator    ${e.dataverseApi}`,
    `  Partner Center sim.    ${e.partnerCenterReferrals}`,
    '',
    sandbox.seed.seeded
      ? `Seeded ${sandbox.seed.opportunities.length} opportunities and ${sandbox.seed.referrals.length} incoming Microsoft referrals.`
      : 'Existing sandbox data kept.',
    '',
    'Try:',
    `  curl -s '${e.dataverseApi}opportunities?$select=name,pcs_referralid,pcs_syncstatus'   # ✔ on the synced one`,
    `  curl -s '${e.partnerCenterReferrals}'                                                 # the referrals Partner Center has`,
    `  curl -s ${e.relayMetrics} | grep cosell_                                              # queue depth, outcomes, API calls`,
    '  Switch sync on for "Tailspin Toys data estate": ✖ and a message (country is not ISO-2); fix the',
    '  account country to US and it turns ✔.',
    '',
    'Endpoints are in .sandbox/endpoints.json. Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ reset: process.argv.includes('--reset'), extras: [demoForm] });
  printWelcome(sandbox);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the sandbox…\n');
    await sandbox.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`sandbox failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
