/**
 * `cosell migrate`, then `cosell backfill --all`, against the local stack, as
 * docs/migrating-from-microsoft-connector.md walks an admin through them. Microsoft's connector's
 * opportunity columns arrive through ImportSolution (its export is not public: a stand-in, see
 * tests/fixtures/SOURCES.md). The old connector left opportunities carrying its referral id and sync
 * flag, and Partner Center holds: referrals linked that way, one whose opportunity only its
 * externalReferenceId names, two nothing matches, and a stale (expired) referral whose
 * externalReferenceId names an opportunity the old connector linked to a newer referral.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { validateCustomizations } from '../../../Build/solution/xsd';
import { EntitySets, LeadColumns, OpportunityColumns } from '../../../Domain/constants';
import { where } from '../../../Domain/odataQuery';
import type { MigrationLine, MigrationReport } from '../../../Relay/backfill/microsoftConnectorMigration';
import { captureIo } from '../../../Relay/cli/io';
import { main } from '../../../Relay/cli/main';
import { existingReferrals, withSandboxCli } from '../../testkit/existingData';
import { MICROSOFT_CONNECTOR_SOLUTION, XSD_DIR } from '../../testkit/paths';
import { MICROSOFT_REFERRALS_AS_OPPORTUNITIES, startTestStack } from '../../testkit/stack';
import type { TestStack } from '../../testkit/stack';

const OLD_REFERRAL_ID = 'msft_microsoftpartnercenterreferralidentifier';
const OLD_SYNC = 'msft_microsoftpartnercenterreferralsync';
const MIGRATE = ['migrate', '--referral-id-column', OLD_REFERRAL_ID, '--sync-column', OLD_SYNC];
const SOLUTION_FILES = ['[Content_Types].xml', 'solution.xml', 'customizations.xml'];

let stack: TestStack;
/** Referral ids: linked by the old connector (synced / not synced), by externalReferenceId only, unmatched, stale. */
const referral = {
  synced: randomUUID(),
  notSynced: randomUUID(),
  byExternalId: randomUUID(),
  noRecordId: randomUUID(),
  missingRecord: randomUUID(),
  stale: randomUUID(),
  asLead: randomUUID(),
};
/** Opportunity ids, filled by the seed. */
const opportunity = { synced: '', notSynced: '', byExternalId: '' };
let leadId = '';
let opportunitiesBefore = 0;

async function connectorSolutionZip(): Promise<Buffer> {
  const zip = new JSZip();
  for (const name of SOLUTION_FILES)
    zip.file(name, readFileSync(path.join(MICROSOFT_CONNECTOR_SOLUTION, name)));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

const allOpportunities = () =>
  stack.adminClient.retrieveMultiple(EntitySets.opportunity, { select: [OpportunityColumns.id] });

beforeAll(async () => {
  stack = await startTestStack({ environmentVariables: MICROSOFT_REFERRALS_AS_OPPORTUNITIES });
  // Microsoft's connector was installed first: its columns come from its (managed) solution.
  await stack.adminClient.executeAction('ImportSolution', {
    CustomizationFile: (await connectorSolutionZip()).toString('base64'),
    OverwriteUnmanagedCustomizations: false,
    PublishWorkflows: true,
    ImportJobId: randomUUID(),
  });
  // What its flows wrote, as the connection's user (an administrator).
  const create = (name: string, columns: Record<string, unknown> = {}) =>
    stack.adminClient.create(EntitySets.opportunity, { [OpportunityColumns.name]: name, ...columns });
  opportunity.synced = await create('Linked and synced', {
    [OLD_REFERRAL_ID]: referral.synced,
    [OLD_SYNC]: true,
  });
  opportunity.notSynced = await create('Linked, sync off', {
    [OLD_REFERRAL_ID]: referral.notSynced,
    [OLD_SYNC]: false,
  });
  opportunity.byExternalId = await create('Named by its referral only');
  leadId = (
    await stack.adminClient.create(EntitySets.lead, {
      [LeadColumns.subject]: 'Brought in as a lead',
      [LeadColumns.lastName]: 'Smith',
    })
  ).toLowerCase();
  const accepted = { status: 'Active', substatus: 'Accepted' };
  existingReferrals(stack, 1, 30, { ...accepted, id: referral.synced });
  existingReferrals(stack, 1, 31, {
    ...accepted,
    id: referral.notSynced,
    externalReferenceId: opportunity.notSynced,
  });
  existingReferrals(stack, 1, 32, {
    ...accepted,
    id: referral.byExternalId,
    externalReferenceId: opportunity.byExternalId,
  });
  existingReferrals(stack, 1, 33, { id: referral.noRecordId });
  existingReferrals(stack, 1, 34, { id: referral.missingRecord, externalReferenceId: randomUUID() });
  // Shared from the first opportunity once; it expired, and the connector shared the deal again.
  existingReferrals(stack, 1, 200, {
    id: referral.stale,
    status: 'Closed',
    substatus: 'Expired',
    externalReferenceId: opportunity.synced,
  });
  existingReferrals(stack, 1, 35, { id: referral.asLead, externalReferenceId: leadId });
  opportunitiesBefore = (await allOpportunities()).length;
});

async function cosell(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

const sorted = (lines: MigrationLine[]) =>
  lines
    .map((l) => ({ ...l, opportunityId: l.opportunityId?.toLowerCase() }))
    .sort((a, b) => a.referralId.localeCompare(b.referralId));
const line = (opportunityId: string | undefined, referralId: string, reason?: string): MigrationLine => ({
  ...(opportunityId ? { opportunityId: opportunityId.toLowerCase() } : {}),
  referralId,
  ...(reason ? { reason } : {}),
});

async function ourColumns(id: string) {
  const row = await stack.adminClient.retrieve(EntitySets.opportunity, id, {
    select: [OpportunityColumns.referralId, OpportunityColumns.syncWithPartnerCenter, 'versionnumber'],
  });
  return {
    referralId: row[OpportunityColumns.referralId] ?? null,
    sync: row[OpportunityColumns.syncWithPartnerCenter] ?? null,
    version: row.versionnumber,
  };
}

/** Opportunities and leads linked to a referral (pcs_referralid). */
async function recordsOf(referralId: string): Promise<string[]> {
  const leads = await stack.adminClient.retrieveMultiple(EntitySets.lead, {
    select: [LeadColumns.id],
    filter: where.eq(LeadColumns.referralId, referralId),
  });
  const opportunities = await stack.opportunitiesOfReferral(referralId);
  return [
    ...opportunities.map((o) => `opportunity ${String(o[OpportunityColumns.id]).toLowerCase()}`),
    ...leads.map((l) => `lead ${String(l[LeadColumns.id]).toLowerCase()}`),
  ];
}

it('the stand-in for the connector solution is valid customizations.xml (Microsoft XSD)', () => {
  const xml = readFileSync(path.join(MICROSOFT_CONNECTOR_SOLUTION, 'customizations.xml'), 'utf8');
  expect(validateCustomizations(xml, XSD_DIR)).toEqual([]);
});

const asLead = () =>
  line(
    undefined,
    referral.asLead,
    `its externalReferenceId is lead ${leadId}: \`cosell backfill\` updates that lead`,
  );

const firstReport: Omit<MigrationReport, 'skipped'> = {
  linkedByColumn: [],
  linkedByExternalReference: [],
  unmatched: [],
};

it('--dry-run reports what it would link, skip and not match, and writes nothing', async () => {
  const before = await ourColumns(opportunity.synced);
  const { code, out } = await withSandboxCli(stack, () => cosell([...MIGRATE, '--dry-run', '--json']));
  expect(code).toBe(0);
  const report = JSON.parse(out) as MigrationReport;
  Object.assign(firstReport, {
    linkedByColumn: sorted([
      line(opportunity.synced, referral.synced),
      line(opportunity.notSynced, referral.notSynced),
    ]),
    linkedByExternalReference: [line(opportunity.byExternalId, referral.byExternalId)],
    unmatched: sorted([
      line(undefined, referral.noRecordId, 'no opportunity id in externalReferenceId'),
      line(
        undefined,
        referral.missingRecord,
        expect.stringMatching(/^no opportunity [0-9a-f-]{36}$/) as unknown as string,
      ),
    ]),
  });
  expect({
    linkedByColumn: sorted(report.linkedByColumn),
    linkedByExternalReference: sorted(report.linkedByExternalReference),
    skipped: sorted(report.skipped),
    unmatched: sorted(report.unmatched),
  }).toEqual({
    ...firstReport,
    skipped: sorted([
      line(opportunity.synced, referral.stale, `the opportunity is linked to referral ${referral.synced}`),
      asLead(),
    ]),
  });
  for (const id of Object.values(opportunity))
    expect(await ourColumns(id)).toMatchObject({ referralId: null });
  expect((await ourColumns(opportunity.synced)).version).toBe(before.version);
});

it('links by the old columns (sync flag too) and by externalReferenceId, and reports the rest', async () => {
  const { code, out } = await withSandboxCli(stack, () => cosell(MIGRATE));
  expect(code).toBe(0);
  expect(out).toContain("linked from Microsoft's connector's column: 2\n");
  expect(out).toContain('linked by externalReferenceId: 1\n');
  expect(out).toContain(`skipped: 2\n`);
  expect(out).toContain(
    `  referral ${referral.stale} ↔ opportunity ${opportunity.synced.toLowerCase()}: the opportunity is linked to referral ${referral.synced}\n`,
  );
  expect(out).toContain('unmatched (`cosell backfill` creates them): 2\n');
  expect(await ourColumns(opportunity.synced)).toMatchObject({ referralId: referral.synced, sync: true });
  expect(await ourColumns(opportunity.notSynced)).toMatchObject({
    referralId: referral.notSynced,
    sync: false,
  });
  expect(await ourColumns(opportunity.byExternalId)).toMatchObject({ referralId: referral.byExternalId });
});

it('a second run links nothing new and writes nothing', async () => {
  const versions = await Promise.all(
    Object.values(opportunity).map(async (id) => (await ourColumns(id)).version),
  );
  const { code, out } = await withSandboxCli(stack, () => cosell([...MIGRATE, '--json']));
  expect(code).toBe(0);
  const report = JSON.parse(out) as MigrationReport;
  expect(report.linkedByColumn).toEqual([]);
  expect(report.linkedByExternalReference).toEqual([]);
  expect(sorted(report.skipped)).toEqual(
    sorted([
      line(opportunity.synced, referral.synced, 'already linked'),
      line(opportunity.notSynced, referral.notSynced, 'already linked'),
      line(opportunity.synced, referral.stale, `the opportunity is linked to referral ${referral.synced}`),
      asLead(),
    ]),
  );
  expect(sorted(report.unmatched)).toEqual(firstReport.unmatched);
  expect(
    await Promise.all(Object.values(opportunity).map(async (id) => (await ourColumns(id)).version)),
  ).toEqual(versions);
});

it('`cosell backfill --all` then updates the migrated opportunities in place, creates only the unmatched, and leaves the stale referral alone', async () => {
  await withSandboxCli(stack, async () => {
    const first = await cosell(['backfill', '--all']);
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toMatch(/: created 2, updated \d+, unchanged \d+, skipped 1, queued for retry 0\n/);
    const again = await cosell(['backfill', '--all']);
    expect(again.out).toMatch(/: created 0, updated 0, unchanged \d+, skipped 1, queued for retry 0\n/);
  });
  expect(await recordsOf(referral.synced)).toEqual([`opportunity ${opportunity.synced.toLowerCase()}`]);
  expect(await recordsOf(referral.notSynced)).toEqual([`opportunity ${opportunity.notSynced.toLowerCase()}`]);
  expect(await recordsOf(referral.byExternalId)).toEqual([
    `opportunity ${opportunity.byExternalId.toLowerCase()}`,
  ]);
  expect(await recordsOf(referral.noRecordId)).toHaveLength(1);
  expect(await recordsOf(referral.missingRecord)).toHaveLength(1);
  expect(await recordsOf(referral.stale)).toEqual([]);
  expect(await recordsOf(referral.asLead)).toEqual([`lead ${leadId}`]);
  expect((await allOpportunities()).length).toBe(opportunitiesBefore + 2);
  // The opportunity the stale referral names stays open (an expired referral closes what it is linked to).
  const synced = await stack.opportunity(opportunity.synced);
  expect(synced[OpportunityColumns.stateCode]).toBe(0);
  // Backfill updates what the referral says, not the sync flag the old connector had.
  expect(await ourColumns(opportunity.notSynced)).toMatchObject({
    referralId: referral.notSynced,
    sync: false,
  });
});

it('names the column it cannot use: one that does not exist, or one of ours', async () => {
  await withSandboxCli(stack, async () => {
    const missing = await cosell(['migrate', '--referral-id-column', 'msft_referralid', '--dry-run']);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(
      'cosell: opportunity has no column msft_referralid: check --referral-id-column (docs/migrating-from-microsoft-connector.md, step 1)\n',
    );
    const missingSync = await cosell([...MIGRATE.slice(0, 3), '--sync-column', 'msft_syncwithpartnercenter']);
    expect(missingSync.err).toContain(
      'opportunity has no column msft_syncwithpartnercenter: check --sync-column',
    );
    const ours = await cosell([
      'migrate',
      '--referral-id-column',
      OpportunityColumns.referralId,
      '--dry-run',
    ]);
    expect(ours.code).toBe(1);
    expect(ours.err).toContain(`${OpportunityColumns.referralId} is this connector's own column`);
  });
});
