/**
 * Partner Center → Dynamics 365 for the referral's solutions: solutions removed from the referral in
 * Partner Center are removed from the opportunity's Microsoft Solutions rows, solutions added there are
 * added from the catalogue (pcs_solutiondetail), and an id the catalogue does not know becomes a
 * catalogue row marked "From Partner Center" (pcs_source) so an admin sees where it came from.
 *
 * Three-way, so neither side's unsynced edit is lost: the list Partner Center had when the two sides
 * last agreed (the baseline, kept in the store after every pull and push) tells a removal in Partner
 * Center from a row a seller just added in Dynamics and has not pushed yet, and an addition in Partner
 * Center from a row a seller just removed. Without a baseline (a referral linked before this existed)
 * the first pull only adds. The relay's own deletes and creates come back as Solution steps of its own
 * user and are skipped; the push would find nothing to send anyway.
 */
import { randomUUID } from 'node:crypto';
import {
  EntitySets,
  MicrosoftSolutionColumns,
  Relationships,
  SolutionDetailColumns,
  SolutionDetailSourceOptions,
  SolutionTypeOptions,
  Tables,
} from '../../Domain/constants';
import type { FieldMap } from '../../Domain/fieldMap';
import { lookup, where } from '../../Domain/odataQuery';
import type { ODataQuery } from '../../Domain/odataQuery';
import type { DataverseRecord, SolutionRow } from '../../Domain/opportunity';
import type { Referral } from '../../Domain/referral';
import { SOLUTIONS_PATH } from '../../Domain/referralPaths';
import type { BatchOperation, Store } from '../ports';
import type { SyncDeps } from './deps';

/** One solution as the referral lists it. */
export interface ReferralSolution extends SolutionRow {
  /** `Name` or `Category` (the solution tag's type). */
  type: string | null;
}

export interface SolutionMirror {
  operations: BatchOperation[];
  /** `+SOL-1`, `−SOL-2`, for the audit line and the sync event. */
  changes: string[];
}

/** Store key of the baseline: the referral's solution ids when both sides last agreed. */
export const solutionsKey = (referralId: string) => `solutions:${referralId.toLowerCase()}`;

const NAME_MAX = 200;
const key = (id: string) => id.trim().toLowerCase();
const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);

/** The referral's solutions (one per id), or null when the referral carries no solution list. */
export function referralSolutions(referral: Referral): ReferralSolution[] | null {
  const tags = referral.details?.requirements?.solutions;
  if (!Array.isArray(tags)) return null;
  const seen = new Set<string>();
  const solutions: ReferralSolution[] = [];
  for (const tag of tags) {
    const id = text(tag?.id);
    if (!id || seen.has(key(id))) continue;
    seen.add(key(id));
    solutions.push({
      solutionId: id,
      name: text(tag.name),
      publisherName: text(tag.publisherName),
      type: text(tag.type),
    });
  }
  return solutions;
}

/** The field map brings solutions into Dataverse (`details.requirements.solutions[]` both / toDataverse). */
export const solutionsMappedInbound = (map: FieldMap): boolean =>
  map.entries.some((e) => e.referral === SOLUTIONS_PATH && e.direction !== 'toPartnerCenter');

/** Remember what Partner Center lists now as the baseline (after a pull wrote it, or a push sent it). */
export async function rememberReferralSolutions(store: Store, referral: Referral): Promise<void> {
  const solutions = referralSolutions(referral);
  if (!referral.id || !solutions) return;
  await store.setState(solutionsKey(referral.id), JSON.stringify(solutions.map((s) => key(s.solutionId))));
}

async function baselineOf(store: Store, referralId: string): Promise<Set<string> | null> {
  const stored = await store.getState(solutionsKey(referralId));
  if (!stored) return null;
  try {
    const ids = JSON.parse(stored) as unknown;
    return Array.isArray(ids) ? new Set(ids.map(String)) : null;
  } catch {
    return null;
  }
}

const SOLUTION_TYPES: Record<string, number> = {
  name: SolutionTypeOptions.Name,
  category: SolutionTypeOptions.Category,
  none: SolutionTypeOptions.None,
};

/** The catalogue row for an id only Partner Center knew, marked as such. */
function catalogueRow(solution: ReferralSolution, id: string): DataverseRecord {
  const type = SOLUTION_TYPES[key(solution.type ?? 'name')];
  return {
    [SolutionDetailColumns.id]: id,
    [SolutionDetailColumns.name]: (solution.name ?? solution.solutionId).slice(0, NAME_MAX),
    [SolutionDetailColumns.solutionId]: solution.solutionId,
    [SolutionDetailColumns.publisherName]: solution.publisherName,
    ...(type === undefined ? {} : { [SolutionDetailColumns.solutionType]: type }),
    [SolutionDetailColumns.isActive]: true,
    [SolutionDetailColumns.source]: SolutionDetailSourceOptions.PartnerCenter,
  };
}

/** The catalogue row (pcs_solutiondetail) of a solution id. */
export const catalogueDetailQuery = (solutionId: string): ODataQuery => ({
  select: [SolutionDetailColumns.id, SolutionDetailColumns.name],
  filter: where.eq(SolutionDetailColumns.solutionId, solutionId),
  top: 1,
});

/** The change set that makes the opportunity's solution rows follow the referral's. */
export async function mirrorSolutions(
  deps: SyncDeps,
  input: {
    opportunityId: string;
    referral: Referral & { id: string };
    map: FieldMap;
    /** The opportunity's rows now (empty for a record being created). */
    current: SolutionRow[];
    /** A record being created: everything the referral lists is added. */
    created: boolean;
  },
): Promise<SolutionMirror> {
  const desired = referralSolutions(input.referral);
  if (!desired || !solutionsMappedInbound(input.map)) return { operations: [], changes: [] };
  const baseline = input.created ? null : await baselineOf(deps.store, input.referral.id);
  const have = new Set(input.current.map((s) => key(s.solutionId)));
  const want = new Set(desired.map((s) => key(s.solutionId)));
  const operations: BatchOperation[] = [];
  const changes: string[] = [];

  const removed = baseline ? [...have].filter((id) => baseline.has(id) && !want.has(id)) : [];
  if (removed.length > 0) {
    const rows = await deps.dataverse.retrieveMultiple(EntitySets.pcs_microsoftsolution, {
      select: [MicrosoftSolutionColumns.id, MicrosoftSolutionColumns.solutionId],
      filter: where.eq(lookup(MicrosoftSolutionColumns.opportunity), input.opportunityId),
    });
    for (const row of rows) {
      const solutionId = text(row[MicrosoftSolutionColumns.solutionId]);
      if (!solutionId || !removed.includes(key(solutionId))) continue;
      operations.push({
        method: 'DELETE',
        entitySet: EntitySets.pcs_microsoftsolution,
        id: row[MicrosoftSolutionColumns.id] as string,
      });
      changes.push(`−${solutionId}`);
    }
  }

  for (const solution of desired) {
    const id = key(solution.solutionId);
    // Not added in Partner Center since the baseline: a seller removed it here and the push follows.
    if (have.has(id) || baseline?.has(id)) continue;
    const [detail] = await deps.dataverse.retrieveMultiple(
      EntitySets.pcs_solutiondetail,
      catalogueDetailQuery(solution.solutionId),
    );
    let detailId = detail?.[SolutionDetailColumns.id] as string | undefined;
    if (!detailId) {
      detailId = randomUUID();
      operations.push({
        method: 'POST',
        entitySet: EntitySets.pcs_solutiondetail,
        record: catalogueRow(solution, detailId),
      });
    }
    operations.push({
      method: 'POST',
      entitySet: EntitySets.pcs_microsoftsolution,
      record: {
        [MicrosoftSolutionColumns.name]: (
          text(detail?.[SolutionDetailColumns.name]) ??
          solution.name ??
          solution.solutionId
        ).slice(0, NAME_MAX),
        [MicrosoftSolutionColumns.solutionId]: solution.solutionId,
        [`${Relationships.opportunitySolutions.navigation}@odata.bind`]: `/${EntitySets.opportunity}(${input.opportunityId})`,
        [`${Relationships.solutionDetailSolutions.navigation}@odata.bind`]: `/${EntitySets.pcs_solutiondetail}(${detailId})`,
      },
    });
    changes.push(`+${solution.solutionId}`);
  }
  return { operations, changes: changes.map((c) => `${Tables.microsoftSolution} ${c}`) };
}
