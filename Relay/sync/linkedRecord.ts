/**
 * The Dynamics 365 record a referral is linked to: the opportunity whose pcs_referralid names it, the
 * opportunity its externalReferenceId names, then the lead by pcs_referralid or externalReferenceId.
 */
import { EntitySets, LeadColumns, OpportunityColumns } from '../../Domain/constants';
import type { FieldMap } from '../../Domain/fieldMap';
import { isGuid } from '../../Domain/ids';
import { opportunityQuery } from '../../Domain/mapping';
import { where } from '../../Domain/odataQuery';
import type { ODataQuery } from '../../Domain/odataQuery';
import type { StoredReferral } from '../../Domain/referral';
import type { BatchRead, WebApiRecord } from '../ports';
import type { SyncDeps } from './deps';
import { retrieveOrNull } from './reads';

export interface LinkedRecord {
  table: 'opportunity' | 'lead';
  record: WebApiRecord;
  /**
   * Found by externalReferenceId but linked to this other referral: not this referral's record (an
   * older referral of a deal shared again names the same record). Never updated or duplicated for it.
   */
  linkedToReferral?: string;
}

/** A record that externalReferenceId names, unless it holds another referral id. */
function namedRecord(
  table: LinkedRecord['table'],
  record: WebApiRecord,
  referral: StoredReferral,
): LinkedRecord {
  const held = record[table === 'lead' ? LeadColumns.referralId : OpportunityColumns.referralId];
  const other = typeof held === 'string' ? held.trim() : '';
  return other && other.toLowerCase() !== referral.id.toLowerCase()
    ? { table, record, linkedToReferral: other }
    : { table, record };
}

const opportunityByReferral = (referralId: string): ODataQuery => ({
  select: [OpportunityColumns.id],
  filter: where.eq(OpportunityColumns.referralId, referralId),
  top: 1,
});
const leadByReferral = (referralId: string): ODataQuery => ({
  filter: where.eq(LeadColumns.referralId, referralId),
  top: 1,
});
const externalId = (referral: StoredReferral): string | null => {
  const external = referral.externalReferenceId;
  return external && isGuid(external) ? external : null;
};

/**
 * What findLinkedRecord reads whatever it finds (the opportunity the first query names is read only
 * when there is one): known before the first read, so they can go in one `$batch`.
 */
export function linkedRecordReads(referral: StoredReferral, map: FieldMap): BatchRead[] {
  const external = externalId(referral);
  return [
    { entitySet: EntitySets.opportunity, query: opportunityByReferral(referral.id) },
    ...(external ? [{ entitySet: EntitySets.opportunity, id: external, query: opportunityQuery(map) }] : []),
    { entitySet: EntitySets.lead, query: leadByReferral(referral.id) },
    ...(external ? [{ entitySet: EntitySets.lead, id: external }] : []),
  ];
}

export async function findLinkedRecord(
  deps: SyncDeps,
  referral: StoredReferral,
  map: FieldMap,
): Promise<LinkedRecord | null> {
  const query = opportunityQuery(map);
  const [opportunity] = await deps.dataverse.retrieveMultiple(
    EntitySets.opportunity,
    opportunityByReferral(referral.id),
  );
  const byReferral = opportunity?.[OpportunityColumns.id] as string | undefined;
  if (byReferral) {
    const record = await retrieveOrNull(deps.dataverse, EntitySets.opportunity, byReferral, query);
    if (record) return { table: 'opportunity', record };
  }
  const external = externalId(referral);
  if (external) {
    const record = await retrieveOrNull(deps.dataverse, EntitySets.opportunity, external, query);
    if (record) return namedRecord('opportunity', record, referral);
  }
  const [lead] = await deps.dataverse.retrieveMultiple(EntitySets.lead, leadByReferral(referral.id));
  if (lead) return { table: 'lead', record: lead };
  if (external) {
    const record = await retrieveOrNull(deps.dataverse, EntitySets.lead, external);
    if (record) return namedRecord('lead', record, referral);
  }
  return null;
}
