/**
 * The end-to-end fixture: both simulators and the relay (DevStack/sandbox/stack.ts, as `npm start`
 * runs them) with the solution catalogue seeded, short webhook backoff, and stopped after the test
 * file whatever happened. Adds the reads every scenario makes.
 */
import {
  EntitySets,
  EnvironmentVariables,
  OpportunityColumns,
  SyncEventColumns,
} from '../../Domain/constants';
import { lookup, where } from '../../Domain/odataQuery';
import type { DataverseClient } from '../../Relay/dataverse';
import type { WebApiRecord } from '../../Relay/ports';
import { startLocalStack } from '../../DevStack/sandbox/stack';
import type { LocalStack, StackOptions } from '../../DevStack/sandbox/stack';
import { createCatalogueSolution, createSeedOpportunity } from '../../DevStack/sandbox/seedRecords';
import type { SeededOpportunity, SeedOpportunity } from '../../DevStack/sandbox/seedRecords';
import { closeAfterAll } from './cleanup';

export interface TestStack extends LocalStack {
  /** The opportunity as the relay's integration user reads it. */
  opportunity(id: string): Promise<WebApiRecord>;
  /** The opportunities linked to a referral (pcs_referralid). */
  opportunitiesOfReferral(referralId: string): Promise<WebApiRecord[]>;
  /** Sync events of one opportunity, newest first. */
  syncEvents(opportunityId: string): Promise<WebApiRecord[]>;
  /**
   * An administrator routes a record to a seller (ownerid): what a sales manager does with a referral
   * the relay's application user created, so the seller's user-level write reaches it.
   */
  assignTo(entitySet: string, id: string, seller: DataverseClient): Promise<void>;
  /** A seller creates the sample co-sell deal (with these changes) through the Web API. */
  createOpportunity(
    overrides?: Partial<SeedOpportunity>,
    seller?: DataverseClient,
  ): Promise<SeededOpportunity>;
}

/** Environment variables for scenarios where Microsoft's referrals land as opportunities. */
export const MICROSOFT_REFERRALS_AS_OPPORTUNITIES = {
  [EnvironmentVariables.microsoftReferralTarget]: 'opportunity',
};

export interface TestStackOptions extends StackOptions {
  /** Seed the solution catalogue (default true). */
  catalogue?: boolean;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const { catalogue = true, ...stackOptions } = options;
  const stack = await startLocalStack({ deliveryDelayMs: 10, ...stackOptions });
  const stop = closeAfterAll(() => stack.stop());
  if (catalogue) await createCatalogueSolution(stack.dataverseClient);
  const admin = stack.dataverseClient;
  return {
    ...stack,
    stop,
    opportunity: (id) => admin.retrieve(EntitySets.opportunity, id),
    opportunitiesOfReferral: (referralId) =>
      admin.retrieveMultiple(EntitySets.opportunity, {
        filter: where.eq(OpportunityColumns.referralId, referralId),
      }),
    syncEvents: (opportunityId) =>
      admin.retrieveMultiple(EntitySets.pcs_syncevent, {
        filter: where.eq(lookup(SyncEventColumns.opportunity), opportunityId),
        orderBy: [{ column: SyncEventColumns.occurredOn, descending: true }],
      }),
    async assignTo(entitySet, id, seller) {
      const { UserId } = await seller.whoAmI();
      await stack.adminClient.update(entitySet, id, { 'ownerid@odata.bind': `/systemusers(${UserId})` });
    },
    createOpportunity: (overrides, seller = stack.sellerClient()) => createSeedOpportunity(seller, overrides),
  };
}
