/**
 * Dynamics 365 → Partner Center for one opportunity, on the typed fakes: create, patch of the changed
 * fields only, nothing for a change that is only the ✔/✖ mark, won / lost, a Closed referral, the ✖
 * path for an opportunity the rules block, Partner Center errors (4xx dead-letters, 5xx retries),
 * 412 re-read and merge, and the seller's accept / decline.
 */
import {
  EntitySets,
  OpportunityColumns,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  SyncDirection,
  SyncEventColumns,
  SyncOutcome,
  SyncStatus,
  referralLink,
} from '../../../Domain/constants';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import { opportunityQuery } from '../../../Domain/mapping';
import type { Referral, ReferralPatchOperation } from '../../../Domain/referral';
import { previewOpportunity as cliPreview } from '../../../Relay/cli/commands/preview';
import { opportunitySyncJob } from '../../../Relay/ports';
import { createInFlightKey, writtenEtagKey } from '../../../Relay/sync/deps';
import { previewOpportunity } from '../../../Relay/sync/preview';
import { pushOpportunity, respondToReferral } from '../../../Relay/sync/toPartnerCenter';
import { createCatalogueSolution, createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { createSyncTestbed, type SyncTestbed } from '../../testkit/syncTestbed';

let bed: SyncTestbed;
beforeEach(() => {
  bed = createSyncTestbed();
});

const push = (opportunityId: string, closing?: { outcome: 'won' | 'lost'; reason?: string }) =>
  pushOpportunity(bed.deps, { opportunityId, reason: 'test', closing }, bed.context);
const opportunity = (id: string) => bed.dataverse.row(EntitySets.opportunity, id)!;
const auditLines = (id: string) => String(opportunity(id)[OpportunityColumns.audit]).split('\n');
const patches = () =>
  bed.partnerCenter.callsOf('patchReferral').map((c) => c.body as ReferralPatchOperation[]);

describe('pushOpportunity', () => {
  it('creates the referral (mark off the name), links it back in one change set, ✔ on the name', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse, { name: 'Northwind deal ✖' });
    const result = await push(opportunityId);

    expect(result).toMatchObject({ outcome: 'succeeded', action: 'created' });
    const [created] = bed.partnerCenter.callsOf('createReferral');
    expect(created?.body).toMatchObject({ name: 'Northwind deal', externalReferenceId: opportunityId });
    const referral = bed.partnerCenter.referral((result as { referral: { id: string } }).referral.id);
    expect(referral).toMatchObject({ status: 'Active', substatus: 'Accepted', direction: 'Outgoing' });

    const [batch] = bed.dataverse.batches;
    expect(batch?.map((op) => [op.method, op.entitySet])).toEqual([
      ['PATCH', EntitySets.opportunity],
      ['POST', EntitySets.pcs_syncevent],
    ]);
    expect(opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.name]: 'Northwind deal ✔',
      [OpportunityColumns.referralId]: referral.id,
      [OpportunityColumns.referralLink]: referralLink(referral.id),
      [OpportunityColumns.referralStatus]: ReferralStatusOptions.Active,
      [OpportunityColumns.referralSubstatus]: ReferralSubstatusOptions.Accepted,
      [OpportunityColumns.syncStatus]: SyncStatus.synced,
      [OpportunityColumns.lastSyncedOn]: bed.clock.now().toISOString(),
      [OpportunityColumns.engagementId]: referral.engagementId,
    });
    expect(String(opportunity(opportunityId)[OpportunityColumns.audit])).toBe(
      `${bed.clock.now().toISOString()} ✔ → Partner Center: Created referral ${referral.id}`,
    );
    const [event] = bed.dataverse.rows(EntitySets.pcs_syncevent);
    expect(event).toMatchObject({
      [SyncEventColumns.direction]: SyncDirection.toPartnerCenter,
      [SyncEventColumns.outcome]: SyncOutcome.succeeded,
      [SyncEventColumns.referralId]: referral.id,
      [SyncEventColumns.correlationId]: bed.context.correlationId,
      [`_${SyncEventColumns.opportunity}_value`]: opportunityId,
    });
    // The eTag we wrote: the webhook Partner Center sends back for it is our own echo.
    expect(await bed.store.getState(writtenEtagKey(referral.id))).toBe(referral.eTag);
    expect(bed.metrics.syncOutcomes.total({ direction: 'toPartnerCenter', outcome: 'succeeded' })).toBe(1);
  });

  it('sends each solution with the publisher name of its catalogue row (the read fetches it)', async () => {
    const detailId = await createCatalogueSolution(bed.dataverse, {
      id: 'SOL-15974-MQF',
      name: 'Contoso Analytics on Azure',
      publisher: 'Contoso',
    });
    const { opportunityId } = await createSeedOpportunity(bed.dataverse, { solutionDetailId: detailId });
    await push(opportunityId);

    const [created] = bed.partnerCenter.callsOf('createReferral');
    expect((created?.body as Referral).details?.requirements?.solutions).toEqual([
      { type: 'Name', id: 'SOL-15974-MQF', name: 'Contoso Analytics on Azure', publisherName: 'Contoso' },
    ]);
  });

  it('patches only the fields that changed, and writes nothing when nothing changed', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    await push(opportunityId);
    await bed.dataverse.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.estimatedValue]: 150000,
      [OpportunityColumns.description]: 'Scope grew',
    });
    expect(await push(opportunityId)).toMatchObject({ outcome: 'succeeded', action: 'updated' });
    expect(patches()).toEqual([
      [
        { op: 'replace', path: '/details/dealValue', value: 150000 },
        { op: 'replace', path: '/details/notes', value: 'Scope grew' },
      ],
    ]);
    expect(auditLines(opportunityId)[0]).toMatch(
      /^\S+ ✔ → Partner Center: Updated referral \(\/details\/dealValue, \/details\/notes\)$/,
    );

    const batches = bed.dataverse.batches.length;
    expect(await push(opportunityId)).toMatchObject({ outcome: 'succeeded', action: 'unchanged' });
    expect(patches()).toHaveLength(1);
    // No-op syncs write nothing: this is what stops a write-back → webhook → sync loop.
    expect(bed.dataverse.batches).toHaveLength(batches);
  });

  it('keeps the audit history: each sync puts its line on top of the earlier ones', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    await push(opportunityId);
    bed.clock.advance(60_000);
    await bed.dataverse.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.estimatedValue]: 2,
    });
    await push(opportunityId);
    expect(auditLines(opportunityId)).toEqual([
      '2026-03-01T12:01:00.000Z ✔ → Partner Center: Updated referral (/details/dealValue)',
      expect.stringMatching(/^2026-03-01T12:00:00.000Z ✔ → Partner Center: Created referral /),
    ]);
  });

  it('sends nothing when only the ✔/✖ mark changed, and puts the right mark back', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    await push(opportunityId);
    await bed.dataverse.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.name]: 'Northwind analytics platform ✖',
    });
    expect(await push(opportunityId)).toMatchObject({ action: 'unchanged' });
    expect(patches()).toEqual([]);
    expect(opportunity(opportunityId)[OpportunityColumns.name]).toBe('Northwind analytics platform ✔');
  });

  it('closes the referral as won or lost (with the reason), once', async () => {
    const won = await createSeedOpportunity(bed.dataverse, { name: 'Will win' });
    const lost = await createSeedOpportunity(bed.dataverse, { name: 'Will lose' });
    await push(won.opportunityId);
    await push(lost.opportunityId);

    expect(await push(won.opportunityId, { outcome: 'won' })).toMatchObject({ action: 'updated' });
    await push(lost.opportunityId, { outcome: 'lost', reason: 'Budget cut' });
    expect(patches()).toEqual([
      [
        { op: 'replace', path: '/status', value: 'Closed' },
        { op: 'replace', path: '/substatus', value: 'Won' },
      ],
      [
        { op: 'replace', path: '/status', value: 'Closed' },
        { op: 'replace', path: '/substatus', value: 'Lost' },
        { op: 'replace', path: '/statusReason', value: 'Budget cut' },
      ],
    ]);
    expect(opportunity(lost.opportunityId)).toMatchObject({
      [OpportunityColumns.referralStatus]: ReferralStatusOptions.Closed,
      [OpportunityColumns.referralSubstatus]: ReferralSubstatusOptions.Lost,
    });
    expect(auditLines(won.opportunityId)[0]).toMatch(/; opportunity won$/);
  });

  it('leaves a Closed referral alone, as the /api preview and `cosell preview` say it would', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    await push(opportunityId, { outcome: 'won' });
    await bed.dataverse.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.description]: 'Edited after the win',
    });
    const before = bed.partnerCenter.calls.length;

    expect(await push(opportunityId)).toMatchObject({ outcome: 'succeeded', action: 'closed' });
    expect(bed.partnerCenter.calls.slice(before).map((c) => c.operation)).toEqual(['getReferral']);

    const record = await bed.dataverse.retrieve(
      EntitySets.opportunity,
      opportunityId,
      opportunityQuery(DEFAULT_FIELD_MAP),
    );
    const referral = bed.partnerCenter.referral(record[OpportunityColumns.referralId] as string);
    expect(cliPreview(record, DEFAULT_FIELD_MAP, referral)).toEqual({ action: 'none', reason: 'closed' });
    expect(await previewOpportunity(bed.deps, opportunityId, 1033)).toMatchObject({
      action: 'none',
      patch: [],
    });
  });

  it('an opportunity the rules block gets ✖, sync status error and the reason; nothing reaches Partner Center', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse, { country: 'United States' });
    const result = await push(opportunityId);

    expect(result).toMatchObject({ outcome: 'failed' });
    expect(bed.partnerCenter.calls).toEqual([]);
    const row = opportunity(opportunityId);
    expect(row).toMatchObject({
      [OpportunityColumns.name]: 'Northwind analytics platform ✖',
      [OpportunityColumns.syncStatus]: SyncStatus.error,
    });
    expect([row[OpportunityColumns.lastSyncedOn], row[OpportunityColumns.referralId]]).toEqual([
      undefined,
      undefined,
    ]);
    expect(row[OpportunityColumns.audit]).toMatch(/✖ → Partner Center: .*United States/);
    expect(bed.dataverse.rows(EntitySets.pcs_syncevent)).toEqual([
      expect.objectContaining({
        [SyncEventColumns.name]: 'Not shared: fix the opportunity',
        [SyncEventColumns.outcome]: SyncOutcome.failed,
      }),
    ]);
    expect(bed.metrics.syncOutcomes.total({ outcome: 'failed' })).toBe(1);
  });

  it('skips an opportunity with sync off or gone, writing nothing', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse, { sync: false });
    expect(await push(opportunityId)).toEqual({
      outcome: 'skipped',
      reason: 'sync with Partner Center is off',
    });
    expect(await push('0f0f0f0f-0000-4000-8000-000000000000')).toEqual({
      outcome: 'skipped',
      reason: 'opportunity no longer exists',
    });
    expect(bed.dataverse.batches).toEqual([]);
    expect(bed.partnerCenter.calls).toEqual([]);
  });

  it('re-reads and merges when the referral changed meanwhile (412)', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    await push(opportunityId);
    await bed.dataverse.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.estimatedValue]: 1,
    });
    bed.partnerCenter.failNext('patchReferral', 412);

    expect(await push(opportunityId)).toMatchObject({ action: 'updated' });
    expect(bed.partnerCenter.callsOf('patchReferral')).toHaveLength(2);
    expect(bed.partnerCenter.callsOf('getReferral')).toHaveLength(2);
    expect(bed.logger.messages('info')).toContain('referral changed meanwhile (412): re-reading and merging');
  });

  it('creates without searching Partner Center first: one read, one create, one write-back', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    expect(await push(opportunityId)).toMatchObject({ action: 'created' });

    expect(bed.partnerCenter.callsOf('findByExternalReferenceId')).toHaveLength(0);
    expect(bed.partnerCenter.callsOf('createReferral')).toHaveLength(1);
    expect(bed.dataverse.callsOf('retrieve', EntitySets.opportunity)).toHaveLength(1);
    expect(bed.dataverse.callsOf('executeBatch')).toHaveLength(1);
    expect(await bed.store.getState(createInFlightKey(opportunityId))).toBeNull();
  });

  it('after a crash between the create and the write-back, the retry finds the referral instead of making a second', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    // The relay dies after Partner Center made the referral, before the opportunity names it.
    bed.dataverse.failNext('executeBatch', new Error('relay stopped'));
    await expect(push(opportunityId)).rejects.toThrow('relay stopped');
    expect(await bed.store.getState(createInFlightKey(opportunityId))).not.toBeNull();

    expect(await push(opportunityId)).toMatchObject({ outcome: 'succeeded' });
    expect(bed.partnerCenter.callsOf('findByExternalReferenceId')).toHaveLength(1);
    expect(bed.partnerCenter.callsOf('createReferral')).toHaveLength(1);
    const linked = opportunity(opportunityId)[OpportunityColumns.referralId] as string;
    expect(bed.partnerCenter.referral(linked)).toMatchObject({ externalReferenceId: opportunityId });
    expect(await bed.store.getState(createInFlightKey(opportunityId))).toBeNull();
  });
});

describe('Partner Center errors through the worker', () => {
  const queue = (opportunityId: string) =>
    bed.store.enqueue([opportunitySyncJob({ opportunityId, reason: 'test' })]);

  it('a 4xx it cannot fix dead-letters the job at once; the opportunity shows ✖ (tests/unit/sync/failures.test.ts)', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    bed.partnerCenter.failNext('createReferral', 400, 'customerProfile.address.country is invalid');
    await queue(opportunityId);
    await bed.drain();

    const [dead] = await bed.store.listDeadLetters();
    expect(dead).toMatchObject({ key: `opportunity:${opportunityId}`, attempts: 1 });
    expect(dead?.lastError).toMatch(/400: customerProfile.address.country is invalid/);
    expect(opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.name]: 'Northwind analytics platform ✖',
      [OpportunityColumns.syncStatus]: SyncStatus.error,
    });
    expect(bed.dataverse.rows(EntitySets.pcs_syncevent)).toEqual([
      expect.objectContaining({ [SyncEventColumns.outcome]: SyncOutcome.failed }),
    ]);
    expect(bed.metrics.jobs.total({ result: 'dead' })).toBe(1);
  });

  it('a 5xx is retried later, then succeeds', async () => {
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    bed.partnerCenter.failNext('createReferral', 503);
    await queue(opportunityId);
    await bed.drain();
    expect(await bed.store.depth()).toEqual({ queued: 1, running: 0, dead: 0 });

    bed.clock.advance(60_000);
    await bed.drain();
    expect(await bed.store.depth()).toEqual({ queued: 0, running: 0, dead: 0 });
    expect(opportunity(opportunityId)[OpportunityColumns.syncStatus]).toBe(SyncStatus.synced);
  });
});

describe('respondToReferral', () => {
  /** An incoming referral (New/Pending) already pulled onto an opportunity. */
  async function incoming(): Promise<{ opportunityId: string; referralId: string }> {
    const referral = bed.partnerCenter.referrals.createIncoming({});
    const { opportunityId } = await createSeedOpportunity(bed.dataverse);
    await bed.dataverse.update(EntitySets.opportunity, opportunityId, {
      [OpportunityColumns.referralId]: referral.id,
    });
    return { opportunityId, referralId: referral.id };
  }

  it('accepts: Active/Accepted in Partner Center and on the opportunity', async () => {
    const { opportunityId, referralId } = await incoming();
    const result = await respondToReferral(bed.deps, { opportunityId, action: 'accept' }, bed.context);
    expect(result).toMatchObject({ outcome: 'succeeded', action: 'updated' });
    expect(bed.partnerCenter.referral(referralId)).toMatchObject({ status: 'Active', substatus: 'Accepted' });
    expect(opportunity(opportunityId)).toMatchObject({
      [OpportunityColumns.referralStatus]: ReferralStatusOptions.Active,
      [OpportunityColumns.referralSubstatus]: ReferralSubstatusOptions.Accepted,
    });
  });

  it('declines with the reason, and will not answer a referral twice', async () => {
    const { opportunityId, referralId } = await incoming();
    await respondToReferral(
      bed.deps,
      { opportunityId, action: 'decline', reason: 'No capacity' },
      bed.context,
    );
    expect(bed.partnerCenter.referral(referralId)).toMatchObject({
      status: 'Closed',
      substatus: 'Declined',
      statusReason: 'No capacity',
    });
    expect(opportunity(opportunityId)[OpportunityColumns.audit]).toMatch(
      /Declined the referral: No capacity/,
    );
    expect(await respondToReferral(bed.deps, { opportunityId, action: 'accept' }, bed.context)).toEqual({
      outcome: 'skipped',
      reason: 'referral is already Closed/Declined',
    });
  });
});
