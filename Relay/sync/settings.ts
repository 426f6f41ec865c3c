/**
 * Environment variable values the engine reads (pcs_ShowCheckmarkInName, the inbound rule and the
 * closing policy — inboundRouting.ts, closing.ts — and the field-map overrides), cached for a short
 * time and refreshed beside the jobs: admins change them in the maker portal and expect the relay to
 * follow without a restart (Microsoft's flows needed one).
 */
import { parseCoSellCreationFlow } from '../../Domain/coSellCreation';
import { EnvironmentVariables, type CoSellCreationFlow } from '../../Domain/constants';
import { parseYesNo } from '../../Domain/environmentVariables';
import type { Clock, DataverseApi } from '../ports';

export interface SyncSettings {
  showCheckmark(): Promise<boolean>;
  variable(schemaName: string): Promise<string | null>;
  invalidate(): void;
  /** pcs_CoSellCreationFlow: one-step (default) or two-step. */
  coSellCreationFlow(): Promise<CoSellCreationFlow>;
}

export function createSettings(dataverse: DataverseApi, clock: Clock, ttlMs = 60_000): SyncSettings {
  const cache = new Map<string, { value: string | null; at: number }>();
  const reading = new Map<string, Promise<string | null>>();
  const read = (schemaName: string): Promise<string | null> => {
    let pending = reading.get(schemaName);
    if (!pending) {
      pending = dataverse
        .getEnvironmentVariable(schemaName)
        .then((value) => {
          cache.set(schemaName, { value, at: clock.now().getTime() });
          return value;
        })
        .finally(() => reading.delete(schemaName));
      reading.set(schemaName, pending);
    }
    return pending;
  };
  const variable = async (schemaName: string): Promise<string | null> => {
    const hit = cache.get(schemaName);
    if (!hit) return read(schemaName);
    // Expired: the job goes on with the value it has while the new one is read beside it (a read in
    // the job was one more sequential call in its latency); the next job sees the new value. A
    // failed read keeps the old value and is tried again by the next job.
    if (clock.now().getTime() - hit.at >= ttlMs) read(schemaName).catch(() => undefined);
    return hit.value;
  };
  return {
    variable,
    // Default yes: Microsoft's connector shows the mark unless the admin switches it off.
    showCheckmark: async () => {
      const value = await variable(EnvironmentVariables.showCheckmarkInName);
      return value === null ? true : parseYesNo(value) === true;
    },
    invalidate: () => cache.clear(),
    coSellCreationFlow: async () =>
      parseCoSellCreationFlow(await variable(EnvironmentVariables.coSellCreationFlow)),
  };
}
