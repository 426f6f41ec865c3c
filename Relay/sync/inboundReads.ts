/**
 * Every Dataverse read a pulled referral may need before its write, known from the referral and the
 * field map alone: the linked record (linkedRecord.ts), the customer's account and contact, the
 * currency (customerMatch.ts), the catalogue rows of its solutions (solutionsMirror.ts) and of its
 * solution area / play / partner role codes (referralAttributes.ts). They go to Dataverse as one
 * `$batch` of GETs (prefetchedReads.ts), built with the same query builders the handlers use, so each
 * handler's own read finds its answer there. A read the referral turns out not to need costs nothing
 * extra; one not foreseen here is still made, on its own.
 */
import { EntitySets, Tables } from '../../Domain/constants';
import type { FieldMap } from '../../Domain/fieldMap';
import { fromReferral } from '../../Domain/mapping';
import type { ODataQuery } from '../../Domain/odataQuery';
import type { StoredReferral } from '../../Domain/referral';
import type { BatchRead, DataverseApi } from '../ports';
import { accountMatchQuery, contactMatchQuery, currencyQuery } from './customerMatch';
import { linkedRecordReads } from './linkedRecord';
import { withPrefetchedReads } from './prefetchedReads';
import { referralAttributeQuery } from './referralAttributes';
import { catalogueDetailQuery, referralSolutions, solutionsMappedInbound } from './solutionsMirror';

const readOf = (entitySet: string, query: ODataQuery | null): BatchRead[] =>
  query ? [{ entitySet, query }] : [];

export function inboundReads(referral: StoredReferral, map: FieldMap): BatchRead[] {
  // Customer, currency and catalogue columns are the same whichever table the referral lands in.
  const writes = fromReferral(referral, map, { policy: Tables.opportunity });
  const solutions = solutionsMappedInbound(map) ? (referralSolutions(referral) ?? []) : [];
  return [
    ...linkedRecordReads(referral, map),
    ...readOf(EntitySets.account, accountMatchQuery(writes.account)),
    ...readOf(EntitySets.contact, contactMatchQuery(writes.contact)),
    ...readOf(
      EntitySets.transactioncurrency,
      currencyQuery(writes.currencyIsoCode ?? referral.details?.currency),
    ),
    ...solutions.map((s) => ({
      entitySet: EntitySets.pcs_solutiondetail,
      query: catalogueDetailQuery(s.solutionId),
    })),
    ...(writes.referralAttributes ?? []).map((write) => ({
      entitySet: EntitySets.pcs_referralattribute,
      query: referralAttributeQuery(write),
    })),
  ];
}

/** `dataverse` with the referral's reads (and `also`) already made, in one round-trip. */
export const withInboundReads = (
  dataverse: DataverseApi,
  referral: StoredReferral,
  map: FieldMap,
  also: BatchRead[] = [],
): Promise<DataverseApi> => withPrefetchedReads(dataverse, [...inboundReads(referral, map), ...also]);
