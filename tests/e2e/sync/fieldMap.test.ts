/**
 * The field map lives in the published opportunity form (the sync control's static `fieldMap`
 * parameter). End to end against the Dataverse simulator: a customizer PATCHes the systemform's
 * FormXml, the relay's cache refreshes, and the next sync follows the new map; an invalid map (or two
 * forms that disagree) pauses the record's sync with a readable sync event and ✖ — nothing is lost —
 * and fixing the form resumes it.
 */
import {
  EntitySets,
  OpportunityColumns,
  SyncDirection,
  SyncEventColumns,
  SyncOutcome,
  SyncStatus,
} from '../../../Domain/constants';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import type { FieldMap, FieldMapEntry } from '../../../Domain/fieldMap';
import { fieldMapsInFormXml, setFieldMapInFormXml } from '../../../Domain/formXmlControls';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { startTestStack, type TestStack } from '../../testkit/stack';
import { PAUSED_TITLE } from '../../../Relay/sync/fieldMapPause';

const SYSTEMFORMS = 'systemforms';
/** A plain text column of the opportunity that the default map does not use. */
const SPARE_COLUMN = 'stepname';

describe('field map from the published opportunity form', () => {
  let stack: TestStack;
  let form: { formid: string; name: string; formxml: string };

  beforeAll(async () => {
    stack = await startTestStack();
    const forms = await stack.dataverseClient.getSystemForms('opportunity');
    expect(forms).toHaveLength(1);
    form = forms[0]!;
  });

  /** Publish `map` (object or raw text) on the form, then let the relay's cache refresh. */
  const publishMap = async (map: FieldMap | string, formId = form.formid) => {
    const text = typeof map === 'string' ? map : JSON.stringify(map);
    const formxml = setFieldMapInFormXml(form.formxml, text);
    await stack.adminClient.update(SYSTEMFORMS, formId, { formxml });
    // What the cache TTL (COSELL_FIELD_MAP_REFRESH_SEC) does on its own, without waiting for it.
    return stack.relay.sync.fieldMaps.refresh();
  };
  const mapWith = (change: (entries: FieldMapEntry[]) => FieldMapEntry[]): FieldMap => ({
    version: 1,
    entries: change(DEFAULT_FIELD_MAP.entries.map((e) => ({ ...e }))),
  });
  const referralOf = async (id: string) =>
    stack.partnerCenterClient.getReferral(
      (await stack.opportunity(id))[OpportunityColumns.referralId] as string,
    );
  const pausedEvents = async (id: string) =>
    (await stack.syncEvents(id)).filter((e) => e[SyncEventColumns.name] === PAUSED_TITLE);

  afterEach(async () => {
    await stack.adminClient.update(SYSTEMFORMS, form.formid, { formxml: form.formxml });
    await stack.relay.sync.fieldMaps.refresh();
    await stack.settle();
  });

  it('reads the map the solution published on every form factor', async () => {
    const texts = fieldMapsInFormXml(form.formxml);
    expect(texts).toHaveLength(3);
    expect(JSON.parse(texts[0]!)).toEqual(DEFAULT_FIELD_MAP);
    const state = await stack.relay.sync.fieldMaps.current();
    expect(state).toMatchObject({ ok: true, source: `form ${form.name}` });
  });

  it('a changed valid map is used by the next sync: an entry re-pointed, then an entry dropped', async () => {
    const seller = stack.sellerClient();
    const { opportunityId } = await createSeedOpportunity(seller, { name: 'Map follows the form' });
    await stack.settle();
    expect((await referralOf(opportunityId)).details?.notes).toBe('Modern data platform on Azure');

    // details.notes now comes from another column.
    const repointed = await publishMap(
      mapWith((entries) =>
        entries.map((e) =>
          e.referral === 'details.notes' && e.table === 'opportunity' ? { ...e, column: SPARE_COLUMN } : e,
        ),
      ),
    );
    expect(repointed.ok).toBe(true);
    // Only the newly mapped column changes: the relay realigned the Update step's filtering
    // attributes when it saw the new map, so Dataverse still calls it.
    await seller.update(EntitySets.opportunity, opportunityId, {
      [SPARE_COLUMN]: 'Notes kept in the spare column',
    });
    await stack.settle();
    expect((await referralOf(opportunityId)).details?.notes).toBe('Notes kept in the spare column');
    // …and the old column no longer travels.
    await seller.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.description]: 'description is no longer mapped to notes',
      [OpportunityColumns.estimatedValue]: 130000,
    });
    await stack.settle();
    expect((await referralOf(opportunityId)).details).toMatchObject({
      notes: 'Notes kept in the spare column',
      dealValue: 130000,
    });

    // Entry dropped: notes no longer travel at all.
    await publishMap(mapWith((entries) => entries.filter((e) => e.referral !== 'details.notes')));
    await seller.update(EntitySets.opportunity, opportunityId, {
      [SPARE_COLUMN]: 'not sent',
      [OpportunityColumns.description]: 'not sent either',
      [OpportunityColumns.estimatedValue]: 140000,
    });
    await stack.settle();
    expect((await referralOf(opportunityId)).details).toMatchObject({
      notes: 'Notes kept in the spare column',
      dealValue: 140000,
    });
    expect(await stack.opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
      [OpportunityColumns.name]: 'Map follows the form ✔',
    });
  });

  it('an invalid map pauses the record with a readable event (nothing lost); fixing the form resumes it', async () => {
    const seller = stack.sellerClient();
    const { opportunityId } = await createSeedOpportunity(seller, { name: 'Paused by the map' });
    await stack.settle();
    const referralId = (await referralOf(opportunityId)).id;

    const invalid = await publishMap(
      mapWith((entries) => [
        ...entries,
        { referral: 'details.colour', table: 'opportunity', column: 'description', direction: 'both' },
        { referral: 'details.dealValue', table: 'opportunity', column: 'Estimated Value', direction: 'both' },
      ]),
    );
    expect(invalid.ok).toBe(false);
    await seller.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.description]: 'Edited while the map is broken',
    });
    await stack.settle();

    const paused = await stack.opportunity(opportunityId);
    expect(paused[OpportunityColumns.name]).toBe('Paused by the map ✖');
    expect(paused[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);
    expect(String(paused[OpportunityColumns.audit]).split('\n')[0]).toContain(
      `✖ → Partner Center: Sync is paused: the field map on form "${form.name}" is invalid: entries[`,
    );
    const [event, ...more] = await pausedEvents(opportunityId);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      [SyncEventColumns.outcome]: SyncOutcome.failed,
      [SyncEventColumns.direction]: SyncDirection.toPartnerCenter,
      [SyncEventColumns.referralId]: referralId,
    });
    const message = String(event![SyncEventColumns.message]);
    const count = DEFAULT_FIELD_MAP.entries.length;
    expect(message).toContain(`entries[${count}] (details.colour): unknown referral path 'details.colour'`);
    expect(message).toContain(
      `entries[${count + 1}] (details.dealValue): column: not a Dataverse logical name`,
    );
    expect(JSON.parse(String(event![SyncEventColumns.changes]))).toMatchObject({
      paused: true,
      forms: [form.name],
      errors: [expect.stringContaining('details.colour'), expect.stringContaining('details.dealValue')],
    });
    // Parked, not failed: the job waits in the queue, nothing reached Partner Center.
    expect(await stack.relay.store.depth()).toMatchObject({ queued: 1, dead: 0 });
    expect((await referralOf(opportunityId)).details?.notes).toBe('Modern data platform on Azure');

    // More edits while paused coalesce into the parked job and repeat no event.
    await seller.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.description]: 'Edited twice while the map is broken',
    });
    await stack.settle();
    expect(await pausedEvents(opportunityId)).toHaveLength(1);
    expect(await stack.relay.store.depth()).toMatchObject({ queued: 1, dead: 0 });

    const fixed = await publishMap(DEFAULT_FIELD_MAP);
    expect(fixed.ok).toBe(true);
    await stack.settle();
    expect((await referralOf(opportunityId)).details?.notes).toBe('Edited twice while the map is broken');
    expect(await stack.opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.name]: 'Paused by the map ✔',
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
    });
    expect(await stack.relay.store.depth()).toMatchObject({ queued: 0, dead: 0 });
  });

  it('a Microsoft change while the map is invalid is parked on the linked record and applied after the fix', async () => {
    const { opportunityId } = await createSeedOpportunity(stack.sellerClient(), { name: 'Inbound paused' });
    await stack.settle();
    const referralId = (await referralOf(opportunityId)).id;

    await publishMap('{"version":1,"entries":[');
    stack.partnerCenter.referrals.microsoftUpdate(referralId, { notes: 'Microsoft wrote this meanwhile' });
    await stack.settle();
    const [event] = await pausedEvents(opportunityId);
    expect(event).toMatchObject({
      [SyncEventColumns.direction]: SyncDirection.toDataverse,
      [SyncEventColumns.outcome]: SyncOutcome.failed,
    });
    expect(String(event![SyncEventColumns.message])).toMatch(
      /field map .* is invalid: field map is not valid JSON/,
    );
    expect((await stack.opportunity(opportunityId))[OpportunityColumns.description]).toBe(
      'Modern data platform on Azure',
    );

    await publishMap(DEFAULT_FIELD_MAP);
    await stack.settle();
    expect(await stack.opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.description]: 'Microsoft wrote this meanwhile',
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
      [OpportunityColumns.name]: 'Inbound paused ✔',
    });
  });

  it('two published forms with different maps pause sync, naming both forms, until they agree', async () => {
    const { opportunityId } = await createSeedOpportunity(stack.sellerClient(), { name: 'Two forms' });
    await stack.settle();
    const otherMap = mapWith((entries) => entries.filter((e) => e.referral !== 'details.notes'));
    const secondFormId = await stack.adminClient.create(SYSTEMFORMS, {
      name: 'Co-sell (sales team)',
      objecttypecode: 'opportunity',
      type: 2,
      formactivationstate: 1,
      formxml: setFieldMapInFormXml(form.formxml, JSON.stringify(otherMap)),
    });
    try {
      const state = await stack.relay.sync.fieldMaps.refresh();
      expect(state.ok).toBe(false);
      await stack.sellerClient().update(EntitySets.opportunity, opportunityId, {
        [OpportunityColumns.description]: 'Which map applies?',
      });
      await stack.settle();
      const [event] = await pausedEvents(opportunityId);
      expect(String(event?.[SyncEventColumns.message])).toContain(
        `the opportunity forms carry different field maps ("${form.name}" vs "Co-sell (sales team)")`,
      );
      // One form each: the customized map is taken as meant, the form still carrying the default is to fix.
      expect(String(event?.[SyncEventColumns.message])).toContain(
        `Fix form "${form.name}": set the fieldMap property of the Partner Center sync control to the map of form "Co-sell (sales team)"`,
      );
      expect(JSON.parse(String(event![SyncEventColumns.changes]))).toMatchObject({
        forms: [form.name, 'Co-sell (sales team)'],
        formsToFix: [form.name],
      });
      expect((await stack.opportunity(opportunityId))[OpportunityColumns.syncStatus]).toBe(SyncStatus.error);

      // The customizer makes the second form carry the same map: sync resumes.
      await publishMap(DEFAULT_FIELD_MAP, secondFormId);
      await stack.settle();
      expect((await referralOf(opportunityId)).details?.notes).toBe('Which map applies?');
      expect((await stack.opportunity(opportunityId))[OpportunityColumns.syncStatus]).toBe(SyncStatus.synced);
    } finally {
      await stack.adminClient.update(SYSTEMFORMS, secondFormId, { formactivationstate: 0 });
    }
  });
  it("the control on a customizer's own form with fieldMap left empty: the default map, sync goes on", async () => {
    // The customizer adds the control to their form and never touches fieldMap (empty element).
    const ownFormId = await stack.adminClient.create(SYSTEMFORMS, {
      name: 'Opportunity (field sales)',
      objecttypecode: 'opportunity',
      type: 2,
      formactivationstate: 1,
      formxml: setFieldMapInFormXml(form.formxml, ''),
    });
    try {
      const published = await stack.dataverseClient.getSystemForms('opportunity');
      expect(published.map((f) => f.name)).toEqual([form.name, 'Opportunity (field sales)']);
      expect(await stack.relay.sync.fieldMaps.refresh()).toMatchObject({
        ok: true,
        map: DEFAULT_FIELD_MAP,
        source: `form ${form.name}`,
      });
      const { opportunityId } = await createSeedOpportunity(stack.sellerClient(), { name: 'Any form' });
      await stack.settle();
      expect(await stack.opportunity(opportunityId)).toMatchObject({
        [OpportunityColumns.name]: 'Any form ✔',
        [OpportunityColumns.syncStatus]: SyncStatus.synced,
      });
      expect(await pausedEvents(opportunityId)).toEqual([]);
    } finally {
      await stack.adminClient.update(SYSTEMFORMS, ownFormId, { formactivationstate: 0 });
    }
  });
});
