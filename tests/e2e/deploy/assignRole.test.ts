/**
 * `cosell setup --assign-role` on the Dataverse simulator: sellers get the seller role and the
 * read-only field security profile, the relay's application user the integration role and profile;
 * a second run changes nothing, and a dry run only plans.
 */
import { readFileSync } from 'node:fs';
import { FieldSecurityProfiles, SecurityAssignments, SecurityRoles } from '../../../Domain/constants';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import { runSetup } from '../../../Relay/config/setup';
import type { PlanItem } from '../../../Relay/config/setup';
import { createDataverseClient, staticTokenProvider } from '../../../Relay/dataverse';
import type { DataverseClient } from '../../../Relay/dataverse';
import { findManagedZip } from '../../../DevStack/sandbox/stack';
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { FakePartnerCenter } from '../../testkit/fakePartnerCenter';
import { closeAfterAll } from '../../testkit/cleanup';
import { tokenFor } from '../../unit/dataverse/support';

const SELLER_UPN = 'megan@contoso.com';

describe('cosell setup --assign-role', () => {
  let admin: DataverseClient;
  let sellerId: string;
  let relayUserId: string;

  const setup = async (sellers: string[], dryRun = false) => {
    const plan: PlanItem[] = [];
    await runSetup({
      dataverse: admin,
      partnerCenter: new FakePartnerCenter(),
      relayUrl: 'https://cosell.contoso.com',
      webhookKey: 'k'.repeat(40),
      solutionZip: readFileSync(findManagedZip()),
      fieldMap: DEFAULT_FIELD_MAP,
      dryRun,
      testEvent: false,
      roleAssignment: { sellers, integrationUserId: relayUserId },
      report: (item) => plan.push(item),
    });
    return plan.filter((item) => item.component === 'security');
  };
  const held = async (userId: string, navigation: string, idColumn: string) =>
    (await admin.retrieveMultiple(`systemusers(${userId})/${navigation}`, { select: [idColumn] })).map((r) =>
      String(r[idColumn]),
    );

  beforeAll(async () => {
    const simulator = await startDataverseSimulator({ port: 0 });
    closeAfterAll(() => simulator.close());
    const client = (token: string) =>
      createDataverseClient({
        environmentUrl: simulator.url,
        tokens: staticTokenProvider(token),
        http: { sleep: async () => undefined },
      });
    admin = client(tokenFor('a11ce000-0000-4000-8000-0000000000ad', { appid: 'cosell-setup', idtyp: 'app' }));
    await admin.executeAction('ImportSolution', {
      CustomizationFile: readFileSync(findManagedZip()).toString('base64'),
    });
    // First use creates the seller's and the relay's users, as signing in does.
    sellerId = (await client(tokenFor('5e11e400-0000-4000-8000-000000000001', { upn: SELLER_UPN })).whoAmI())
      .UserId;
    relayUserId = (
      await client(
        tokenFor('a11ce000-0000-4000-8000-0000000000aa', { appid: 'cosell-relay', idtyp: 'app' }),
      ).whoAmI()
    ).UserId;
  });

  it('plans in a dry run, then gives sellers and the relay their role and field security profile', async () => {
    const planned = await setup([SELLER_UPN], true);
    expect(planned.map((i) => i.action)).toEqual(['create', 'create', 'create', 'create']);
    expect(await held(sellerId, SecurityAssignments.userRoles, 'roleid')).not.toContain(
      SecurityRoles.seller.id,
    );

    const applied = await setup([SELLER_UPN]);
    expect(applied.map((i) => `${i.action} ${i.name}`)).toEqual([
      `create relay application user: role ${SecurityRoles.integration.name}`,
      `create relay application user: field security profile ${FieldSecurityProfiles.integration.name}`,
      `create ${SELLER_UPN}: role ${SecurityRoles.seller.name}`,
      `create ${SELLER_UPN}: field security profile ${FieldSecurityProfiles.seller.name}`,
    ]);
    expect(await held(sellerId, SecurityAssignments.userRoles, 'roleid')).toContain(SecurityRoles.seller.id);
    expect(await held(sellerId, SecurityAssignments.userProfiles, 'fieldsecurityprofileid')).toEqual([
      FieldSecurityProfiles.seller.id,
    ]);
    expect(await held(relayUserId, SecurityAssignments.userRoles, 'roleid')).toContain(
      SecurityRoles.integration.id,
    );
    expect(await held(relayUserId, SecurityAssignments.userProfiles, 'fieldsecurityprofileid')).toEqual([
      FieldSecurityProfiles.integration.id,
    ]);
  });

  it('is idempotent and accepts a systemuserid', async () => {
    const again = await setup([sellerId]);
    expect(again.map((i) => i.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
  });

  it('names a user it cannot find', async () => {
    await expect(setup(['nobody@contoso.com'])).rejects.toThrow(/No Dataverse user nobody@contoso.com/);
  });
});
