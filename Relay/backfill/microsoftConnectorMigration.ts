/**
 * Taking over from Microsoft's connector ("Partner Center Referrals Synchronization for Dynamics
 * 365", docs/migrating-from-microsoft-connector.md): opportunities it already linked to a referral
 * must be found by our sync, not duplicated by `cosell backfill`. Its columns' logical names are not
 * published (they depend on the installed solution), so the admin names them.
 *
 * 1. Every opportunity whose old referral-id column is filled gets that id in pcs_referralid (and the
 *    old sync flag in pcs_syncwithpartnercenter), unless it already has one.
 * 2. Every referral still unlinked whose externalReferenceId is the id of an opportunity without a
 *    referral id links that opportunity (our connector and Microsoft's both store the CRM id there).
 *    One whose externalReferenceId is a lead is skipped: the inbound sync finds and updates that lead.
 * Referrals left after both are reported as unmatched: `cosell backfill` creates them.
 * Nothing is written twice: a second run finds everything linked and skips it.
 */
import { EntitySets, LeadColumns, OpportunityColumns, PUBLISHER } from '../../Domain/constants';
import { isGuid } from '../../Domain/ids';
import { guid, where } from '../../Domain/odataQuery';
import type { DataverseRecord } from '../../Domain/opportunity';
import { ApiError } from '../ports';
import type { DataverseApi, PartnerCenterApi, WebApiRecord } from '../ports';

export interface MigrationOptions {
  /** Logical name of the old connector's referral id column on opportunity. */
  referralIdColumn: string;
  /** Logical name of its Yes/No "Sync with Partner Center" column, when it is to be copied. */
  syncColumn?: string;
  dryRun?: boolean;
}

export interface MigrationLine {
  opportunityId?: string;
  referralId: string;
  reason?: string;
}

export interface MigrationReport {
  /** Linked from the old connector's column. */
  linkedByColumn: MigrationLine[];
  /** Linked because the referral's externalReferenceId is the opportunity's id. */
  linkedByExternalReference: MigrationLine[];
  skipped: MigrationLine[];
  /** Referrals no opportunity matches (backfill creates them). */
  unmatched: MigrationLine[];
}

/** A Dataverse logical name: lowercase letters, digits and underscores (never anything to inject). */
const LOGICAL_NAME = /^[a-z][a-z0-9_]{0,99}$/;
const STEP_1 = 'docs/migrating-from-microsoft-connector.md, step 1';

export function checkLogicalName(option: string, value: string): string {
  if (!LOGICAL_NAME.test(value))
    throw new Error(`${option} ${value} is not a column logical name (lowercase, e.g. msp_referralid)`);
  // Both connectors call a column "Sync with Partner Center": the admin may pick ours by mistake.
  if (value.startsWith(`${PUBLISHER.prefix}_`))
    throw new Error(
      `${option} ${value} is this connector's own column: name the column of Microsoft's connector (${STEP_1})`,
    );
  return value;
}

/**
 * Dataverse's "Could not find a property named …" for a column a query names
 * (https://learn.microsoft.com/power-apps/developer/data-platform/reference/web-service-error-codes).
 */
const UNKNOWN_PROPERTY = '0x80060888';

/** Fails with what to do when opportunity lacks a column, instead of the Web API's 400. */
async function requireColumns(dataverse: DataverseApi, columns: Array<[string, string]>): Promise<void> {
  for (const [column, fix] of columns) {
    try {
      await dataverse.retrieveMultiple(EntitySets.opportunity, {
        select: [OpportunityColumns.id, column],
        top: 1,
      });
    } catch (error) {
      if (error instanceof ApiError && error.details.code === UNKNOWN_PROPERTY)
        throw new Error(`opportunity has no column ${column}: ${fix}`);
      throw error;
    }
  }
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);

export async function migrateFromMicrosoftConnector(
  dataverse: DataverseApi,
  partnerCenter: PartnerCenterApi,
  options: MigrationOptions,
): Promise<MigrationReport> {
  const report: MigrationReport = {
    linkedByColumn: [],
    linkedByExternalReference: [],
    skipped: [],
    unmatched: [],
  };
  const oldColumn = options.referralIdColumn;
  await requireColumns(dataverse, [
    [
      OpportunityColumns.referralId,
      'import our solution first (docs/migrating-from-microsoft-connector.md, step 3)',
    ],
    [oldColumn, `check --referral-id-column (${STEP_1})`],
    ...(options.syncColumn
      ? [[options.syncColumn, `check --sync-column (${STEP_1})`] as [string, string]]
      : []),
  ]);
  const select = [OpportunityColumns.id, OpportunityColumns.referralId, oldColumn];
  if (options.syncColumn) select.push(options.syncColumn);
  // Referral id (lowercase) → the opportunity that holds it in our column.
  const linked = new Map<string, string>();
  const ours = await dataverse.retrieveMultiple(EntitySets.opportunity, {
    select: [OpportunityColumns.id, OpportunityColumns.referralId],
    filter: where.isNotNull(OpportunityColumns.referralId),
  });
  for (const row of ours) {
    const referralId = text(row[OpportunityColumns.referralId]);
    if (referralId) linked.set(referralId.toLowerCase(), row[OpportunityColumns.id] as string);
  }

  const old = await dataverse.retrieveMultiple(EntitySets.opportunity, {
    select,
    filter: where.isNotNull(oldColumn),
  });
  for (const row of old) {
    const opportunityId = row[OpportunityColumns.id] as string;
    const referralId = text(row[oldColumn]);
    if (!referralId) continue;
    const current = text(row[OpportunityColumns.referralId]);
    const line = { opportunityId, referralId };
    if (current?.toLowerCase() === referralId.toLowerCase()) {
      report.skipped.push({ ...line, reason: 'already linked' });
      continue;
    }
    if (current) {
      report.skipped.push({ ...line, reason: `already linked to referral ${current}` });
      continue;
    }
    const holder = linked.get(referralId.toLowerCase());
    if (holder) {
      report.skipped.push({ ...line, reason: `referral already linked to opportunity ${holder}` });
      continue;
    }
    const columns: DataverseRecord = { [OpportunityColumns.referralId]: referralId };
    if (options.syncColumn && typeof row[options.syncColumn] === 'boolean')
      columns[OpportunityColumns.syncWithPartnerCenter] = row[options.syncColumn] as boolean;
    if (!options.dryRun) await dataverse.update(EntitySets.opportunity, opportunityId, columns);
    linked.set(referralId.toLowerCase(), opportunityId);
    report.linkedByColumn.push(line);
  }

  await linkByExternalReference(dataverse, partnerCenter, linked, report, options.dryRun ?? false);
  return report;
}

async function linkByExternalReference(
  dataverse: DataverseApi,
  partnerCenter: PartnerCenterApi,
  linked: Map<string, string>,
  report: MigrationReport,
  dryRun: boolean,
): Promise<void> {
  // Opportunity (lowercase id) → the referral it holds already, or got in this run.
  const claimed = new Map([...linked].map(([referralId, id]) => [id.toLowerCase(), referralId]));
  let next: string | null = null;
  do {
    const page = await partnerCenter.listReferralPage({}, next);
    for (const referral of page.items) {
      if (linked.has(referral.id.toLowerCase())) continue;
      const external = referral.externalReferenceId;
      if (!external || !isGuid(external)) {
        report.unmatched.push({
          referralId: referral.id,
          reason: 'no opportunity id in externalReferenceId',
        });
        continue;
      }
      const [opportunity]: WebApiRecord[] = await dataverse.retrieveMultiple(EntitySets.opportunity, {
        select: [OpportunityColumns.id, OpportunityColumns.referralId],
        filter: where.eq(OpportunityColumns.id, guid(external)),
        top: 1,
      });
      if (!opportunity) {
        // Microsoft's connector also brings referrals in as leads; the inbound sync finds those itself.
        const [lead] = await dataverse.retrieveMultiple(EntitySets.lead, {
          select: [LeadColumns.id],
          filter: where.eq(LeadColumns.id, guid(external)),
          top: 1,
        });
        if (lead)
          report.skipped.push({
            referralId: referral.id,
            reason: `its externalReferenceId is lead ${external}: \`cosell backfill\` updates that lead`,
          });
        else report.unmatched.push({ referralId: referral.id, reason: `no opportunity ${external}` });
        continue;
      }
      const opportunityId = opportunity[OpportunityColumns.id] as string;
      const holder =
        text(opportunity[OpportunityColumns.referralId]) ?? claimed.get(opportunityId.toLowerCase());
      if (holder) {
        report.skipped.push({
          opportunityId,
          referralId: referral.id,
          reason: `the opportunity is linked to referral ${holder}`,
        });
        continue;
      }
      if (!dryRun)
        await dataverse.update(EntitySets.opportunity, opportunityId, {
          [OpportunityColumns.referralId]: referral.id,
        });
      linked.set(referral.id.toLowerCase(), opportunityId);
      claimed.set(opportunityId.toLowerCase(), referral.id);
      report.linkedByExternalReference.push({ opportunityId, referralId: referral.id });
    }
    next = page.next;
  } while (next);
}
