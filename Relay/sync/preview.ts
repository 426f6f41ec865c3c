/**
 * What a sync of this opportunity would do now, without doing it: the create body or the JSON
 * Patch, and the problems in the caller's language. The push's own decision (outboundDecision.ts),
 * made against the same reads.
 */
import { EntitySets, OpportunityColumns } from '../../Domain/constants';
import { opportunityQuery } from '../../Domain/mapping';
import type { PreviewResponse } from '../../Domain/relayApi';
import { problemMessage } from '../../Domain/rules';
import type { SyncDeps } from './deps';
import { decideOutboundFor, outboundSnapshot } from './outboundDecision';

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
  const referralId = record[OpportunityColumns.referralId] as string | null | undefined;
  const coSellCreation = await deps.settings.coSellCreationFlow();
  const decision = await decideOutboundFor(
    outboundSnapshot(record),
    map,
    () =>
      referralId
        ? deps.partnerCenter.getReferral(referralId)
        : deps.partnerCenter.findByExternalReferenceId(opportunityId),
    { coSellCreation },
  );
  switch (decision.action) {
    case 'blocked': {
      const { problems } = decision;
      return { action: 'blocked', problems, messages: problems.map((p) => problemMessage(p, lcid)) };
    }
    case 'create':
      return {
        action: 'create',
        referral: decision.referral,
        ...(decision.connected ? { connected: decision.connected } : {}),
        problems: [],
        messages: [],
      };
    case 'update':
      return { action: 'update', patch: decision.patch, problems: [], messages: [] };
    case 'none':
      return { action: 'none', patch: [], problems: [], messages: [] };
  }
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
