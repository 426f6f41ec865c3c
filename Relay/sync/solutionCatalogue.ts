/**
 * Solution rows picked from the catalogue get their Partner Center facts from it, server-side. When a
 * seller adds a *Microsoft Partner Center Solutions* row by choosing a *Microsoft Solution Details*
 * catalogue row, Dataverse sets only the lookup: choosing a row in a lookup copies none of its columns
 * (relationship mappings apply only to a row created from its parent's form, here the opportunity:
 * https://learn.microsoft.com/power-apps/maker/data-platform/map-entity-fields), so the Solution ID
 * would stay empty and the sharing rules would say "add at least one Microsoft solution". The plug-in
 * step on the row's Create/Update queues this copy; reconciliation queues it for rows it finds with an
 * empty ID. The copy is keyed by the opportunity, so the sync it queues afterwards sees the ids.
 */
import {
  EntitySets,
  MicrosoftSolutionColumns as MS,
  Relationships,
  SolutionDetailColumns as SD,
} from '../../Domain/constants';
import { columnName, guid, lookup, where } from '../../Domain/odataQuery';
import type { Filter, ODataQuery } from '../../Domain/odataQuery';
import type { DataverseRecord } from '../../Domain/opportunity';
import { isBlank } from '../../Domain/rules';
import { opportunitySyncJob, solutionFromCatalogueJob } from '../ports';
import type { SolutionFromCataloguePayload, WebApiRecord } from '../ports';
import type { JobContext, SyncDeps } from './deps';
import { retrieveOrNull } from './reads';

const CATALOGUE = Relationships.solutionDetailSolutions.navigation;
/** `_pcs_opportunityid_value`: the opportunity lookup as the Web API returns it. */
const OPPORTUNITY = columnName(lookup(MS.opportunity));
const opportunityOf = (row: WebApiRecord | undefined): string | null =>
  typeof row?.[OPPORTUNITY] === 'string' ? (row[OPPORTUNITY] as string) : null;

/** Catalogue column → solution row column: what the copy writes. */
const COPIED = [
  [SD.solutionId, MS.solutionId],
  [SD.name, MS.name],
  [SD.publisherName, MS.publisherName],
] as const;

/** A solution row with the catalogue row its lookup points at. */
const rowQuery = (filter?: Filter): ODataQuery => ({
  select: [MS.id, ...COPIED.map(([, column]) => column), lookup(MS.opportunity)],
  ...(filter ? { filter } : {}),
  expand: [{ navigation: CATALOGUE, select: COPIED.map(([column]) => column) }],
});

/** The columns of `row` that differ from its catalogue row (a blank catalogue value copies nothing). */
export function catalogueChanges(row: WebApiRecord): DataverseRecord {
  const detail = row[CATALOGUE];
  if (!detail || typeof detail !== 'object') return {};
  const changes: DataverseRecord = {};
  for (const [from, to] of COPIED) {
    const value = (detail as DataverseRecord)[from];
    if (!isBlank(value) && row[to] !== value) changes[to] = value;
  }
  return changes;
}

export interface CatalogueCopyResult {
  /** Solution rows written. */
  copied: number;
  /** Opportunity synced afterwards, if any. */
  opportunityId: string | null;
}

export async function copyFromCatalogue(
  deps: SyncDeps,
  payload: SolutionFromCataloguePayload,
  context: JobContext,
): Promise<CatalogueCopyResult> {
  const rows: WebApiRecord[] = payload.opportunityId
    ? await deps.dataverse.retrieveMultiple(
        EntitySets.pcs_microsoftsolution,
        rowQuery(where.eq(lookup(MS.opportunity), guid(payload.opportunityId))),
      )
    : await retrieveOrNull(
        deps.dataverse,
        EntitySets.pcs_microsoftsolution,
        payload.solutionRowId ?? '',
        rowQuery(),
      ).then((row) => (row ? [row] : []));
  let copied = 0;
  for (const row of rows) {
    const changes = catalogueChanges(row);
    if (Object.keys(changes).length === 0) continue;
    // As the integration user: the Update step sees our own write and skips it (no loop).
    await deps.dataverse.update(EntitySets.pcs_microsoftsolution, String(row[MS.id]), changes);
    copied += 1;
  }
  if (copied)
    context.logger.info({ copied, opportunityId: payload.opportunityId }, 'solution rows from catalogue');
  // The rows changed (or the event that got us here did): the opportunity's solutions are due a sync.
  // Queued now, under the same key as this job, it runs after this one and reads the copied ids.
  const opportunityId = payload.opportunityId ?? opportunityOf(rows[0]);
  if (opportunityId) {
    await deps.store.enqueue([
      opportunitySyncJob({ opportunityId, reason: payload.reason }, context.correlationId),
    ]);
  }
  return { copied, opportunityId };
}

/**
 * Reconciliation's part: rows linked to the catalogue whose Solution ID is still empty (added while the
 * relay was down, or before this copy existed) get a copy queued, one per opportunity.
 */
export async function queueEmptySolutionIds(deps: SyncDeps): Promise<number> {
  const rows = await deps.dataverse.retrieveMultiple(EntitySets.pcs_microsoftsolution, {
    select: [MS.id, lookup(MS.opportunity)],
    filter: where.and(where.isNull(MS.solutionId), where.isNotNull(lookup(MS.solutionDetail))),
  });
  const jobs = new Map<string, ReturnType<typeof solutionFromCatalogueJob>>();
  for (const row of rows) {
    const opportunityId = opportunityOf(row);
    const job = solutionFromCatalogueJob({
      opportunityId,
      solutionRowId: opportunityId ? null : String(row[MS.id]),
      reason: 'reconcile: solution id missing',
    });
    jobs.set(job.key, job);
  }
  if (jobs.size) await deps.store.enqueue([...jobs.values()]);
  return jobs.size;
}
