/**
 * Load as sellers produce it: opportunities created and switched to sync with Partner Center
 * (account, contact, opportunity, solution row, then sync on: what a seller does on the form), and
 * Microsoft's referrals arriving in Partner Center.
 */
import { createSeedOpportunity } from '../../DevStack/sandbox/seedRecords';
import type { Environment } from './environment';

export const SELLER_OBJECT_ID = '7a1e5e11-0000-4000-8000-0000000e1001';

export interface Burst {
  /** Ids of the opportunities created so far. */
  readonly opportunityIds: string[];
  readonly done: Promise<void>;
}

/**
 * Creates `count` synced opportunities, `concurrency` at a time, as one seller. `onProgress` runs
 * after each one (the scenarios crash or start relays part-way through).
 */
export function opportunityBurst(
  env: Environment,
  count: number,
  options: { concurrency?: number; label?: string; onProgress?: (created: number) => void } = {},
): Burst {
  const seller = env.seller(SELLER_OBJECT_ID);
  const opportunityIds: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const n = next++;
      const { opportunityId } = await createSeedOpportunity(await seller, {
        name: `${options.label ?? 'Burst'} ${n}`,
        account: `Reliability account ${n}`,
        value: 1000 + n,
      });
      opportunityIds.push(opportunityId);
      options.onProgress?.(opportunityIds.length);
    }
  };
  const done = Promise.all(Array.from({ length: options.concurrency ?? 8 }, lane)).then(() => undefined);
  return { opportunityIds, done };
}

/** Microsoft shares `count` referrals with the partner (the Partner Center simulator's control API). */
export async function incomingReferrals(env: Environment, count: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const referral = await env.control<{ id: string }>('partnerCenter', 'POST', 'referrals/incoming', {
      name: `${label} ${n}`,
    });
    ids.push(referral.id);
  }
  return ids;
}
