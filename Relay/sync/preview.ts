/**
 * What a sync of this opportunity would do now, without doing it: the create body or the JSON
 * Patch, and the problems in the caller's language. Same code path as the real push up to the send.
 */
import { EntitySets, OpportunityColumns } from '../../Domain/constants';
import {
  opportunityQuery,
  snapshotFromWebApi,
  toReferralCreate,
  toReferralPatch,
} from '../../Domain/mapping';
import type { PreviewResponse } from '../../Domain/relayApi';
import { checkSharingRules, problemMessage } from '../../Domain/rules';
import type { SyncDeps } from './deps';
import { stripMark } from './checkmark';

export async function previewOpportunity(
  deps: SyncDeps,
  opportunityId: string,
  lcid: number,
): Promise<PreviewResponse> {
  const state = await deps.fieldMaps.current();
  if (!state.ok) {
    const problem = { code: 'fieldMapInvalid' as const, table: 'opportunity' as const };
    return { action: 'blocked', problems: [problem], messages: [state.message] };
  }
  const map = state.map;
  const record = await deps.dataverse.retrieve(EntitySets.opportunity, opportunityId, opportunityQuery(map));
  const snapshot = snapshotFromWebApi(record);
  snapshot.opportunity[OpportunityColumns.name] = stripMark(
    snapshot.opportunity[OpportunityColumns.name] as string | null,
  );
  const problems = checkSharingRules(snapshot, map);
  const messages = problems.map((p) => problemMessage(p, lcid));
  if (problems.length) return { action: 'blocked', problems, messages };
  const referralId = record[OpportunityColumns.referralId] as string | null | undefined;
  const current = referralId
    ? await deps.partnerCenter.getReferral(referralId)
    : await deps.partnerCenter.findByExternalReferenceId(opportunityId);
  if (!current) return { action: 'create', referral: toReferralCreate(snapshot, map), problems, messages };
  if (current.status === 'Closed') return { action: 'none', patch: [], problems, messages };
  const patch = toReferralPatch(snapshot, map, current);
  return { action: patch.length ? 'update' : 'none', patch, problems, messages };
}

/** Accept-Language / ?lcid= → one of our three languages. */
export function lcidFrom(query: unknown, acceptLanguage: string | undefined): number {
  const explicit = Number((query as Record<string, unknown> | undefined)?.lcid);
  if ([1033, 1046, 3082].includes(explicit)) return explicit;
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  if (first.startsWith('pt')) return 1046;
  if (first.startsWith('es')) return 3082;
  return 1033;
}
