import { Command, Option } from 'commander';
import { createSignInStore, defaultAuthority, deviceCodeSignIn } from '../../partnercenter';
import type { CliIo } from '../io';

/**
 * `cosell login partner-center`: the Referrals-admin account signs in once with a device code (MFA
 * included) and the relay keeps the refresh token in its data dir.
 */
export function registerLogin(program: Command, io: CliIo): void {
  const login = program.command('login').description('sign in the accounts the relay acts as');
  login
    .command('partner-center')
    .description('device-code sign-in of the Partner Center Referrals-admin account; stored in the data dir')
    .addOption(
      new Option('--tenant-id <id>', 'Entra tenant of the Partner Center account').env('COSELL_PC_TENANT_ID'),
    )
    .addOption(
      new Option('--client-id <id>', "the relay's Partner Center app registration (public client)").env(
        'COSELL_PC_CLIENT_ID',
      ),
    )
    .addOption(
      new Option('--data-dir <dir>', 'where the relay keeps its data')
        .env('COSELL_DATA_DIR')
        .default('.relay'),
    )
    .addOption(
      new Option(
        '--authority <url>',
        'sign-in authority (default https://login.microsoftonline.com/<tenant>)',
      ).hideHelp(),
    )
    .option('--timeout <seconds>', 'give up waiting for the sign-in after this long', (v) => Number(v))
    .action(
      async (options: {
        tenantId?: string;
        clientId?: string;
        dataDir: string;
        authority?: string;
        timeout?: number;
      }) => {
        const missing = [
          !options.tenantId && '--tenant-id (or COSELL_PC_TENANT_ID)',
          !options.clientId && '--client-id (or COSELL_PC_CLIENT_ID)',
        ].filter(Boolean);
        if (missing.length) {
          io.stderr(`cosell login partner-center: pass ${missing.join(' and ')}\n`);
          io.exitCode = 2;
          return;
        }
        const store = createSignInStore(options.dataDir);
        const { username } = await deviceCodeSignIn({
          tenantId: options.tenantId!,
          clientId: options.clientId!,
          authority: options.authority ?? defaultAuthority(options.tenantId!),
          store,
          timeoutSec: options.timeout,
          // Microsoft's own instruction: open the page, enter the code, sign in as the Referrals admin.
          showCode: (message) => io.stdout(`${message}\n`),
        });
        const status = await store.read();
        io.stdout(
          `Signed in to Partner Center as ${username}. The sign-in is in ${store.file} (readable by this user only).\n` +
            `It expires on ${status!.expiresAt.toISOString().slice(0, 10)} unless the relay uses it; each use renews it. ` +
            '`cosell doctor` and the relay warn 14 days before.\n',
        );
      },
    );
}
