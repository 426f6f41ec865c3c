/** Job kind → handler: the sync engine as the worker sees it. */
import type { SyncDeps } from './deps';
import { pullMicrosoftEngagement } from './engagement';
import { pullReferral } from './fromPartnerCenter';
import type {
  CustomerChangedPayload,
  LeadSyncPayload,
  OpportunityRespondPayload,
  OpportunitySyncPayload,
  ReferralPullPayload,
  SolutionFromCataloguePayload,
} from '../ports';
import { JobKinds } from '../ports';
import { resyncDealsInError } from './customerChange';
import { syncLead } from './leads';
import { copyFromCatalogue } from './solutionCatalogue';
import { pushOpportunity, respondToReferral } from './toPartnerCenter';
import type { JobHandler } from './worker';

export function createJobHandlers(deps: SyncDeps): Record<string, JobHandler> {
  const log = (result: object, context: { logger: { info(o: object, m?: string): void } }) =>
    context.logger.info({ result }, 'job finished');
  return {
    [JobKinds.opportunitySync]: async (job, context) =>
      log(await pushOpportunity(deps, job.payload as unknown as OpportunitySyncPayload, context), context),
    [JobKinds.opportunityRespond]: async (job, context) =>
      log(
        await respondToReferral(deps, job.payload as unknown as OpportunityRespondPayload, context),
        context,
      ),
    [JobKinds.leadSync]: async (job, context) =>
      log(await syncLead(deps, job.payload as unknown as LeadSyncPayload, context), context),
    [JobKinds.referralPull]: async (job, context) =>
      log(await pullReferral(deps, job.payload as unknown as ReferralPullPayload, context), context),
    [JobKinds.relatedReferralPull]: async (job, context) =>
      log(
        await pullMicrosoftEngagement(deps, job.payload as unknown as ReferralPullPayload, context),
        context,
      ),
    [JobKinds.customerChanged]: async (job, context) =>
      log(await resyncDealsInError(deps, job.payload as unknown as CustomerChangedPayload, context), context),
    [JobKinds.solutionFromCatalogue]: async (job, context) =>
      log(
        await copyFromCatalogue(deps, job.payload as unknown as SolutionFromCataloguePayload, context),
        context,
      ),
  };
}
