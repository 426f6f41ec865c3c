/**
 * Every way a sync can fail for good shows on the record, through the worker and the sync handlers
 * on the typed fakes: ✖ on the name, sync status Error, an audit line and a failed sync event whose
 * message says what to do, in the owner's language, without the service's own error text.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  EntitySets,
  EnvironmentVariables,
  LeadColumns,
  OpportunityColumns,
  SyncDirection,
  SyncEventColumns,
  SyncOutcome,
  SyncStatus,
  SystemColumns,
  UserSettings,
} from '../../../Domain/constants';
import { setFieldMapInFormXml } from '../../../Domain/formXmlControls';
import { columnName, lookup } from '../../../Domain/odataQuery';
import { ValidationError } from '../../../Domain/referral';
import {
  ApiError,
  leadSyncJob,
  opportunitySyncJob,
  referralPullJob,
  solutionFromCatalogueJob,
} from '../../../Relay/ports';
import { fieldsOfPaths } from '../../../Relay/sync/failureMessages';
import { failureOf } from '../../../Relay/sync/failures';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { SimulatorError } from '../../../DevStack/simulators/partnercenter/errors';
import { REPO_ROOT } from '../../testkit/paths';
import { receiveReferral } from '../../testkit/referrals';
import { createSyncTestbed, type SyncTestbed } from '../../testkit/syncTestbed';

let bed: SyncTestbed;
beforeEach(() => {
  bed = createSyncTestbed({ maxAttempts: 3 });
});

const OWNER = '0000aaaa-0000-4000-8000-000000000001';
const opportunity = (id: string) => bed.dataverse.row(EntitySets.opportunity, id)!;
const events = () => bed.dataverse.rows(EntitySets.pcs_syncevent);
const queuePush = (opportunityId: string) =>
  bed.store.enqueue([opportunitySyncJob({ opportunityId, reason: 'test' })]);

/** The seed deal, owned by a user whose Dynamics 365 UI language is `lcid`. */
async function deal(lcid?: number, name?: string): Promise<string> {
  const { opportunityId } = await createSeedOpportunity(bed.dataverse, name ? { name } : {});
  if (lcid) {
    await bed.dataverse.update(EntitySets.opportunity, opportunityId, {
      [columnName(lookup(SystemColumns.ownerId))]: OWNER,
    });
    await bed.dataverse.create(UserSettings.entitySet, {
      [UserSettings.systemUserId]: OWNER,
      [UserSettings.uiLanguageId]: lcid,
    });
  }
  return opportunityId;
}

/** Partner Center's 400 with the JSON paths it names, as the simulator and the client report it. */
function rejected(description: string, data: string[]): ApiError {
  const error = new SimulatorError(400, 40000, description, data);
  return new ApiError(`partnercenter: POST … → 400: ${description}`, {
    service: 'partnercenter',
    status: 400,
    method: 'POST',
    url: 'https://api.partner.microsoft.com/v1.0/engagements/referrals',
    code: '40000',
    cause: { status: 400, code: '40000', body: JSON.stringify(error.body), retryAfterMs: null },
  });
}

function expectFailedOn(opportunityId: string, name: string) {
  expect(opportunity(opportunityId)).toMatchObject({
    [OpportunityColumns.name]: `${name} ✖`,
    [OpportunityColumns.syncStatus]: SyncStatus.error,
  });
  const [event, ...more] = events();
  expect(more).toEqual([]);
  expect(event).toMatchObject({
    [SyncEventColumns.outcome]: SyncOutcome.failed,
    [`_${SyncEventColumns.opportunity}_value`]: opportunityId,
  });
  const message = String(event![SyncEventColumns.message]);
  expect(String(opportunity(opportunityId)[OpportunityColumns.audit]).split('\n')[0]).toContain(
    `✖ → Partner Center: ${message}`,
  );
  return { title: String(event![SyncEventColumns.name]), message, event: event! };
}

describe('a Partner Center 4xx on create', () => {
  it('dead-letters the job and shows ✖, Error and the fields Partner Center named, not its answer', async () => {
    const id = await deal();
    bed.partnerCenter.failNext(
      'createReferral',
      rejected('customerProfile.address.country must be an ISO 3166-1 alpha-2 code', [
        '$.customerProfile.address.country',
        'customerProfile.team[0].email',
      ]),
    );
    await queuePush(id);
    await bed.drain();

    const [dead] = await bed.store.listDeadLetters();
    const { title, message, event } = expectFailedOn(id, 'Northwind analytics platform');
    expect(title).toBe('Partner Center rejected the change');
    expect(message).toBe(
      'Partner Center did not accept the referral because of the customer account’s country and the ' +
        `customer contact. Correct it on the opportunity, then select Sync now. Reference for your administrator: ${dead!.id}.`,
    );
    expect(message).not.toMatch(/ISO 3166|alpha-2|40000|PartnerAPI/);
    expect(JSON.parse(String(event[SyncEventColumns.changes]))).toMatchObject({
      kind: 'rejected',
      service: 'partnercenter',
      status: 400,
      reference: dead!.id,
    });
    expect(opportunity(id)[OpportunityColumns.lastSyncedOn]).toBeUndefined();
  });

  it('without named fields: a generic next step, in the owner’s language (pt-BR)', async () => {
    const id = await deal(1046);
    bed.partnerCenter.failNext('createReferral', 400, 'Injected fault');
    await queuePush(id);
    await bed.drain();
    const { title, message } = expectFailedOn(id, 'Northwind analytics platform');
    expect(title).toBe('O Partner Center recusou a alteração');
    expect(message).toMatch(/^O Partner Center não aceitou a indicação\. .*Sincronizar agora/);
    expect(message).not.toContain('Injected fault');
  });
});

it('retries spent (5xx every time): ✖ and how many attempts, in Spanish', async () => {
  const id = await deal(3082);
  for (let i = 0; i < 3; i += 1) bed.partnerCenter.failNext('createReferral', 503, 'Service unavailable');
  await queuePush(id);
  for (let i = 0; i < 3; i += 1) {
    await bed.drain();
    bed.clock.advance(3_600_000);
  }
  expect(await bed.store.depth()).toMatchObject({ dead: 1 });
  const { title, message } = expectFailedOn(id, 'Northwind analytics platform');
  expect(title).toBe('Sincronización detenida tras errores repetidos');
  expect(message).toMatch(/^La sincronización con Partner Center falló 3 veces seguidas/);
  expect(message).not.toContain('Service unavailable');
});

it('a missing permission: Partner Center 403 and Dataverse 403 name who to ask', async () => {
  const pc = await deal(undefined, 'Refused by Partner Center');
  bed.partnerCenter.failNext('createReferral', 403, 'Forbidden: caller lacks Referrals admin');
  await queuePush(pc);
  await bed.drain();
  expect(opportunity(pc)[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);
  expect(events()[0]).toMatchObject({
    [SyncEventColumns.name]: 'Sync not allowed: a permission is missing',
    [SyncEventColumns.message]: expect.stringMatching(/^Partner Center refused the sync service access\./),
  });

  const dv = await deal(undefined, 'Refused by Dataverse');
  bed.dataverse.failNext('executeBatch', 403, 'principal user is missing prvWriteOpportunity');
  await queuePush(dv);
  await bed.drain();
  expect(opportunity(dv)[OpportunityColumns.name]).toBe('Refused by Dataverse ✖');
  const last = events().find((e) => e[`_${SyncEventColumns.opportunity}_value`] === dv)!;
  expect(String(last[SyncEventColumns.message])).toMatch(
    /^The sync service lacks a permission in Dynamics 365 for this record\./,
  );
  expect(String(last[SyncEventColumns.message])).not.toContain('prvWriteOpportunity');
});

it('the sharing rules block it: the same ✖ path, title and reasons in the owner’s language', async () => {
  const { opportunityId } = await createSeedOpportunity(bed.dataverse, { country: 'Brasil' });
  await bed.dataverse.update(EntitySets.opportunity, opportunityId, {
    [columnName(lookup(SystemColumns.ownerId))]: OWNER,
  });
  await bed.dataverse.create(UserSettings.entitySet, {
    [UserSettings.systemUserId]: OWNER,
    [UserSettings.uiLanguageId]: 1046,
  });
  await queuePush(opportunityId);
  await bed.drain();
  const { title, message } = expectFailedOn(opportunityId, 'Northwind analytics platform');
  expect(title).toBe('Não compartilhada: corrija a oportunidade');
  expect(message).toContain('O país “Brasil” da conta do cliente não é um código ISO de duas letras.');
  expect(bed.partnerCenter.calls).toEqual([]);
});

it('a paused field map: ✖ and the pause in the owner’s language, the job parked', async () => {
  const formxml = readFileSync(
    path.join(
      REPO_ROOT,
      'Solution/Entities/Opportunity/FormXml/main/{6f3c2a10-5b7d-4c8e-9a41-2d0b8e7c5f01}.xml',
    ),
    'utf8',
  );
  bed.dataverse.forms = [
    { formid: 'form-1', name: 'Co-sell', formxml: setFieldMapInFormXml(formxml, '{"version":1,"entries":[') },
  ];
  const id = await deal(3082);
  await queuePush(id);
  await bed.drain();
  expect(await bed.store.depth()).toMatchObject({ queued: 1, dead: 0 });
  const { title, message } = expectFailedOn(id, 'Northwind analytics platform');
  expect(title).toBe('Sincronización en pausa: mapa de campos no válido');
  expect(message).toMatch(/^La sincronización está en pausa porque el mapa de campos .*"Co-sell"/);
});

it('a referral Partner Center sends that does not parse: the linked opportunity says so', async () => {
  bed = createSyncTestbed({
    maxAttempts: 3,
    environmentVariables: { [EnvironmentVariables.microsoftReferralTarget]: 'opportunity' },
  });
  const referral = receiveReferral(bed.partnerCenter);
  await bed.store.enqueue([
    referralPullJob({ referralId: referral.id, eventName: 'referral-created' }, false),
  ]);
  await bed.drain();
  const [created] = bed.dataverse.rows(EntitySets.opportunity);
  const id = created![OpportunityColumns.id] as string;
  const before = events().length;

  bed.partnerCenter.failNext('getReferral', new ValidationError('$.details.dealValue', 'expected a number'));
  await bed.store.enqueue([
    referralPullJob({ referralId: referral.id, eventName: 'referral-updated' }, false),
  ]);
  await bed.drain();
  const event = events()[before]!;
  expect(event).toMatchObject({
    [SyncEventColumns.direction]: SyncDirection.toDataverse,
    [SyncEventColumns.outcome]: SyncOutcome.failed,
    [SyncEventColumns.referralId]: referral.id,
    [SyncEventColumns.message]: expect.stringContaining('cannot read ($.details.dealValue)'),
  });
  expect(opportunity(id)[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);
  expect(String(opportunity(id)[OpportunityColumns.name])).toMatch(/ ✖$/);
});

it('a lead whose referral answer keeps failing: sync status Error and the event on the lead', async () => {
  const referral = receiveReferral(bed.partnerCenter);
  const leadId = await bed.dataverse.create(EntitySets.lead, {
    [LeadColumns.subject]: 'Lead from a referral',
    [LeadColumns.referralId]: referral.id,
    statecode: 1,
  });
  for (let i = 0; i < 3; i += 1) bed.partnerCenter.failNext('getReferral', 500);
  await bed.store.enqueue([leadSyncJob({ leadId, reason: 'QualifyLead', stateCode: 1 })]);
  for (let i = 0; i < 3; i += 1) {
    await bed.drain();
    bed.clock.advance(3_600_000);
  }
  expect(bed.dataverse.row(EntitySets.lead, leadId)![LeadColumns.syncStatus]).toBe(SyncStatus.error);
  expect(events()).toEqual([
    expect.objectContaining({
      [`_${SyncEventColumns.lead}_value`]: leadId,
      [SyncEventColumns.outcome]: SyncOutcome.failed,
      [SyncEventColumns.referralId]: referral.id,
    }),
  ]);
});

it('copying a catalogue solution that Dataverse refuses: the opportunity says a permission is missing', async () => {
  const id = await deal(undefined, 'Catalogue copy refused');
  bed.dataverse.failNext('retrieveMultiple', 403, 'principal user is missing prvReadpcs_microsoftsolution');
  await bed.store.enqueue([
    solutionFromCatalogueJob({ opportunityId: id, solutionRowId: null, reason: 'test' }),
  ]);
  await bed.drain();
  expect(opportunity(id)[OpportunityColumns.name]).toBe('Catalogue copy refused ✖');
  expect(events()).toEqual([
    expect.objectContaining({
      [SyncEventColumns.name]: 'Sync not allowed: a permission is missing',
      [SyncEventColumns.message]: expect.stringMatching(
        /^The sync service lacks a permission in Dynamics 365/,
      ),
    }),
  ]);
});

it('a job about a record deleted meanwhile is only logged', async () => {
  await bed.store.enqueue([
    leadSyncJob({ leadId: '0f0f0f0f-0000-4000-8000-000000000000', reason: 'Update' }),
  ]);
  await bed.drain();
  expect(await bed.store.depth()).toMatchObject({ dead: 1 });
  expect(events()).toEqual([]);
  expect(bed.logger.messages('info')).toContain('dead letter: its record no longer exists');
});

describe('classification', () => {
  const api = (status: number | null, service: 'partnercenter' | 'dataverse' = 'partnercenter') =>
    new ApiError('x', { service, status, method: 'GET', url: 'u' });

  it('sorts errors into the kinds the record shows', () => {
    expect(failureOf(api(400), 1)).toMatchObject({ kind: 'rejected', service: 'partnercenter', fields: [] });
    expect(failureOf(api(404, 'dataverse'), 1)).toMatchObject({ kind: 'rejected', service: 'dataverse' });
    expect(failureOf(api(401), 1)).toMatchObject({ kind: 'forbidden', service: 'partnercenter' });
    expect(failureOf(api(403, 'dataverse'), 1)).toMatchObject({ kind: 'forbidden', service: 'dataverse' });
    expect(failureOf(api(429), 5)).toMatchObject({ kind: 'deadLetter', attempts: 5 });
    expect(failureOf(api(503), 5)).toMatchObject({ kind: 'deadLetter', service: 'partnercenter' });
    expect(failureOf(new Error('socket hang up'), 5)).toMatchObject({ kind: 'deadLetter', service: null });
    expect(failureOf(new ValidationError('$.status', 'expected one of New'), 1)).toEqual({
      kind: 'unreadable',
      path: '$.status',
    });
  });

  it('places the JSON paths Partner Center names in any notation', () => {
    expect(
      fieldsOfPaths([
        '$.details.dealValue',
        '/details/closingDateTime',
        'details.requirements.solutions[0].id',
        'customerProfile.address.city',
        'name',
        'inviteContext.assistanceRequestCode',
        'somethingNew',
      ]),
    ).toEqual(['dealValue', 'closeDate', 'solutions', 'customerAddress', 'topic', 'help']);
  });
});
