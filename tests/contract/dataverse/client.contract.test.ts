/**
 * ONE contract suite for the Dataverse client: always against the simulator (our solution zip
 * imported), and also against a real environment when DATAVERSE_URL, DATAVERSE_TENANT_ID,
 * DATAVERSE_CLIENT_ID and DATAVERSE_CLIENT_SECRET are set (the app user needs create/delete on
 * accounts and opportunities, and our solution imported). Records it creates are deleted.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  EntitySets,
  EnvironmentVariables,
  OpportunityColumns,
  OpportunityNavigation,
  Relationships,
  SOLUTION_UNIQUE_NAME,
  SyncStatus,
  guid,
  lookup,
  where,
} from '../../../Domain';
import {
  createDataverseClient,
  createMsalTokenProvider,
  staticTokenProvider,
} from '../../../Relay/dataverse';
import type { DataverseClient } from '../../../Relay/dataverse';
import { ApiError } from '../../../Relay/ports';
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import type { DataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { tokenFor } from '../../unit/dataverse/support';
import { DIST_DIR } from '../../testkit/paths';

const real = ['DATAVERSE_URL', 'DATAVERSE_TENANT_ID', 'DATAVERSE_CLIENT_ID', 'DATAVERSE_CLIENT_SECRET'].every(
  (k) => process.env[k],
);
if (!real)
  console.info('Dataverse contract suite: DATAVERSE_* not set — running against the simulator only.');

interface Target {
  name: string;
  setup(): Promise<{ client: DataverseClient; simulator?: DataverseSimulator; close(): Promise<void> }>;
}

const noSleep = { sleep: async () => undefined };

const targets: Target[] = [
  {
    name: 'simulator',
    async setup() {
      const zip = fs
        .readdirSync(DIST_DIR)
        .find((f) => f.startsWith(`${SOLUTION_UNIQUE_NAME}_`) && f.endsWith('_managed.zip'));
      if (!zip) throw new Error('dist/…_managed.zip is missing: run `npm run build` first');
      const simulator = await startDataverseSimulator({ port: 0 });
      const client = createDataverseClient({
        environmentUrl: simulator.url,
        tokens: staticTokenProvider(
          tokenFor('a11ce000-0000-4000-8000-0000000000aa', { appid: 'relay-app', idtyp: 'app' }),
        ),
        http: noSleep,
      });
      await client
        .executeAction('ImportSolution', {
          CustomizationFile: fs.readFileSync(path.join(DIST_DIR, zip)).toString('base64'),
        })
        .catch(async (error: unknown) => {
          await simulator.close();
          throw error;
        });
      return { client, simulator, close: () => simulator.close() };
    },
  },
];
if (real) {
  targets.push({
    name: 'real environment',
    async setup() {
      const environmentUrl = process.env.DATAVERSE_URL!;
      const client = createDataverseClient({
        environmentUrl,
        tokens: createMsalTokenProvider({
          environmentUrl,
          tenantId: process.env.DATAVERSE_TENANT_ID!,
          clientId: process.env.DATAVERSE_CLIENT_ID!,
          clientSecret: process.env.DATAVERSE_CLIENT_SECRET!,
        }),
      });
      return { client, close: async () => undefined };
    },
  });
}

describe.each(targets)('Dataverse client contract — $name', (target) => {
  let client: DataverseClient;
  let simulator: DataverseSimulator | undefined;
  let close: (() => Promise<void>) | undefined;
  const created: Array<[string, string]> = [];

  beforeAll(async () => {
    ({ client, simulator, close } = await target.setup());
  });
  afterAll(async () => {
    for (const [set, id] of created.reverse()) await client.delete(set, id).catch(() => undefined);
    await close?.();
  });

  const track = (set: string, id: string) => {
    created.push([set, id]);
    return id;
  };

  it('creates, reads with annotations, updates with ETags and deletes', async () => {
    const accountId = track(
      EntitySets.account,
      await client.create(EntitySets.account, { name: 'Contract Contoso' }),
    );
    const opportunityId = track(
      EntitySets.opportunity,
      await client.create(EntitySets.opportunity, {
        name: 'Contract opportunity',
        estimatedvalue: 1500,
        [`${OpportunityNavigation.parentAccount}@odata.bind`]: `/${EntitySets.account}(${accountId})`,
      }),
    );
    const row = await client.retrieve(
      EntitySets.opportunity,
      opportunityId,
      {
        select: ['name', 'estimatedvalue', lookup('parentaccountid'), OpportunityColumns.syncStatus],
        expand: [{ navigation: 'parentaccountid', select: ['name'] }],
      },
      { annotations: true },
    );
    expect(row).toMatchObject({
      name: 'Contract opportunity',
      estimatedvalue: 1500,
      _parentaccountid_value: accountId,
      '_parentaccountid_value@OData.Community.Display.V1.FormattedValue': 'Contract Contoso',
      '_parentaccountid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account',
      parentaccountid: { name: 'Contract Contoso' },
      [OpportunityColumns.syncStatus]: SyncStatus.notSynced,
    });
    const etag = row['@odata.etag']!;
    await client.update(EntitySets.opportunity, opportunityId, { name: 'v2' }, { ifMatch: etag });
    const stale = client.update(EntitySets.opportunity, opportunityId, { name: 'v3' }, { ifMatch: etag });
    await expect(stale).rejects.toMatchObject({
      status: 412,
      details: { service: 'dataverse', code: '0x80060882' },
    });

    await client.delete(EntitySets.opportunity, opportunityId);
    const gone = await client.retrieve(EntitySets.opportunity, opportunityId).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ApiError);
    expect(gone).toMatchObject({ status: 404, details: { code: '0x80040217', method: 'GET' } });
    expect((gone as ApiError).details.requestId).toBeTruthy();
    // update never creates (If-Match: *); upsert does.
    await expect(client.update(EntitySets.opportunity, opportunityId, { name: 'x' })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('upserts by key and pages through @odata.nextLink', async () => {
    const id = '0c05e11e-0000-4000-8000-000000000001';
    track(EntitySets.account, id);
    await client.upsert(EntitySets.account, id, { name: 'Paged 0' });
    await client.upsert(EntitySets.account, id, { name: 'Paged 0 (updated)' });
    for (let i = 1; i < 5; i++)
      track(EntitySets.account, await client.create(EntitySets.account, { name: `Paged ${i}` }));
    const rows = await client.retrieveMultiple(
      EntitySets.account,
      { select: ['name'], filter: where.startsWith('name', 'Paged '), orderBy: [{ column: 'name' }] },
      { maxPageSize: 2 },
    );
    expect(rows.map((r) => r.name)).toEqual([
      'Paged 0 (updated)',
      'Paged 1',
      'Paged 2',
      'Paged 3',
      'Paged 4',
    ]);
  });

  it('answers typed queries: quotes and URL delimiters in strings, lookups, dates, in, nested logic', async () => {
    const awkward = "O'Brien & Sons #1 + 100% café";
    const account = async (name: string) =>
      track(EntitySets.account, await client.create(EntitySets.account, { name }));
    const accountId = await account(awkward);
    const otherId = await account('Typed other');
    const opportunityId = track(
      EntitySets.opportunity,
      await client.create(EntitySets.opportunity, {
        estimatedvalue: 42,
        [`${OpportunityNavigation.parentAccount}@odata.bind`]: `/${EntitySets.account}(${accountId})`,
      }),
    );
    const names = async (filter: Parameters<typeof where.and>[0]) =>
      (await client.retrieveMultiple(EntitySets.account, { select: ['name'], filter })).map((r) => r.name);

    expect(await names(where.eq('name', awkward))).toEqual([awkward]);
    expect((await names(where.in('name', [awkward, 'Typed other']))).sort()).toEqual(
      [awkward, 'Typed other'].sort(),
    );
    expect(
      await names(
        where.and(
          where.eq('accountid', guid(otherId)),
          where.or(where.eq('name', 'x'), where.eq('name', 'Typed other')),
        ),
      ),
    ).toEqual(['Typed other']);
    const [byLookup] = await client.retrieveMultiple(EntitySets.opportunity, {
      select: [OpportunityColumns.id],
      filter: where.and(
        where.eq(lookup(OpportunityNavigation.parentAccount), accountId.toUpperCase()),
        where.gt('createdon', new Date(Date.now() - 24 * 3600_000)),
        where.ge(OpportunityColumns.estimatedValue, 42),
      ),
    });
    expect(byLookup?.[OpportunityColumns.id]).toBe(opportunityId);
  });

  it('executes a $batch change set atomically, with Content-ID references', async () => {
    const results = await client.executeBatch([
      { method: 'POST', entitySet: EntitySets.account, record: { name: 'Batch parent' }, contentId: '1' },
      {
        method: 'POST',
        entitySet: EntitySets.opportunity,
        record: { name: 'Batch child', [`${OpportunityNavigation.parentAccount}@odata.bind`]: '$1' },
      },
    ]);
    expect(results.map((r) => r.status)).toEqual([204, 204]);
    track(EntitySets.account, results[0]!.id!);
    track(EntitySets.opportunity, results[1]!.id!);
    const child = await client.retrieve(EntitySets.opportunity, results[1]!.id!, {
      select: [lookup('parentaccountid')],
    });
    expect(child._parentaccountid_value).toBe(results[0]!.id);

    const failing = client.executeBatch([
      { method: 'POST', entitySet: EntitySets.account, record: { name: 'Batch rolled back' } },
      {
        method: 'PATCH',
        entitySet: EntitySets.opportunity,
        id: '00000000-0000-4000-8000-00000000beef',
        record: { name: 'x' },
      },
    ]);
    await expect(failing).rejects.toMatchObject({ status: 404, details: { code: '0x80040217' } });
    expect(
      await client.retrieveMultiple(EntitySets.account, {
        select: ['name'],
        filter: where.eq('name', 'Batch rolled back'),
      }),
    ).toEqual([]);
  });

  it('associates and disassociates through a collection-valued navigation', async () => {
    const opportunityId = track(
      EntitySets.opportunity,
      await client.create(EntitySets.opportunity, { name: 'With solutions' }),
    );
    const solutionId = track(
      EntitySets.pcs_microsoftsolution,
      await client.create(EntitySets.pcs_microsoftsolution, { pcs_name: 'SOL-1' }),
    );
    const nav = Relationships.opportunitySolutions.collection;
    await client.associate(
      EntitySets.opportunity,
      opportunityId,
      nav,
      EntitySets.pcs_microsoftsolution,
      solutionId,
    );
    const withSolutions = { select: ['name'], expand: [{ navigation: nav, select: ['pcs_name'] }] };
    const expanded = await client.retrieve(EntitySets.opportunity, opportunityId, withSolutions);
    expect(expanded[nav]).toEqual([expect.objectContaining({ pcs_name: 'SOL-1' })]);
    await client.disassociate(EntitySets.opportunity, opportunityId, nav, solutionId);
    expect((await client.retrieve(EntitySets.opportunity, opportunityId, withSolutions))[nav]).toEqual([]);
  });

  it('reads a solution row’s catalogue row through a nested $expand; $top next to it is refused', async () => {
    const opportunityId = track(
      EntitySets.opportunity,
      await client.create(EntitySets.opportunity, { name: 'With a catalogued solution' }),
    );
    const detailId = track(
      EntitySets.pcs_solutiondetail,
      await client.create(EntitySets.pcs_solutiondetail, {
        pcs_name: 'Catalogued',
        pcs_solutionid: `SOL-${Date.now()}`,
        pcs_publishername: 'Contoso',
      }),
    );
    track(
      EntitySets.pcs_microsoftsolution,
      await client.create(EntitySets.pcs_microsoftsolution, {
        pcs_name: 'Catalogued',
        [`${Relationships.opportunitySolutions.navigation}@odata.bind`]: `/${EntitySets.opportunity}(${opportunityId})`,
        [`${Relationships.solutionDetailSolutions.navigation}@odata.bind`]: `/${EntitySets.pcs_solutiondetail}(${detailId})`,
      }),
    );
    const nav = Relationships.opportunitySolutions.collection;
    const detail = {
      navigation: Relationships.solutionDetailSolutions.navigation,
      select: ['pcs_publishername'],
    };
    const row = await client.retrieve(EntitySets.opportunity, opportunityId, {
      select: ['name'],
      expand: [{ navigation: nav, select: ['pcs_name'], expand: [detail] }],
    });
    expect(row[nav]).toEqual([
      expect.objectContaining({
        pcs_name: 'Catalogued',
        [detail.navigation]: expect.objectContaining({ pcs_publishername: 'Contoso' }),
      }),
    ]);
    const refused = await client
      .retrieve(EntitySets.opportunity, opportunityId, {
        expand: [{ navigation: nav, top: 1, expand: [detail] }],
      })
      .catch((e: unknown) => e);
    expect((refused as ApiError).status).toBe(400);
  });

  it('reads environment variables (value row, else default) and the opportunity forms with our control', async () => {
    expect(await client.getEnvironmentVariable(EnvironmentVariables.dealValueFieldName)).toBe(
      'estimatedvalue',
    );
    expect(await client.getEnvironmentVariable('pcs_DoesNotExist')).toBeNull();
    const forms = await client.getSystemForms('opportunity');
    expect(forms.length).toBeGreaterThan(0);
    expect(forms[0]!.formxml).toContain('PartnerCenterSync');
  });

  it("reads a table's column definitions (type, max length, required level, choice options)", async () => {
    const columns = await client.getColumnDefinitions('opportunity');
    const column = (name: string) => columns?.find((c) => c.logicalName === name);
    expect(column('pcs_referralid')).toEqual({
      logicalName: 'pcs_referralid',
      typeName: 'StringType',
      requiredLevel: 'None',
      maxLength: 100,
    });
    expect(column('pcs_referralstatus')).toMatchObject({
      typeName: 'PicklistType',
      options: [727100000, 727100001, 727100002],
    });
    expect(await client.getColumnDefinitions('pcs_doesnotexist')).toBeNull();
  });

  (target.name === 'simulator' ? it : it.skip)(
    'waits out a 429 with Retry-After and then succeeds',
    async () => {
      simulator!.setFaults({ throttle: { count: 2, retryAfterSeconds: 1 } });
      const rows = await client.retrieveMultiple(EntitySets.account, { select: ['name'], top: 1 });
      expect(rows).toHaveLength(1);
    },
  );

  it('tells what a user may do with a record (RetrievePrincipalAccess)', async () => {
    const me = await client.whoAmI();
    const id = track(EntitySets.account, await client.create(EntitySets.account, { name: 'Access probe' }));
    const rights = await client.retrievePrincipalAccess(me.UserId, { entitySet: EntitySets.account, id });
    expect(rights).toEqual(expect.arrayContaining(['ReadAccess', 'WriteAccess']));
    const gone = await client
      .retrievePrincipalAccess(me.UserId, {
        entitySet: EntitySets.account,
        id: '00000000-0000-4000-8000-0000000000ee',
      })
      .catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(ApiError);
    expect((gone as ApiError).status).toBe(404);
  });

  (target.name === 'simulator' ? it : it.skip)(
    'asks on behalf of a seller what the seller may do with another user’s record',
    async () => {
      const asUser = createDataverseClient({
        environmentUrl: simulator!.url,
        tokens: staticTokenProvider('unused'),
      });
      const seller = {
        userAssertion: tokenFor('5e11e500-0000-4000-8000-0000000000cc', { upn: 's@contoso.example' }),
      };
      const id = track(
        EntitySets.opportunity,
        await client.create(EntitySets.opportunity, { name: 'Not theirs' }),
      );
      const me = await asUser.whoAmI(seller);
      expect(
        await asUser.retrievePrincipalAccess(me.UserId, { entitySet: EntitySets.opportunity, id }, seller),
      ).toEqual(['ReadAccess']);
    },
  );

  (target.name === 'simulator' ? it : it.skip)(
    'reads on behalf of a user (the user becomes the caller)',
    async () => {
      const me = await client.whoAmI();
      const asUser = createDataverseClient({
        environmentUrl: simulator!.url,
        tokens: staticTokenProvider('unused'),
      });
      const userToken = tokenFor('5e11e500-0000-4000-8000-0000000000bb', { upn: 'seller@contoso.example' });
      const id = track(EntitySets.account, await client.create(EntitySets.account, { name: 'OBO' }));
      const row = await asUser.retrieve(
        EntitySets.account,
        id,
        { select: ['name'] },
        { userAssertion: userToken },
      );
      expect(row.name).toBe('OBO');
      expect(me.UserId).toMatch(/^[0-9a-f-]{36}$/);
    },
  );
});
