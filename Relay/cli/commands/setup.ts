import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { EnvironmentVariables } from '../../../Domain/constants';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import { loadConfig } from '../../config/config';
import { runSetup } from '../../config/setup';
import type { PlanItem } from '../../config/setup';
import { createClients } from '../../server/clients';
import type { CliIo } from '../io';

const SYMBOL: Record<PlanItem['action'], string> = { create: '+', update: '~', delete: '-', unchanged: '=' };

const EXAMPLES = {
  '--dataverse-url': 'https://contoso.crm.dynamics.com',
  '--relay-url': 'https://cosell-relay.contoso.com',
} as const;

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** `cosell setup`: make a Dataverse environment and Partner Center ready for the relay (idempotent). */
export function registerSetup(program: Command, io: CliIo): void {
  program
    .command('setup')
    .description(
      'import the solution, set environment variables, register webhook steps and the Partner Center webhook',
    )
    .requiredOption('--dataverse-url <url>', 'environment URL, e.g. https://contoso.crm.dynamics.com')
    .option('--solution <zip>', 'managed solution zip to import (skipped when that version is installed)')
    .option('--relay-url <url>', 'public URL of the relay (default COSELL_PUBLIC_URL)')
    .option('--relay-client-id <id>', 'Entra app id of the relay API (sets pcs_RelayClientId)')
    .option(
      '--assign-role <principals...>',
      'give these sellers (a user: systemuserid or UPN; a team: team:<name or teamid>) the seller role and field security profile, and the relay application user (COSELL_DATAVERSE_INTEGRATION_USER_ID) its own',
    )
    .option('--dry-run', 'print the plan, change nothing')
    .action(
      async (options: {
        dataverseUrl: string;
        solution?: string;
        relayUrl?: string;
        relayClientId?: string;
        dryRun?: boolean;
        assignRole?: string[];
      }) => {
        // A flag's value is checked as the flag: loadConfig would blame COSELL_DATAVERSE_URL for it.
        for (const [flag, value] of [
          ['--dataverse-url', options.dataverseUrl],
          ['--relay-url', options.relayUrl],
        ] as const) {
          if (value !== undefined && !isHttpUrl(value)) {
            io.stderr(`cosell setup: ${flag} '${value}' is not an http(s) URL (e.g. ${EXAMPLES[flag]})\n`);
            io.exitCode = 2;
            return;
          }
        }
        const config = loadConfig({ ...process.env, COSELL_DATAVERSE_URL: options.dataverseUrl });
        const relayUrl = options.relayUrl ?? config.publicUrl;
        if (!relayUrl) {
          io.stderr(
            'cosell setup: pass --relay-url or set COSELL_PUBLIC_URL (where Dataverse and Partner Center reach the relay)\n',
          );
          io.exitCode = 2;
          return;
        }
        const clients = createClients(config);
        const result = await runSetup({
          dataverse: clients.dataverse,
          partnerCenter: clients.partnerCenter,
          relayUrl,
          webhookKey: config.dataverse.webhookKey,
          solutionZip: options.solution ? readFileSync(options.solution) : null,
          environmentVariables: {
            [EnvironmentVariables.relayBaseUrl]: relayUrl,
            ...(options.relayClientId ? { [EnvironmentVariables.relayClientId]: options.relayClientId } : {}),
          },
          fieldMap: DEFAULT_FIELD_MAP,
          dryRun: Boolean(options.dryRun),
          roleAssignment: options.assignRole
            ? { sellers: options.assignRole, integrationUserId: config.dataverse.integrationUserId }
            : undefined,
          report: (item) =>
            io.stdout(
              `${SYMBOL[item.action]} ${item.component}: ${item.name}${item.detail ? ` (${item.detail})` : ''}\n`,
            ),
        });
        const changes = result.plan.filter((i) => i.action !== 'unchanged').length;
        io.stdout(
          options.dryRun
            ? `dry run: ${changes} change(s) planned\n`
            : `${changes} change(s) applied; test event ${result.testEvent}\n`,
        );
        if (result.testEvent === 'not delivered') io.exitCode = 1;
      },
    );
}
