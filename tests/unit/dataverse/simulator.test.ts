/**
 * The Dataverse simulator against real formats: our built managed zip (npm run build → dist/), and
 * webhook bodies read back by Domain's parseRemoteExecutionContext (what `cosell parse-event` uses)
 * and compared member-for-member with a real captured RemoteExecutionContext.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  EntitySets,
  EnvironmentVariables,
  LeadColumns,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  OpportunityForm,
  Relationships,
  SOLUTION_UNIQUE_NAME,
  SolutionDetailColumns,
  SyncEventColumns,
  Tables,
  parseRemoteExecutionContext,
} from '../../../Domain';
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { RecordStore } from '../../../DevStack/simulators/dataverse/store';
import type { DataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { startRecordingServer, type RecordingServer } from '../../testkit/recordingServer';
import { tokenFor } from './support';
import { DATAVERSE_WEBHOOK_PAYLOADS, DIST_DIR } from '../../testkit/paths';

const SELLER_OID = '5e11e500-0000-4000-8000-000000000001';

function builtManagedZip(): Buffer {
  const name = fs.existsSync(DIST_DIR)
    ? fs
        .readdirSync(DIST_DIR)
        .find((f) => f.startsWith(`${SOLUTION_UNIQUE_NAME}_`) && f.endsWith('_managed.zip'))
    : undefined;
  if (!name)
    throw new Error(
      `dist/${SOLUTION_UNIQUE_NAME}_<version>_managed.zip is missing: run \`npm run build\` first`,
    );
  return fs.readFileSync(path.join(DIST_DIR, name));
}

let sim: DataverseSimulator;
let hook: RecordingServer;

// Response bodies are OData JSON of many shapes; the assertions below pin the fields they read.
/* eslint-disable @typescript-eslint/no-explicit-any */
async function api(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: any; text: string }> {
  const response = await fetch(url.startsWith('http') ? url : sim.apiUrl + url, {
    method,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${tokenFor(SELLER_OID)}`,
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: any = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/* eslint-enable @typescript-eslint/no-explicit-any */

const idOf = (r: { headers: Headers }) =>
  /\(([0-9a-f-]{36})\)$/.exec(r.headers.get('odata-entityid') ?? '')![1]!;

async function registerStep(options: {
  message: string;
  mode: 0 | 1;
  authtype: number;
  authvalue: string;
  filteringattributes?: string;
  image?: { alias: string; type: number; attributes: string };
}): Promise<string> {
  const endpoint = await api('POST', 'serviceendpoints', {
    name: `relay ${options.message} ${options.authtype}`,
    contract: 8,
    url: `${hook.url}/hook`,
    authtype: options.authtype,
    authvalue: options.authvalue,
    messageformat: 2,
  });
  const message = await api('GET', `sdkmessages?$select=sdkmessageid&$filter=name eq '${options.message}'`);
  const messageId = message.json.value[0].sdkmessageid as string;
  const filter = await api(
    'GET',
    `sdkmessagefilters?$select=sdkmessagefilterid&$filter=primaryobjecttypecode eq 'opportunity' and _sdkmessageid_value eq ${messageId}`,
  );
  const step = await api('POST', 'sdkmessageprocessingsteps', {
    name: `Partner Center co-sell: ${options.message} of opportunity (${options.mode ? 'async' : 'sync'})`,
    stage: 40,
    mode: options.mode,
    rank: 1,
    supporteddeployment: 0,
    asyncautodelete: false,
    filteringattributes: options.filteringattributes ?? null,
    'sdkmessageid@odata.bind': `/sdkmessages(${messageId})`,
    'sdkmessagefilterid@odata.bind': `/sdkmessagefilters(${filter.json.value[0].sdkmessagefilterid})`,
    'eventhandler_serviceendpoint@odata.bind': `/serviceendpoints(${idOf(endpoint)})`,
  });
  expect(step.status).toBe(204);
  const stepId = idOf(step);
  if (options.image) {
    const image = await api('POST', 'sdkmessageprocessingstepimages', {
      name: options.image.alias,
      entityalias: options.image.alias,
      imagetype: options.image.type,
      messagepropertyname: 'Target',
      attributes: options.image.attributes,
      'sdkmessageprocessingstepid@odata.bind': `/sdkmessageprocessingsteps(${stepId})`,
    });
    expect(image.status).toBe(204);
  }
  return stepId;
}

async function disableStep(id: string) {
  expect((await api('PATCH', `sdkmessageprocessingsteps(${id})`, { statecode: 1 })).status).toBe(204);
}

beforeAll(async () => {
  hook = await startRecordingServer();
  // Formats, not security (tests/unit/dataverse/security.test.ts): the test's user administers.
  sim = await startDataverseSimulator({
    port: 0,
    clock: { now: () => new Date('2025-06-01T12:00:00Z') },
    rolesOnFirstUse: { user: ['System Administrator'] },
  });
  const imported = await api('POST', 'ImportSolution', {
    CustomizationFile: builtManagedZip().toString('base64'),
    OverwriteUnmanagedCustomizations: true,
    PublishWorkflows: true,
  });
  expect(imported.status).toBe(204);
});

afterAll(async () => {
  await sim?.close();
  await hook?.close();
});

describe('importing the built managed zip', () => {
  it('creates every pcs_ table and column, with the navigation names our code binds', async () => {
    const expected: Record<string, Record<string, string>> = {
      [Tables.opportunity]: OpportunityColumns,
      [Tables.lead]: LeadColumns,
      [Tables.microsoftSolution]: MicrosoftSolutionColumns,
      [Tables.solutionDetail]: SolutionDetailColumns,
      [Tables.syncEvent]: SyncEventColumns,
    };
    for (const [table, columns] of Object.entries(expected)) {
      const definition = await api('GET', `EntityDefinitions(LogicalName='${table}')`);
      expect(definition.status).toBe(200);
      expect(definition.json.EntitySetName).toBe(EntitySets[table as keyof typeof EntitySets]);
      const names = (definition.json.Attributes as Array<{ LogicalName: string }>).map((a) => a.LogicalName);
      for (const column of Object.values(columns))
        expect({ table, column, present: names.includes(column) }).toEqual({ table, column, present: true });
    }
    for (const r of Object.values(Relationships)) {
      const definition = await api('GET', `EntityDefinitions(LogicalName='${r.referencing}')`);
      expect(definition.json.ManyToOneRelationships).toContainEqual(
        expect.objectContaining({
          SchemaName: r.schemaName,
          ReferencedEntity: r.referenced,
          ReferencingAttribute: r.lookup,
          ReferencingEntityNavigationPropertyName: r.navigation,
          ReferencedEntityNavigationPropertyName: r.collection,
        }),
      );
    }
  });

  it('creates the environment variables and the opportunity form', async () => {
    const definitions = await api('GET', 'environmentvariabledefinitions?$select=schemaname');
    expect(definitions.json.value.map((d: { schemaname: string }) => d.schemaname).sort()).toEqual(
      Object.values(EnvironmentVariables).sort(),
    );
    const form = await api('GET', `systemforms(${OpportunityForm.id})?$select=name,objecttypecode,formxml`);
    expect(form.json).toMatchObject({ name: OpportunityForm.name, objecttypecode: Tables.opportunity });
    expect(form.json.formxml).toMatch(/^<form/);
  });
});

describe('webhook steps registered through the Web API', () => {
  it('post a RemoteExecutionContext that parse-event reads back to the same values', async () => {
    const stepId = await registerStep({
      message: 'Update',
      mode: 1,
      authtype: 5,
      authvalue: '<settings><setting name="x-relay-key" value="s3cret"/></settings>',
      filteringattributes: `${OpportunityColumns.syncWithPartnerCenter},${OpportunityColumns.name}`,
      image: {
        alias: 'PreImage',
        type: 0,
        attributes: `${OpportunityColumns.name},${OpportunityColumns.syncWithPartnerCenter}`,
      },
    });
    const account = await api('POST', 'accounts', { name: 'Contoso' });
    const created = await api('POST', 'opportunities', {
      name: 'Fabrikam expansion',
      estimatedvalue: 125000,
      [`${OpportunityColumns.parentAccount}@odata.bind`]: `/accounts(${idOf(account)})`,
    });
    const opportunityId = idOf(created);
    // Not a filtering attribute: no delivery.
    await api('PATCH', `opportunities(${opportunityId})`, { description: 'notes' }, { 'if-match': '*' });
    const patched = await api(
      'PATCH',
      `opportunities(${opportunityId})`,
      { [OpportunityColumns.syncWithPartnerCenter]: true },
      { 'if-match': '*' },
    );
    expect(patched.status).toBe(204);
    await sim.drain();

    expect(hook.received).toHaveLength(1);
    const delivery = hook.received[0]!;
    expect(delivery.headers).toMatchObject({
      'x-relay-key': 's3cret',
      'x-ms-dynamics-entity-name': 'opportunity',
      'x-ms-dynamics-request-name': 'Update',
      'x-ms-dynamics-organization': 'cosellsim.crm.dynamics.com',
      'content-type': 'application/json',
    });
    expect(delivery.headers['x-ms-dynamics-msg-size-exceeded']).toBeUndefined();
    const body = JSON.parse(delivery.body) as Record<string, unknown>;

    // Same members, same order as a real captured body.
    const real = JSON.parse(
      fs.readFileSync(
        path.join(DATAVERSE_WEBHOOK_PAYLOADS, 'create-alltypes-async-money-optionset-multiselect.json'),
        'utf8',
      ),
    ) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(Object.keys(real));
    expect(body.OperationCreatedOn).toBe('/Date(1748779200000)/');

    const seller = await api(
      'GET',
      `systemusers?$select=systemuserid&$filter=azureactivedirectoryobjectid eq ${SELLER_OID}`,
    );
    const sellerId = seller.json.value[0].systemuserid as string;
    const event = parseRemoteExecutionContext(body);
    expect(event).toMatchObject({
      message: 'Update',
      entity: 'opportunity',
      id: opportunityId,
      stage: 40,
      mode: 'asynchronous',
      depth: 1,
      initiatingUserId: sellerId,
      userId: sellerId,
      stepId,
      sizeExceeded: false,
      organizationName: 'cosellsim',
      operationCreatedOn: '2025-06-01T12:00:00.000Z',
    });
    expect(event.changedAttributes).toEqual({
      [OpportunityColumns.syncWithPartnerCenter]: true,
      opportunityid: opportunityId,
      modifiedon: '2025-06-01T12:00:00.000Z',
      modifiedby: { logicalName: 'systemuser', id: sellerId, name: null },
      modifiedonbehalfby: null,
    });
    expect(event.preImages).toEqual({
      PreImage: { name: 'Fabrikam expansion', [OpportunityColumns.syncWithPartnerCenter]: false },
    });
    expect(event.postImages.AsynchronousStepPrimaryName).toEqual({
      name: 'Fabrikam expansion',
      opportunityid: opportunityId,
    });
    await disableStep(stepId);
  });

  it('a failing synchronous step fails the write and rolls it back; 503 is retried once', async () => {
    hook.received.length = 0;
    const stepId = await registerStep({ message: 'Update', mode: 0, authtype: 4, authvalue: 'hook-key' });
    const created = await api('POST', 'opportunities', { name: 'Sync target' });
    const id = idOf(created);

    hook.answer({ status: 500 }, { status: 200 });
    const failed = await api('PATCH', `opportunities(${id})`, { name: 'changed' }, { 'if-match': '*' });
    expect(failed.status).toBe(400);
    expect(failed.json.error.code).toBe('0x80040265');
    expect((await api('GET', `opportunities(${id})?$select=name`)).json.name).toBe('Sync target');

    hook.answer({ status: 503 }, { status: 200 });
    const retried = await api('PATCH', `opportunities(${id})`, { name: 'changed' }, { 'if-match': '*' });
    expect(retried.status).toBe(204);
    expect(hook.received).toHaveLength(3);
    expect(new URL(hook.received[2]!.url, 'http://x').searchParams.get('code')).toBe('hook-key');
    expect(JSON.parse(hook.received[2]!.body)).toMatchObject({
      Mode: 0,
      IsInTransaction: true,
      MessageName: 'Update',
    });
    await disableStep(stepId);
  });

  it('drops images and input parameters over 256 KB and sets the size header', async () => {
    hook.received.length = 0;
    const id = idOf(
      await api('POST', 'opportunities', { name: 'Big', [OpportunityColumns.audit]: 'y'.repeat(100_000) }),
    );
    const stepId = await registerStep({
      message: 'Update',
      mode: 1,
      authtype: 6,
      authvalue: '<settings><setting name="sig" value="abc"/></settings>',
      image: { alias: 'Both', type: 2, attributes: OpportunityColumns.audit },
    });
    // Target + ParentContext Target + pre + post image ≈ 400 KB.
    const patched = await api(
      'PATCH',
      `opportunities(${id})`,
      { [OpportunityColumns.audit]: 'x'.repeat(100_000) },
      { 'if-match': '*' },
    );
    expect(patched.status).toBe(204);
    await sim.drain();
    const delivery = hook.received[0]!;
    expect(delivery.headers['x-ms-dynamics-msg-size-exceeded']).toBe('true');
    expect(new URL(delivery.url, 'http://x').searchParams.get('sig')).toBe('abc');
    const event = parseRemoteExecutionContext(JSON.parse(delivery.body));
    expect(event).toMatchObject({
      sizeExceeded: true,
      id,
      changedAttributes: {},
      preImages: {},
      postImages: {},
    });
    await disableStep(stepId);
  });

  it('WinOpportunity fires Win steps with OpportunityClose and Status', async () => {
    hook.received.length = 0;
    const stepId = await registerStep({ message: 'Win', mode: 1, authtype: 4, authvalue: 'k' });
    const id = idOf(await api('POST', 'opportunities', { name: 'To win' }));
    const won = await api('POST', 'WinOpportunity', {
      Status: 3,
      OpportunityClose: { subject: 'Won', 'opportunityid@odata.bind': `/opportunities(${id})` },
    });
    expect(won.status).toBe(204);
    await sim.drain();
    const event = parseRemoteExecutionContext(JSON.parse(hook.received[0]!.body));
    expect(event).toMatchObject({
      message: 'Win',
      entity: 'opportunity',
      id,
      inputParameters: { Status: 3 },
    });
    expect(event.inputParameters.OpportunityClose).toMatchObject({
      subject: 'Won',
      opportunityid: { id, logicalName: 'opportunity' },
    });
    expect((await api('GET', `opportunities(${id})?$select=statecode,statuscode`)).json).toMatchObject({
      statecode: 1,
      statuscode: 3,
    });
    await disableStep(stepId);
  });
});

describe('Web API semantics', () => {
  it('finds rows by lookup and by primary key through an index, not by reading the whole table', async () => {
    const account = async (name: string) =>
      (await api('POST', 'accounts', { name }, { prefer: 'return=representation' })).json.accountid as string;
    const [a, b] = [await account('Indexed A'), await account('Indexed B')];
    const deals: string[] = [];
    for (const [parent, n] of [
      [a, 3],
      [b, 2],
    ] as const)
      for (let i = 0; i < n; i += 1) {
        const created = await api(
          'POST',
          'opportunities',
          { name: `Indexed deal ${i}`, 'parentaccountid@odata.bind': `/accounts(${parent})` },
          { prefer: 'return=representation' },
        );
        deals.push(created.json.opportunityid as string);
      }
    const list = jest.spyOn(RecordStore.prototype, 'list');
    try {
      const byLookup = await api(
        'GET',
        `opportunities?$select=name&$filter=_parentaccountid_value eq ${a} and name ne 'x'`,
      );
      expect(byLookup.json.value.map((r: { opportunityid: string }) => r.opportunityid)).toEqual(
        deals.slice(0, 3),
      );
      const byId = await api('GET', `opportunities?$select=name&$filter=opportunityid eq ${deals[4]}`);
      expect(byId.json.value).toHaveLength(1);
      const expanded = await api(
        'GET',
        `accounts(${b})?$select=name&$expand=opportunity_parent_account($select=name)`,
      );
      expect(expanded.json.opportunity_parent_account).toHaveLength(2);
      expect(list.mock.calls.filter(([entity]) => entity === 'opportunity')).toEqual([]);
      // A filter on no indexed column still reads the table, with the same rows for the same question.
      const scanned = await api('GET', `opportunities?$select=name&$filter=startswith(name,'Indexed deal')`);
      expect(scanned.json.value).toHaveLength(5);
      expect(list.mock.calls.filter(([entity]) => entity === 'opportunity')).toHaveLength(1);
    } finally {
      list.mockRestore();
    }
  });

  it('answers a stale If-Match with 412 and the concurrency error code', async () => {
    const created = await api('POST', 'accounts', { name: 'Etag' }, { prefer: 'return=representation' });
    const etag = created.json['@odata.etag'] as string;
    expect(etag).toMatch(/^W\/"\d+"$/);
    expect(
      (await api('PATCH', `accounts(${created.json.accountid})`, { name: 'v2' }, { 'if-match': etag }))
        .status,
    ).toBe(204);
    const stale = await api(
      'PATCH',
      `accounts(${created.json.accountid})`,
      { name: 'v3' },
      { 'if-match': etag },
    );
    expect(stale.status).toBe(412);
    expect(stale.json.error.code).toBe('0x80060882');
    const exists = await api(
      'PATCH',
      `accounts(${created.json.accountid})`,
      { name: 'v3' },
      { 'if-none-match': '*' },
    );
    expect(exists.status).toBe(412);
  });

  it('answers with 429, Retry-After and 0x80072322 while throttling is injected', async () => {
    sim.setFaults({ throttle: { count: 1, retryAfterSeconds: 7 } });
    const throttled = await api('GET', 'accounts?$top=1');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect(throttled.json.error.code).toBe('0x80072322');
    expect(throttled.headers.get('x-ms-service-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api('GET', 'accounts?$top=1')).status).toBe(200);
  });

  it('rolls back a whole $batch change set when one request fails', async () => {
    const before = (await api('GET', 'accounts?$count=true&$select=name')).json['@odata.count'] as number;
    const missing = '00000000-0000-4000-8000-00000000dead';
    const body = [
      '--batch_1',
      'Content-Type: multipart/mixed; boundary=changeset_1',
      '',
      '--changeset_1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'POST /api/data/v9.2/accounts HTTP/1.1',
      'Content-Type: application/json; type=entry',
      '',
      '{"name":"in batch"}',
      '--changeset_1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 2',
      '',
      `PATCH /api/data/v9.2/opportunities(${missing}) HTTP/1.1`,
      'Content-Type: application/json; type=entry',
      'If-Match: *',
      '',
      '{"name":"nope"}',
      '--changeset_1--',
      '--batch_1--',
      '',
    ].join('\r\n');
    const response = await api('POST', '$batch', body, {
      'content-type': 'multipart/mixed; boundary=batch_1',
    });
    expect(response.status).toBe(200);
    expect(response.text).toMatch(/HTTP\/1\.1 404 Not Found/);
    expect(response.text).toContain('0x80040217');
    expect((await api('GET', 'accounts?$count=true&$select=name')).json['@odata.count']).toBe(before);
  });

  it('rejects unknown columns and out-of-range choices with Dataverse error codes', async () => {
    const unknown = await api('POST', 'opportunities', { name: 'x', pcs_nosuchcolumn: 1 });
    expect(unknown).toMatchObject({ status: 400, json: { error: { code: '0x80060888' } } });
    const badChoice = await api('POST', 'opportunities', { name: 'x', [OpportunityColumns.syncStatus]: 42 });
    expect(badChoice).toMatchObject({ status: 400, json: { error: { code: '0x8004431a' } } });
    const notFound = await api('GET', 'opportunities(00000000-0000-4000-8000-000000000000)');
    expect(notFound).toMatchObject({ status: 404, json: { error: { code: '0x80040217' } } });
  });
});
