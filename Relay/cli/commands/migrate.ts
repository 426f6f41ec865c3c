import type { Command } from 'commander';
import { checkLogicalName, migrateFromMicrosoftConnector } from '../../backfill/microsoftConnectorMigration';
import type { MigrationLine, MigrationReport } from '../../backfill/microsoftConnectorMigration';
import { loadConfig } from '../../config/config';
import { createClients } from '../../server/clients';
import type { CliIo } from '../io';

const line = (l: MigrationLine) =>
  `  referral ${l.referralId}${l.opportunityId ? ` ↔ opportunity ${l.opportunityId}` : ''}${l.reason ? `: ${l.reason}` : ''}\n`;

function formatReport(report: MigrationReport, dryRun: boolean): string {
  const verb = dryRun ? 'would link' : 'linked';
  const sections: Array<[string, MigrationLine[]]> = [
    [`${verb} from Microsoft's connector's column`, report.linkedByColumn],
    [`${verb} by externalReferenceId`, report.linkedByExternalReference],
    ['skipped', report.skipped],
    ['unmatched (`cosell backfill` creates them)', report.unmatched],
  ];
  const body = sections
    .map(([title, lines]) => `${title}: ${lines.length}\n${lines.map(line).join('')}`)
    .join('');
  return `${dryRun ? 'dry run, nothing written\n' : ''}${body}`;
}

/** `cosell migrate`: link the opportunities Microsoft's connector created to their referrals, before backfill. */
export function registerMigrate(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description(
      "take over opportunities linked by Microsoft's co-sell connector (run before `cosell backfill`)",
    )
    .requiredOption(
      '--referral-id-column <logical name>',
      "the old connector's referral id column on opportunity",
    )
    .option('--sync-column <logical name>', 'its "Sync with Partner Center" Yes/No column, copied too')
    .option('--dry-run', 'report what would be linked; write nothing')
    .option('--json', 'machine-readable output')
    .action(
      async (options: {
        referralIdColumn: string;
        syncColumn?: string;
        dryRun?: boolean;
        json?: boolean;
      }) => {
        const referralIdColumn = checkLogicalName('--referral-id-column', options.referralIdColumn);
        const syncColumn = options.syncColumn && checkLogicalName('--sync-column', options.syncColumn);
        const clients = createClients(loadConfig());
        const report = await migrateFromMicrosoftConnector(clients.dataverse, clients.partnerCenter, {
          referralIdColumn,
          syncColumn: syncColumn || undefined,
          dryRun: options.dryRun,
        });
        io.stdout(
          options.json
            ? `${JSON.stringify(report, null, 2)}\n`
            : formatReport(report, options.dryRun ?? false),
        );
      },
    );
}
