/**
 * Partner Center → Dynamics 365 for the catalogue lookups (solution area, solution play, partner
 * role): the referral carries value ids (codes); the opportunity points at Referral Attributes rows.
 * A code the catalogue lacks becomes a row (named by its code, for the admin to rename), so nothing
 * the referral says is lost.
 */
import {
  EntitySets,
  ReferralAttributeCategoryOptions,
  ReferralAttributeColumns,
} from '../../Domain/constants';
import type { ReferralAttributeWrite } from '../../Domain/mapping';
import type { DataverseRecord } from '../../Domain/opportunity';
import { columnName, lookup, where } from '../../Domain/odataQuery';
import type { ODataQuery } from '../../Domain/odataQuery';
import type { JobContext, SyncDeps } from './deps';

const categoryOf = (write: ReferralAttributeWrite) =>
  write.category ? ReferralAttributeCategoryOptions[write.category] : null;

/** The catalogue row of a code, in its category when known. */
export function referralAttributeQuery(write: ReferralAttributeWrite): ODataQuery {
  const category = categoryOf(write);
  const byCode = where.eq(ReferralAttributeColumns.code, write.code);
  return {
    select: [ReferralAttributeColumns.id],
    filter:
      category === null ? byCode : where.and(byCode, where.eq(ReferralAttributeColumns.category, category)),
    top: 1,
  };
}

/** The catalogue row of a code (in its category when known), added when missing; null if it cannot be. */
async function catalogueRowId(
  deps: SyncDeps,
  context: JobContext,
  write: ReferralAttributeWrite,
): Promise<string | null> {
  const category = categoryOf(write);
  const [row] = await deps.dataverse.retrieveMultiple(
    EntitySets.pcs_referralattribute,
    referralAttributeQuery(write),
  );
  if (row) return row[ReferralAttributeColumns.id] as string;
  if (category === null) {
    // A customized path the catalogue has no category for: the row would be unusable on a form.
    context.logger.warn({ column: write.column, code: write.code }, 'no catalogue row for this code');
    return null;
  }
  return deps.dataverse.create(EntitySets.pcs_referralattribute, {
    [ReferralAttributeColumns.name]: write.code,
    [ReferralAttributeColumns.code]: write.code,
    [ReferralAttributeColumns.category]: category,
    [ReferralAttributeColumns.isActive]: true,
  });
}

/**
 * `<column>@odata.bind` for each catalogue value the referral names that the record does not already
 * point at (`current`: the record as read, lookups as `_x_value`; null for a new record). The
 * navigation property of our lookups is named like the column (Domain Relationships).
 */
export async function referralAttributeBinds(
  deps: SyncDeps,
  context: JobContext,
  writes: readonly ReferralAttributeWrite[] | undefined,
  current: DataverseRecord | null,
): Promise<DataverseRecord> {
  const binds: DataverseRecord = {};
  for (const write of writes ?? []) {
    const id = await catalogueRowId(deps, context, write);
    if (!id || current?.[columnName(lookup(write.column))] === id) continue;
    binds[`${write.column}@odata.bind`] = `/${EntitySets.pcs_referralattribute}(${id})`;
  }
  return binds;
}
