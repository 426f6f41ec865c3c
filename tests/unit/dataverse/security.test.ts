/**
 * The simulator's security model: record ownership, roles with privileges at a depth, the seller role
 * users get on first use, enforcement on Web API reads and writes with Dataverse's error codes, and
 * RetrievePrincipalAccess in the request shape Microsoft's samples use, and teams: members hold the
 * privileges of their team's roles.
 */
import JSZip from 'jszip';
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import type { DataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { tokenFor } from './support';

const SELLER_A = '5e11e500-0000-4000-8000-00000000000a';
const SELLER_B = '5e11e500-0000-4000-8000-00000000000b';
const APP = '5e11e500-0000-4000-8000-0000000000ff';
const NOBODY = '5e11e500-0000-4000-8000-000000000000';

let sim: DataverseSimulator;
beforeAll(async () => {
  sim = await startDataverseSimulator({ port: 0 });
});
afterAll(() => sim.close());

// OData bodies of several shapes; each assertion reads the fields it needs.
/* eslint-disable @typescript-eslint/no-explicit-any */
async function api(
  as: string | null,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: any }> {
  const response = await fetch(sim.apiUrl + url, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(as ? { authorization: `Bearer ${as}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const person = (oid: string) =>
  tokenFor(oid, { name: `Seller ${oid.slice(-2)}`, upn: `${oid.slice(-2)}@contoso.example` });
const app = tokenFor(APP, { appid: 'relay-app', idtyp: 'app' });
const idOf = (r: { headers: Headers }) =>
  /\(([0-9a-f-]{36})\)$/.exec(r.headers.get('odata-entityid') ?? '')![1]!;

async function userId(token: string): Promise<string> {
  return (await api(token, 'GET', 'WhoAmI')).json.UserId as string;
}

async function roleNames(token: string | null, user: string): Promise<string[]> {
  const roles = await api(token, 'GET', `systemusers(${user})/systemuserroles_association?$select=name`);
  expect(roles.status).toBe(200);
  return (roles.json.value as Array<{ name: string }>).map((r) => r.name).sort();
}

async function opportunityOf(token: string, name: string): Promise<string> {
  const created = await api(token, 'POST', 'opportunities', { name });
  expect(created.status).toBe(204);
  return idOf(created);
}

/** RetrievePrincipalAccess as Microsoft's sample sends it (single-quoted alias, not encoded). */
async function accessRights(as: string | null, principal: string, target: string): Promise<string> {
  const response = await api(
    as,
    'GET',
    `systemusers(${principal})/Microsoft.Dynamics.CRM.RetrievePrincipalAccess(Target=@tid)?@tid={'@odata.id':'${target}'}`,
  );
  expect(response.status).toBe(200);
  expect(response.json['@odata.context']).toMatch(
    /\$metadata#Microsoft\.Dynamics\.CRM\.RetrievePrincipalAccessResponse$/,
  );
  return response.json.AccessRights as string;
}

describe('users created on first use', () => {
  it('a person gets the seller role, an application user System Administrator', async () => {
    expect(await roleNames(null, await userId(person(SELLER_A)))).toEqual(['Salesperson']);
    expect(await roleNames(null, await userId(app))).toEqual(['System Administrator']);
  });
});

describe('ownership and depth (seller: organization-wide read, user-level write)', () => {
  let a: string;
  let b: string;
  let deal: string;
  beforeAll(async () => {
    a = await userId(person(SELLER_A));
    b = await userId(person(SELLER_B));
    deal = await opportunityOf(person(SELLER_A), 'A’s deal');
  });

  it('a record created by a user is owned by them and their business unit', async () => {
    const row = await api(
      null,
      'GET',
      `opportunities(${deal})?$select=_ownerid_value,_owninguser_value,_owningbusinessunit_value`,
    );
    expect(row.json).toMatchObject({
      _ownerid_value: a,
      _owninguser_value: a,
      _owningbusinessunit_value: sim.ids.rootBusinessUnit,
    });
  });

  it('another seller reads it but may not write, delete or assign it: 403 0x80048306', async () => {
    expect((await api(person(SELLER_B), 'GET', `opportunities(${deal})?$select=name`)).status).toBe(200);
    const listed = await api(
      person(SELLER_B),
      'GET',
      `opportunities?$select=name&$filter=opportunityid eq ${deal}`,
    );
    expect(listed.json.value).toHaveLength(1);

    const write = await api(
      person(SELLER_B),
      'PATCH',
      `opportunities(${deal})`,
      { name: 'taken' },
      { 'if-match': '*' },
    );
    expect(write.status).toBe(403);
    expect(write.json.error.code).toBe('0x80048306');
    expect(write.json.error.message).toBe(
      `SecLib::AccessCheckEx failed. Returned hr = -2147187962, ObjectID: ${deal}, OwnerId: ${a}, OwnerIdType: 8 and CallingUser: ${b}. ObjectTypeCode: 3, objectBusinessUnitId: ${sim.ids.rootBusinessUnit}, AccessRights: WriteAccess`,
    );
    expect((await api(person(SELLER_B), 'DELETE', `opportunities(${deal})`)).status).toBe(403);
    const close = await api(person(SELLER_B), 'POST', 'WinOpportunity', {
      Status: 3,
      OpportunityClose: { subject: 'won', 'opportunityid@odata.bind': `/opportunities(${deal})` },
    });
    expect(close.status).toBe(403);
    expect((await api(null, 'GET', `opportunities(${deal})?$select=name,statecode`)).json).toMatchObject({
      name: 'A’s deal',
      statecode: 0,
    });
  });

  it('the owner writes it; assigning it to another seller moves the write access with it', async () => {
    const own = await api(
      person(SELLER_A),
      'PATCH',
      `opportunities(${deal})`,
      { description: 'mine' },
      { 'if-match': '*' },
    );
    expect(own.status).toBe(204);
    const assigned = await api(
      person(SELLER_A),
      'PATCH',
      `opportunities(${deal})`,
      { 'ownerid@odata.bind': `/systemusers(${b})` },
      { 'if-match': '*' },
    );
    expect(assigned.status).toBe(204);
    expect(
      (await api(null, 'GET', `opportunities(${deal})?$select=_owninguser_value`)).json._owninguser_value,
    ).toBe(b);
    expect(
      (await api(person(SELLER_A), 'PATCH', `opportunities(${deal})`, { name: 'x' }, { 'if-match': '*' }))
        .status,
    ).toBe(403);
    expect(
      (
        await api(
          person(SELLER_B),
          'PATCH',
          `opportunities(${deal})`,
          { name: 'B’s now' },
          { 'if-match': '*' },
        )
      ).status,
    ).toBe(204);
  });

  it('a seller may not create a record owned by someone else', async () => {
    const created = await api(person(SELLER_A), 'POST', 'leads', {
      subject: 'for B',
      'ownerid@odata.bind': `/systemusers(${b})`,
    });
    expect(created.status).toBe(403);
    expect(created.json.error.code).toBe('0x80048306');
  });
});

describe('RetrievePrincipalAccess', () => {
  let a: string;
  let b: string;
  let deal: string;
  beforeAll(async () => {
    a = await userId(person(SELLER_A));
    b = await userId(person(SELLER_B));
    deal = await opportunityOf(person(SELLER_A), 'Access probe');
  });

  it('names the rights in ascending flag order: the owner has them all, another seller only read', async () => {
    expect(await accessRights(person(SELLER_A), a, `opportunities(${deal})`)).toBe(
      'ReadAccess, WriteAccess, AppendAccess, AppendToAccess, CreateAccess, DeleteAccess, ShareAccess, AssignAccess',
    );
    expect(await accessRights(person(SELLER_B), b, `opportunities(${deal})`)).toBe('ReadAccess');
    // Asked by someone else (the relay's application user) about the seller: same answer.
    expect(await accessRights(app, b, `opportunities(${deal})`)).toBe('ReadAccess');
  });

  it('accepts the URL-encoded, double-quoted alias and an absolute @odata.id', async () => {
    const alias = encodeURIComponent(JSON.stringify({ '@odata.id': `${sim.apiUrl}opportunities(${deal})` }));
    const response = await api(
      person(SELLER_B),
      'GET',
      `systemusers(${b})/Microsoft.Dynamics.CRM.RetrievePrincipalAccess(Target=@Target)?@Target=${alias}`,
    );
    expect(response.json.AccessRights).toBe('ReadAccess');
  });

  it('answers 404 for a missing record and 403 0x80040220 to a caller without read on the table', async () => {
    const missing = await api(
      person(SELLER_B),
      'GET',
      `systemusers(${b})/Microsoft.Dynamics.CRM.RetrievePrincipalAccess(Target=@t)?@t={'@odata.id':'opportunities(00000000-0000-4000-8000-000000000001)'}`,
    );
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('0x80040217');

    const nobody = await userId(person(NOBODY));
    sim.setUserRoles(nobody, []);
    const denied = await api(
      person(NOBODY),
      'GET',
      `systemusers(${nobody})/Microsoft.Dynamics.CRM.RetrievePrincipalAccess(Target=@t)?@t={'@odata.id':'opportunities(${deal})'}`,
    );
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe('0x80040220');
    expect(await accessRights(null, nobody, `opportunities(${deal})`)).toBe('None');
  });
});

describe('privileges', () => {
  it('a user without the privilege gets 403 0x80040220 naming it, on reads and writes', async () => {
    const nobody = await userId(person(NOBODY));
    sim.setUserRoles(nobody, []);
    const read = await api(person(NOBODY), 'GET', 'opportunities?$select=name');
    expect(read.status).toBe(403);
    expect(read.json.error.code).toBe('0x80040220');
    expect(read.json.error.message).toMatch(
      new RegExp(`^Principal user \\(Id=${nobody}, type=8\\) is missing prvReadOpportunity privilege`),
    );
    const create = await api(person(NOBODY), 'POST', 'accounts', { name: 'x' });
    expect(create.json.error.message).toContain('missing prvCreateAccount privilege');
  });

  it('assigning roles and importing solutions are for administrators', async () => {
    const b = await userId(person(SELLER_B));
    const role = `/roles(${sim.ids.systemAdministratorRole})`;
    const bySeller = await api(
      person(SELLER_B),
      'POST',
      `systemusers(${b})/systemuserroles_association/$ref`,
      {
        '@odata.id': `${sim.apiUrl}roles(${sim.ids.systemAdministratorRole})`,
      },
    );
    expect(bySeller.status).toBe(403);
    expect(bySeller.json.error.message).toContain('prvAssignRole');
    const imported = await api(person(SELLER_B), 'POST', 'ImportSolution', { CustomizationFile: 'UEsFBg==' });
    expect(imported.status).toBe(403);
    expect(imported.json.error.message).toContain('prvImportCustomization');

    expect(
      (await api(app, 'POST', `systemusers(${b})/systemuserroles_association/$ref`, { '@odata.id': role }))
        .status,
    ).toBe(204);
    expect(await roleNames(app, b)).toEqual(['Salesperson', 'System Administrator']);
    expect(
      (
        await api(
          app,
          'DELETE',
          `systemusers(${b})/systemuserroles_association(${sim.ids.systemAdministratorRole})/$ref`,
        )
      ).status,
    ).toBe(204);
    expect(await roleNames(app, b)).toEqual(['Salesperson']);
  });
});

/** A solution zip that ships one role (the import path is what gives roles their privileges). */
async function roleSolution(
  name: string,
  privileges: Array<[string, string]>,
  id = '7e57a11e-0000-4000-8000-000000000001',
): Promise<string> {
  const zip = new JSZip();
  zip.file(
    'solution.xml',
    '<ImportExportXml><SolutionManifest><UniqueName>RoleTest</UniqueName><Version>1.0.0.0</Version><Managed>1</Managed></SolutionManifest></ImportExportXml>',
  );
  zip.file(
    'customizations.xml',
    `<ImportExportXml><Roles><Role id="{${id}}" name="${name}"><RolePrivileges>${privileges
      .map(([p, level]) => `<RolePrivilege name="${p}" level="${level}"/>`)
      .join('')}</RolePrivileges></Role></Roles></ImportExportXml>`,
  );
  return (await zip.generateAsync({ type: 'nodebuffer' })).toString('base64');
}

describe('business-unit depths', () => {
  it('Local reaches the user’s business unit, Deep also the units below it, Basic only own rows', async () => {
    const unit = async (name: string, parent: string) =>
      idOf(
        await api(null, 'POST', 'businessunits', {
          name,
          'parentbusinessunitid@odata.bind': `/businessunits(${parent})`,
        }),
      );
    const child = await unit('Sales West', sim.ids.rootBusinessUnit);
    const grandchild = await unit('Sales Seattle', child);
    const member = async (oid: string, bu: string, role: string | null) => {
      const id = await userId(person(oid));
      await api(null, 'PATCH', `systemusers(${id})`, {
        'businessunitid@odata.bind': `/businessunits(${bu})`,
      });
      if (role) sim.setUserRoles(id, [role]);
      return id;
    };
    const imported = await api(app, 'POST', 'ImportSolution', {
      CustomizationFile: await roleSolution('Regional', [
        ['prvReadLead', 'Basic'],
        ['prvWriteLead', 'Local'],
      ]),
    });
    expect(imported.status).toBe(204);

    const ownerOid = '5e11e500-0000-4000-8000-0000000000c1';
    await member(ownerOid, child, null); // keeps Salesperson: creates the lead in Sales West
    const lead = idOf(await api(person(ownerOid), 'POST', 'leads', { subject: 'West lead' }));
    expect(
      (await api(null, 'GET', `leads(${lead})?$select=_owningbusinessunit_value`)).json
        ._owningbusinessunit_value,
    ).toBe(child);

    const write = (oid: string) =>
      api(person(oid), 'PATCH', `leads(${lead})`, { subject: 'edited' }, { 'if-match': '*' }).then(
        (r) => r.status,
      );
    const localWest = '5e11e500-0000-4000-8000-0000000000c2';
    const localRoot = '5e11e500-0000-4000-8000-0000000000c3';
    await member(localWest, child, 'Regional');
    await member(localRoot, sim.ids.rootBusinessUnit, 'Regional');
    expect(await write(localWest)).toBe(204);
    expect(await write(localRoot)).toBe(403);

    // Basic read: the Regional users see no lead they do not own.
    const listed = await api(person(localWest), 'GET', 'leads?$select=subject');
    expect(listed.status).toBe(200);
    expect(listed.json.value).toEqual([]);

    const deepImport = await api(app, 'POST', 'ImportSolution', {
      CustomizationFile: await roleSolution('Regional', [['prvWriteLead', 'Deep']]),
    });
    expect(deepImport.status).toBe(204);
    const deepSeattle = '5e11e500-0000-4000-8000-0000000000c4';
    await member(deepSeattle, grandchild, 'Regional');
    expect(await write(localRoot)).toBe(204); // root is above Sales West
    expect(await write(deepSeattle)).toBe(403); // Sales Seattle is below it
  });
});

describe('our solution’s roles', () => {
  it('are created by importing the built zip, with their privileges', async () => {
    const { readFileSync } = await import('node:fs');
    const { findManagedZip } = await import('../../../DevStack/sandbox/stack');
    const imported = await api(app, 'POST', 'ImportSolution', {
      CustomizationFile: readFileSync(findManagedZip()).toString('base64'),
    });
    expect(imported.status).toBe(204);
    const roles = await api(app, 'GET', `roles?$select=name&$filter=startswith(name,'Partner Center')`);
    expect((roles.json.value as Array<{ name: string }>).map((r) => r.name).sort()).toEqual([
      'Partner Center Co-sell Seller',
      'Partner Center Sync Integration',
    ]);
    const integration = await userId(
      tokenFor('5e11e500-0000-4000-8000-0000000000d1', { appid: 'x', idtyp: 'app' }),
    );
    sim.setUserRoles(integration, ['Partner Center Sync Integration']);
    const seller = await userId(person(SELLER_A));
    const deal = await opportunityOf(person(SELLER_A), 'Integration reach');
    // Global write on opportunities: the relay's user may act on every seller's deal.
    expect(await accessRights(null, integration, `opportunities(${deal})`)).toContain('WriteAccess');
    expect(seller).not.toBe(integration);
  });
});

describe('teams', () => {
  const TEAM_ROLE = '7e57a11e-0000-4000-8000-0000000000e1';
  const team = async (name: string, teamtype: number, bu = sim.ids.rootBusinessUnit) => {
    const created = await api(app, 'POST', 'teams', {
      name,
      teamtype,
      'businessunitid@odata.bind': `/businessunits(${bu})`,
    });
    expect(created.status).toBe(204);
    return idOf(created);
  };
  const link = (as: string | null, path: string, target: string) =>
    api(as, 'POST', `${path}/$ref`, { '@odata.id': `${sim.apiUrl}${target}` });
  /** A person with no roles of their own. */
  const bare = async (oid: string) => {
    const id = await userId(person(oid));
    sim.setUserRoles(id, []);
    return id;
  };

  beforeAll(async () => {
    const imported = await api(app, 'POST', 'ImportSolution', {
      CustomizationFile: await roleSolution(
        'Lead Desk',
        [
          ['prvCreateLead', 'Basic'],
          ['prvReadLead', 'Basic'],
          ['prvWriteLead', 'Local'],
        ],
        TEAM_ROLE,
      ),
    });
    expect(imported.status).toBe(204);
  });

  it('associates members, roles and profiles through $ref, lists them from both sides, and disassociates', async () => {
    const member = await bare('5e11e500-0000-4000-8000-0000000000e1');
    const desk = await team('Desk', 0);
    expect(
      (await link(app, `teams(${desk})/teammembership_association`, `systemusers(${member})`)).status,
    ).toBe(204);
    // Associating twice changes nothing, as Associate does.
    expect(
      (await link(app, `teams(${desk})/teammembership_association`, `systemusers(${member})`)).status,
    ).toBe(204);
    expect((await link(app, `teams(${desk})/teamroles_association`, `roles(${TEAM_ROLE})`)).status).toBe(204);
    const members = await api(app, 'GET', `teams(${desk})/teammembership_association?$select=systemuserid`);
    expect(members.json.value.map((u: { systemuserid: string }) => u.systemuserid)).toEqual([member]);
    const teams = await api(app, 'GET', `systemusers(${member})/teammembership_association?$select=name`);
    expect(teams.json.value.map((t: { name: string }) => t.name)).toEqual(['Desk']);
    const roles = await api(app, 'GET', `teams(${desk})/teamroles_association?$select=name`);
    expect(roles.json.value.map((r: { name: string }) => r.name)).toEqual(['Lead Desk']);
    // The member's own roles stay empty: the role is the team's.
    expect(await roleNames(app, member)).toEqual([]);

    const removed = await api(app, 'DELETE', `teams(${desk})/teammembership_association(${member})/$ref`);
    expect(removed.status).toBe(204);
    const again = await api(app, 'DELETE', `teams(${desk})/teammembership_association(${member})/$ref`);
    expect(again.status).toBe(404);
  });

  it('only administrators give a team roles; a seller cannot add themselves to a team', async () => {
    const sellerB = await userId(person(SELLER_B));
    const desk = await team('Closed Desk', 0);
    const role = await link(person(SELLER_B), `teams(${desk})/teamroles_association`, `roles(${TEAM_ROLE})`);
    expect(role.status).toBe(403);
    expect(role.json.error.message).toContain('prvAssignRole');
    const join = await link(
      person(SELLER_B),
      `systemusers(${sellerB})/teammembership_association`,
      `teams(${desk})`,
    );
    expect(join.status).toBe(403);
    expect(join.json.error.message).toContain('missing prvWriteTeam privilege');
  });

  it('a member holds the privileges of the team’s roles; an access team holds none', async () => {
    const oid = '5e11e500-0000-4000-8000-0000000000e2';
    const member = await bare(oid);
    const denied = await api(person(oid), 'POST', 'leads', { subject: 'before' });
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe('0x80040220');

    const desk = await team('Lead Desk Team', 0);
    await link(app, `teams(${desk})/teamroles_association`, `roles(${TEAM_ROLE})`);
    await link(app, `teams(${desk})/teammembership_association`, `systemusers(${member})`);
    const created = await api(person(oid), 'POST', 'leads', { subject: 'through the team' });
    expect(created.status).toBe(204);
    const lead = idOf(created);
    expect((await api(person(oid), 'GET', `leads(${lead})?$select=subject`)).status).toBe(200);
    expect(await accessRights(null, member, `leads(${lead})`)).toBe('ReadAccess, WriteAccess, CreateAccess');
    // The team as the principal: its role's Basic depth reaches only rows the team owns.
    const teamAccess = await api(
      null,
      'GET',
      `teams(${desk})/Microsoft.Dynamics.CRM.RetrievePrincipalAccess(Target=@tid)?@tid={'@odata.id':'leads(${lead})'}`,
    );
    expect(teamAccess.json.AccessRights).toBe('WriteAccess');

    const room = await team('Deal Room', 1);
    const refused = await link(app, `teams(${room})/teamroles_association`, `roles(${TEAM_ROLE})`);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain('access team');
  });

  it('"Team privileges only": a Basic team privilege does not reach the member’s own rows', async () => {
    const oid = '5e11e500-0000-4000-8000-0000000000e3';
    const member = await bare(oid);
    const desk = await team('Team-only Desk', 0);
    await link(app, `teams(${desk})/teamroles_association`, `roles(${TEAM_ROLE})`);
    await link(app, `teams(${desk})/teammembership_association`, `systemusers(${member})`);
    const lead = idOf(await api(person(oid), 'POST', 'leads', { subject: 'mine' }));

    const patched = await api(app, 'PATCH', `roles(${TEAM_ROLE})`, { isinherited: 0 });
    expect(patched.status).toBe(204);
    try {
      // The privilege check passes (the team holds it), the access check does not.
      const create = await api(person(oid), 'POST', 'leads', { subject: 'again' });
      expect(create.status).toBe(403);
      expect(create.json.error.code).toBe('0x80048306');
      expect((await api(person(oid), 'GET', 'leads?$select=subject')).json.value).toEqual([]);
      // Local write still reaches the member's business unit.
      expect(await accessRights(null, member, `leads(${lead})`)).toBe('WriteAccess');
    } finally {
      await api(app, 'PATCH', `roles(${TEAM_ROLE})`, { isinherited: 1 });
    }
  });

  it('a team role’s Local depth reaches the team’s business unit as well as the member’s', async () => {
    const east = idOf(
      await api(null, 'POST', 'businessunits', {
        name: 'Sales East',
        'parentbusinessunitid@odata.bind': `/businessunits(${sim.ids.rootBusinessUnit})`,
      }),
    );
    const eastSeller = '5e11e500-0000-4000-8000-0000000000e4';
    const eastId = await userId(person(eastSeller));
    await api(null, 'PATCH', `systemusers(${eastId})`, {
      'businessunitid@odata.bind': `/businessunits(${east})`,
    });
    const eastLead = idOf(await api(person(eastSeller), 'POST', 'leads', { subject: 'East lead' }));

    const oid = '5e11e500-0000-4000-8000-0000000000e5';
    const member = await bare(oid); // in the root business unit
    const write = () =>
      api(person(oid), 'PATCH', `leads(${eastLead})`, { subject: 'edited' }, { 'if-match': '*' }).then(
        (r) => r.status,
      );
    const rootDesk = await team('Root Desk', 0);
    await link(app, `teams(${rootDesk})/teamroles_association`, `roles(${TEAM_ROLE})`);
    await link(app, `teams(${rootDesk})/teammembership_association`, `systemusers(${member})`);
    expect(await write()).toBe(403);

    const eastDesk = await team('East Desk', 0, east);
    await link(app, `teams(${eastDesk})/teamroles_association`, `roles(${TEAM_ROLE})`);
    await link(app, `teams(${eastDesk})/teammembership_association`, `systemusers(${member})`);
    expect(await write()).toBe(204);
  });
});
