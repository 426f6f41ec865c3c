/**
 * `cosell setup --assign-role` on the Dataverse simulator: sellers get the seller role and the
 * read-only field security profile, the relay's application user the integration role and profile;
 * a second run changes nothing, and a dry run only plans. A team (`team:<name or id>`) gets the role
 * and profile itself, and its members act with the role's privileges.
 */
import { readFileSync } from 'node:fs';
import {
  EntitySets,
  FieldSecurityProfiles,
  SecurityAssignments,
  SecurityRoles,
  TeamColumns,
  TeamTypes,
} from '../../../Domain/constants';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import { runSetup } from '../../../Relay/config/setup';
import type { PlanItem } from '../../../Relay/config/setup';
import { createDataverseClient, staticTokenProvider } from '../../../Relay/dataverse';
import type { DataverseClient } from '../../../Relay/dataverse';
import { findManagedZip } from '../../../DevStack/sandbox/stack';
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import type { DataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { FakePartnerCenter } from '../../testkit/fakePartnerCenter';
import { closeAfterAll } from '../../testkit/cleanup';
import { tokenFor } from '../../unit/dataverse/support';

const SELLER_UPN = 'megan@contoso.com';
const ADMIN_TOKEN = tokenFor('a11ce000-0000-4000-8000-0000000000ad', { appid: 'cosell-setup', idtyp: 'app' });

describe('cosell setup --assign-role', () => {
  let simulator: DataverseSimulator;
  let client: (token: string) => DataverseClient;
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
  const held = async (id: string, navigation: string, idColumn: string, entitySet = EntitySets.systemuser) =>
    (await admin.retrieveMultiple(`${entitySet}(${id})/${navigation}`, { select: [idColumn] })).map((r) =>
      String(r[idColumn]),
    );

  /** RetrievePrincipalAccess as the admin asks it: what `principal` may do on `target`. */
  const accessOf = async (principal: string, target: string): Promise<string> => {
    const response = await fetch(
      `${simulator.apiUrl}systemusers(${principal})/Microsoft.Dynamics.CRM.RetrievePrincipalAccess(Target=@t)?@t={'@odata.id':'${target}'}`,
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
    );
    expect(response.status).toBe(200);
    return ((await response.json()) as { AccessRights: string }).AccessRights;
  };
  const createTeam = (name: string, teamtype: number) =>
    admin.create(TeamColumns.entitySet, {
      [TeamColumns.name]: name,
      [TeamColumns.teamType]: teamtype,
      [`${TeamColumns.businessUnit}@odata.bind`]: `/businessunits(${simulator.ids.rootBusinessUnit})`,
    });

  beforeAll(async () => {
    simulator = await startDataverseSimulator({ port: 0 });
    closeAfterAll(() => simulator.close());
    client = (token: string) =>
      createDataverseClient({
        environmentUrl: simulator.url,
        tokens: staticTokenProvider(token),
        http: { sleep: async () => undefined },
      });
    admin = client(ADMIN_TOKEN);
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

  it('gives a team the seller role and profile; its members then act with the role', async () => {
    const alex = client(tokenFor('5e11e400-0000-4000-8000-000000000002', { upn: 'alex@contoso.com' }));
    const alexId = (await alex.whoAmI()).UserId;
    const teamId = await createTeam('Contoso Sellers', TeamTypes.owner);
    await admin.associate(
      TeamColumns.entitySet,
      teamId,
      SecurityAssignments.teamMembers,
      EntitySets.systemuser,
      alexId,
    );
    const event = await admin.create(EntitySets.pcs_syncevent, { pcs_name: 'Referral imported' });
    // A member of a team without the role: the simulator's first-use seller role has no sync events.
    await expect(
      alex.retrieveMultiple(EntitySets.pcs_syncevent, { select: ['pcs_name'] }),
    ).rejects.toMatchObject({
      details: { status: 403, code: '0x80040220' },
    });
    expect(await accessOf(alexId, `pcs_syncevents(${event})`)).toBe('None');

    const team = 'team:Contoso Sellers';
    const planned = await setup([team], true);
    expect(planned.slice(2).map((i) => `${i.action} ${i.name}`)).toEqual([
      `create ${team}: role ${SecurityRoles.seller.name}`,
      `create ${team}: field security profile ${FieldSecurityProfiles.seller.name}`,
    ]);
    expect(await held(teamId, SecurityAssignments.teamRoles, 'roleid', TeamColumns.entitySet)).toEqual([]);

    const applied = await setup([team]);
    expect(applied.map((i) => i.action)).toEqual(['unchanged', 'unchanged', 'create', 'create']);
    expect(await held(teamId, SecurityAssignments.teamRoles, 'roleid', TeamColumns.entitySet)).toEqual([
      SecurityRoles.seller.id,
    ]);
    expect(
      await held(teamId, SecurityAssignments.teamProfiles, 'fieldsecurityprofileid', TeamColumns.entitySet),
    ).toEqual([FieldSecurityProfiles.seller.id]);
    // Alex holds the role through the team only.
    expect(await held(alexId, SecurityAssignments.userRoles, 'roleid')).not.toContain(
      SecurityRoles.seller.id,
    );
    const events = await alex.retrieveMultiple(EntitySets.pcs_syncevent, { select: ['pcs_name'] });
    expect(events.map((e) => e.pcs_name)).toEqual(['Referral imported']);
    expect(await accessOf(alexId, `pcs_syncevents(${event})`)).toBe('ReadAccess');

    // By id, a second time: nothing left to do.
    expect((await setup([`team:${teamId}`])).map((i) => i.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });

  it('refuses an access team, a name two teams share and an unknown team, before assigning anything', async () => {
    await createTeam('Deal Room', TeamTypes.access);
    await expect(setup(['team:Deal Room'])).rejects.toThrow(/Deal Room is an access team/);
    const first = await createTeam('EMEA', TeamTypes.owner);
    const second = await createTeam('EMEA', TeamTypes.entraSecurityGroup);
    await expect(setup(['team:EMEA'])).rejects.toThrow(
      new RegExp(`2 Dataverse teams are named EMEA: give one teamid \\((${first}|${second}), `),
    );
    await expect(setup([SELLER_UPN, 'team:Nobody'])).rejects.toThrow(/No Dataverse team Nobody/);
    expect(await held(first, SecurityAssignments.teamRoles, 'roleid', TeamColumns.entitySet)).toEqual([]);
    // An Entra group team can hold the role.
    expect((await setup([`team:${second}`])).slice(2).map((i) => i.action)).toEqual(['create', 'create']);
  });
});
