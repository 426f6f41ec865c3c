/**
 * Partner Center → Dynamics 365 for one referral, on the typed fakes with Partner Center's own
 * documentation samples: create (opportunity or lead per policy, matched-or-created account and
 * contact, currency, catalogue solutions, externalReferenceId linked back), update of the changed
 * columns only, our own echo skipped, a closed referral. Microsoft's side: engagement.test.ts.
 */
import {
  AccountColumns,
  ContactColumns,
  EntitySets,
  EnvironmentVariables,
  LeadColumns,
  MarketplaceIntentOptions,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  ReferralAttributeCategoryOptions,
  ReferralAttributeColumns,
  ReferralFieldColumns,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  SyncEventColumns,
  SyncStatus,
  TransactionCurrencyColumns,
} from '../../../Domain/constants';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import { setFieldMapInFormXml } from '../../../Domain/formXmlControls';
import type { StoredReferral } from '../../../Domain/referral';
import { createFieldMapSource } from '../../../Relay/sync/fieldMapSource';
import { writtenEtagKey } from '../../../Relay/sync/deps';
import { pullReferral } from '../../../Relay/sync/fromPartnerCenter';
import { pushOpportunity } from '../../../Relay/sync/toPartnerCenter';
import { createCatalogueSolution, createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { receiveReferral, referralSample } from '../../testkit/referrals';
import { REPO_ROOT } from '../../testkit/paths';
import { createSyncTestbed, type SyncTestbed, type SyncTestbedOptions } from '../../testkit/syncTestbed';

/** The opportunity main form our solution publishes. */
const FORM_XML = readFileSync(
  path.join(
    REPO_ROOT,
    'Solution/Entities/Opportunity/FormXml/main/{6f3c2a10-5b7d-4c8e-9a41-2d0b8e7c5f01}.xml',
  ),
  'utf8',
);

let bed: SyncTestbed;
let usd: string;
let catalogueId: string;

async function start(options: SyncTestbedOptions = {}) {
  bed = createSyncTestbed(options);
  usd = await bed.dataverse.create(EntitySets.transactioncurrency, {
    [TransactionCurrencyColumns.isoCode]: 'USD',
  });
  catalogueId = await createCatalogueSolution(bed.dataverse, {
    id: 'SOL-Microsoft365',
    name: 'Microsoft 365 (catalogue)',
    publisher: 'Microsoft',
  });
}

const pull = (referral: StoredReferral | string, eventName = 'referral-updated') =>
  pullReferral(
    bed.deps,
    { referralId: typeof referral === 'string' ? referral : referral.id, eventName },
    bed.context,
  );
const opportunity = (id: string) => bed.dataverse.row(EntitySets.opportunity, id)!;

describe('pullReferral → opportunity', () => {
  // The samples are Microsoft's referrals (leads by default): these tests are about opportunities.
  beforeEach(() =>
    start({ environmentVariables: { [EnvironmentVariables.microsoftReferralTarget]: 'opportunity' } }),
  );

  it('creates the opportunity with its account, currency and catalogue solution, and links back', async () => {
    const referral = receiveReferral(bed.partnerCenter, 'referral-get-by-id.response.json');
    const result = await pull(referral, 'referral-created');
    expect(result).toMatchObject({ outcome: 'succeeded', action: 'created', table: 'opportunity' });
    const { recordId } = result as { recordId: string };

    const [account] = bed.dataverse.rows(EntitySets.account);
    expect(account).toMatchObject({
      [AccountColumns.name]: 'Fabrikam Customer Inc',
      [AccountColumns.city]: 'Redmond',
      [AccountColumns.postalCode]: '98052',
      [AccountColumns.country]: 'US',
    });
    // The sample has no customer team: no contact to match or create.
    expect(bed.dataverse.rows(EntitySets.contact)).toEqual([]);
    expect(bed.dataverse.batches[0]?.map((op) => [op.method, op.entitySet])).toEqual([
      ['POST', EntitySets.opportunity],
      ['POST', EntitySets.pcs_microsoftsolution],
      ['POST', EntitySets.pcs_syncevent],
    ]);
    expect(opportunity(recordId)).toMatchObject({
      [OpportunityColumns.estimatedValue]: 10000,
      [OpportunityColumns.estimatedCloseDate]: '2020-12-01',
      [OpportunityColumns.referralId]: referral.id,
      [OpportunityColumns.referralStatus]: ReferralStatusOptions.New,
      [OpportunityColumns.referralSubstatus]: ReferralSubstatusOptions.Pending,
      [OpportunityColumns.syncWithPartnerCenter]: true,
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
      _parentaccountid_value: account![AccountColumns.id],
      _transactioncurrencyid_value: usd,
    });
    expect(opportunity(recordId)[OpportunityColumns.audit]).toMatch(
      new RegExp(
        `← Partner Center: Created opportunity from Incoming referral ${referral.id} \\(New/Pending\\)$`,
      ),
    );
    expect(bed.dataverse.rows(EntitySets.pcs_microsoftsolution)).toEqual([
      expect.objectContaining({
        [MicrosoftSolutionColumns.name]: 'Microsoft 365 (catalogue)',
        [MicrosoftSolutionColumns.solutionId]: 'SOL-Microsoft365',
        _pcs_opportunityid_value: recordId,
        _pcs_solutiondetailid_value: catalogueId,
      }),
    ]);
    // Partner Center learns our record id, and that write is remembered as our own.
    const linked = bed.partnerCenter.referral(referral.id);
    expect(linked.externalReferenceId).toBe(recordId);
    expect(await bed.store.getState(writtenEtagKey(referral.id))).toBe(linked.eTag);
  });

  it('matches the account by name and postal code and the contact by email instead of creating them', async () => {
    const accountId = await bed.dataverse.create(EntitySets.account, {
      [AccountColumns.name]: 'Fabrikam Customer Inc',
      [AccountColumns.postalCode]: '98052',
    });
    const contactId = await bed.dataverse.create(EntitySets.contact, {
      [ContactColumns.email]: 'Sue.Smith@Fabrikam.example',
    });
    // The simulator's default incoming referral: the sample's customer, with a customer contact.
    const referral = bed.partnerCenter.referrals.createIncoming({});
    const { recordId } = (await pull(referral)) as { recordId: string };
    expect(bed.dataverse.rows(EntitySets.account)).toHaveLength(1);
    expect(bed.dataverse.rows(EntitySets.contact)).toHaveLength(1);
    expect(opportunity(recordId)).toMatchObject({
      _parentaccountid_value: accountId,
      _parentcontactid_value: contactId,
    });
  });

  it('updates only the columns the referral changed, and writes nothing when nothing did', async () => {
    const referral = receiveReferral(bed.partnerCenter);
    const { recordId } = (await pull(referral)) as { recordId: string };
    bed.partnerCenter.referrals.microsoftUpdate(referral.id, { dealValue: 25000, notes: 'More seats' });
    const batches = bed.dataverse.batches.length;

    expect(await pull(referral)).toMatchObject({ outcome: 'succeeded', action: 'updated' });
    const [patch, event] = bed.dataverse.batches[batches]!;
    expect(patch).toMatchObject({ method: 'PATCH', entitySet: EntitySets.opportunity, id: recordId });
    expect(Object.keys((patch as { record: object }).record).sort()).toEqual(
      [
        OpportunityColumns.audit,
        OpportunityColumns.description,
        OpportunityColumns.estimatedValue,
        OpportunityColumns.lastSyncedOn,
        OpportunityColumns.syncStatus,
      ].sort(),
    );
    expect(
      JSON.parse(String((event as { record: Record<string, unknown> }).record[SyncEventColumns.changes])),
    ).toEqual(expect.arrayContaining([OpportunityColumns.estimatedValue, OpportunityColumns.description]));
    expect(opportunity(recordId)).toMatchObject({
      [OpportunityColumns.estimatedValue]: 25000,
      [OpportunityColumns.description]: 'More seats',
    });

    // A new eTag without a change (Microsoft saved the same values): read, compared, nothing written.
    bed.partnerCenter.referrals.microsoftUpdate(referral.id, { dealValue: 25000 });
    expect(await pull(referral)).toMatchObject({ action: 'unchanged' });
    expect(bed.dataverse.batches).toHaveLength(batches + 1);
  });

  it('points the solution area, play and partner role at catalogue rows, adding the codes it lacks', async () => {
    const security = await bed.dataverse.create(EntitySets.pcs_referralattribute, {
      [ReferralAttributeColumns.name]: 'Security',
      [ReferralAttributeColumns.code]: 'Security',
      [ReferralAttributeColumns.category]: ReferralAttributeCategoryOptions.solutionArea,
    });
    const withAttributes = (area: string) => ({
      details: {
        ...(referralSample().details as object),
        requirements: {
          additionalRequirements: {
            attributes: [
              { type: 'SolutionArea', id: area },
              { type: 'PartnerRole', id: 'ServicesPartner' },
              { type: 'CustomerMarketplaceIntent', id: 'Yes' },
            ],
          },
        },
      },
    });
    const referral = receiveReferral(bed.partnerCenter, undefined, withAttributes('Security'));
    const { recordId } = (await pull(referral, 'referral-created')) as { recordId: string };

    const roles = bed.dataverse
      .rows(EntitySets.pcs_referralattribute)
      .filter((r) => r[ReferralAttributeColumns.code] === 'ServicesPartner');
    expect(roles).toEqual([
      expect.objectContaining({
        [ReferralAttributeColumns.name]: 'ServicesPartner',
        [ReferralAttributeColumns.category]: ReferralAttributeCategoryOptions.partnerRole,
      }),
    ]);
    expect(opportunity(recordId)).toMatchObject({
      _pcs_solutionareaid_value: security,
      _pcs_partnerroleid_value: roles[0]![ReferralAttributeColumns.id],
      [ReferralFieldColumns.marketplaceIntent]: MarketplaceIntentOptions.Yes,
    });

    // The area changes in Partner Center: the lookup moves to that row (added: the catalogue lacked it).
    await bed.partnerCenter.patchReferral(referral.id, [
      {
        op: 'replace',
        path: '/details/requirements/additionalRequirements/attributes/0/id',
        value: 'AIBusinessSolutions',
      },
    ]);
    expect(await pull(referral)).toMatchObject({ action: 'updated' });
    const [ai] = bed.dataverse
      .rows(EntitySets.pcs_referralattribute)
      .filter((r) => r[ReferralAttributeColumns.code] === 'AIBusinessSolutions');
    expect(opportunity(recordId)._pcs_solutionareaid_value).toBe(ai![ReferralAttributeColumns.id]);
    // A new eTag with the same values: the lookups already point there, nothing is written.
    bed.partnerCenter.referrals.microsoftUpdate(referral.id, {});
    const batches = bed.dataverse.batches.length;
    expect(await pull(referral)).toMatchObject({ action: 'unchanged' });
    expect(bed.dataverse.batches).toHaveLength(batches);
  });

  it('makes the reads of a new referral in one $batch, then writes it in one change set', async () => {
    const referral = receiveReferral(bed.partnerCenter, 'referral-get-by-id.response.json');
    // The field map, read once, is kept until a form is published again (its versions ride along).
    await bed.deps.fieldMaps.current();
    const before = bed.dataverse.calls.length;
    expect(await pull(referral, 'referral-created')).toMatchObject({ action: 'created' });
    // Settings are cached apart. The sample's customer is new to Dataverse: its account is created on
    // its own, before the change set.
    expect(
      bed.dataverse.calls
        .slice(before)
        .map((c) => c.operation)
        .filter((o) => o !== 'getEnvironmentVariable'),
    ).toEqual(['retrieveBatch', 'create', 'executeBatch']);
    expect(bed.partnerCenter.calls.map((c) => c.operation)).toEqual(['getReferral', 'patchReferral']);
  });

  it('keeps the field map until a form is published again, then pulls with the new map at once', async () => {
    // A relay that would otherwise keep its map for an hour.
    const deps = {
      ...bed.deps,
      fieldMaps: createFieldMapSource(bed.dataverse, bed.deps.settings, bed.clock, 3_600_000),
    };
    const pullWith = async (referral: StoredReferral) =>
      (await pullReferral(deps, { referralId: referral.id, eventName: 'referral-created' }, bed.context)) as {
        recordId: string;
      };
    const formReads = () => bed.dataverse.callsOf('getSystemForms').length;
    const first = await pullWith(receiveReferral(bed.partnerCenter, 'referral-get-by-id.response.json'));
    expect(opportunity(first.recordId)[OpportunityColumns.description]).toMatch(/Microsoft 365/);
    const reads = formReads();

    // Unchanged forms: the map is not read again, even long after.
    bed.clock.advance(2 * 3_600_000);
    await pullWith(receiveReferral(bed.partnerCenter, 'referral-get-by-id.response.json'));
    expect(formReads()).toBe(reads);

    // A customizer publishes a form whose map puts the notes in another column.
    const remapped = {
      ...DEFAULT_FIELD_MAP,
      entries: DEFAULT_FIELD_MAP.entries.map((e) =>
        e.referral === 'details.notes' && e.table === 'opportunity' ? { ...e, column: 'stepname' } : e,
      ),
    };
    bed.dataverse.forms = [
      {
        formid: 'main-form',
        name: 'Opportunity',
        formxml: setFieldMapInFormXml(FORM_XML, JSON.stringify(remapped)),
      },
    ];
    const after = await pullWith(receiveReferral(bed.partnerCenter, 'referral-get-by-id.response.json'));
    expect(opportunity(after.recordId)).toMatchObject({ stepname: expect.stringMatching(/Microsoft 365/) });
    expect(formReads()).toBe(reads + 1);
  });

  it('skips our own echo: the eTag we wrote last', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    const pushed = await pushOpportunity(bed.deps, { opportunityId, reason: 'test' }, bed.context);
    const referralId = (pushed as { referral: StoredReferral }).referral.id;
    const reads = bed.dataverse.calls.length;

    expect(await pull(referralId)).toEqual({ outcome: 'skipped', reason: 'our own change (eTag we wrote)' });
    expect(bed.dataverse.calls).toHaveLength(reads);
  });

  it('skips the referral-created event of a referral we created without reading it', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    const pushed = await pushOpportunity(bed.deps, { opportunityId, reason: 'test' }, bed.context);
    const referralId = (pushed as { referral: StoredReferral }).referral.id;
    const reads = bed.dataverse.calls.length;

    expect(await pull(referralId, 'referral-created')).toEqual({
      outcome: 'skipped',
      reason: 'our own create',
    });
    expect(bed.partnerCenter.callsOf('getReferral')).toHaveLength(0);
    expect(bed.dataverse.calls).toHaveLength(reads);
    // Later events on it are read as usual (Microsoft may have changed it since).
    expect(await pull(referralId, 'referral-updated')).toMatchObject({ outcome: 'skipped' });
    expect(bed.partnerCenter.callsOf('getReferral')).toHaveLength(1);
  });

  it('skips a referral Partner Center no longer has', async () => {
    expect(await pull('6f1d4c0e-0000-4000-8000-000000000404')).toEqual({
      outcome: 'skipped',
      reason: 'referral not found',
    });
  });

  it('shows a referral closed in Partner Center on the opportunity', async () => {
    const referral = receiveReferral(bed.partnerCenter);
    const { recordId } = (await pull(referral)) as { recordId: string };
    bed.partnerCenter.referrals.expire(referral.id);
    await pull(referral);
    expect(opportunity(recordId)).toMatchObject({
      [OpportunityColumns.referralStatus]: ReferralStatusOptions.Closed,
      [OpportunityColumns.referralSubstatus]: ReferralSubstatusOptions.Expired,
    });
  });

  it('leaves alone a referral whose externalReferenceId names an opportunity linked to another referral', async () => {
    // The deal was shared once, that referral expired, and the opportunity now holds the new one.
    const current = receiveReferral(bed.partnerCenter);
    const { recordId } = (await pull(current)) as { recordId: string };
    const older = receiveReferral(bed.partnerCenter);
    bed.partnerCenter.referrals.patch(
      older.id,
      [{ op: 'replace', path: '/externalReferenceId', value: recordId }],
      undefined,
    );
    bed.partnerCenter.referrals.expire(older.id);
    const before = { ...opportunity(recordId) };

    expect(await pull(older)).toEqual({
      outcome: 'skipped',
      reason: `its externalReferenceId names opportunity ${recordId}, which is linked to referral ${current.id}`,
    });
    expect(opportunity(recordId)).toEqual(before);
    expect(bed.dataverse.rows(EntitySets.opportunity)).toHaveLength(1);
    expect(bed.dataverse.rows(EntitySets.lead)).toEqual([]);
  });

  it('keeps the audit history of the record: each pull puts its line on top', async () => {
    const referral = receiveReferral(bed.partnerCenter);
    const { recordId } = (await pull(referral)) as { recordId: string };
    bed.clock.advance(60_000);
    bed.partnerCenter.referrals.microsoftUpdate(referral.id, { notes: 'Second look' });
    await pull(referral);
    expect(String(opportunity(recordId)[OpportunityColumns.audit]).split('\n')).toEqual([
      expect.stringMatching(/^2026-03-01T12:01:00.000Z ✔ ← Partner Center: /),
      expect.stringMatching(/^2026-03-01T12:00:00.000Z ✔ ← Partner Center: Created opportunity/),
    ]);
  });
});

describe('pullReferral → lead (the older pcs_InboundReferralPolicy = lead)', () => {
  beforeEach(() => start({ environmentVariables: { [EnvironmentVariables.inboundReferralPolicy]: 'lead' } }));

  it('creates a lead carrying the referral, and no account, contact or solution rows', async () => {
    const referral = receiveReferral(bed.partnerCenter);
    const result = await pull(referral, 'referral-created');
    expect(result).toMatchObject({ outcome: 'succeeded', action: 'created', table: 'lead' });
    expect(bed.dataverse.row(EntitySets.lead, (result as { recordId: string }).recordId)).toMatchObject({
      [LeadColumns.referralId]: referral.id,
      [LeadColumns.referralStatus]: ReferralStatusOptions.New,
      [LeadColumns.syncWithPartnerCenter]: true,
      [LeadColumns.companyName]: 'Fabrikam Customer Inc',
    });
    expect(bed.dataverse.rows(EntitySets.account)).toEqual([]);
    expect(bed.dataverse.rows(EntitySets.pcs_microsoftsolution)).toEqual([]);
    expect(bed.dataverse.rows(EntitySets.opportunity)).toEqual([]);
  });
});
