/** What a scenario returns, and the goals shared by the scenarios. */
import type { Tally } from './checks';
import type { Environment } from './environment';

export interface Goal {
  goal: string;
  actual: string;
  met: boolean;
}

export interface ScenarioResult {
  scenario: string;
  figures: Record<string, unknown>;
  goals: Goal[];
  seconds: number;
  /** The machine's 1-minute load average when the scenario started and ended: times are only comparable at similar load. */
  loadAverage?: { atStart: number; atEnd: number };
}

export interface Sizes {
  /** Opportunities in the crash burst (≥ 500 in the full run). */
  crashBurst: number;
  secondRelayBurst: number;
  faultsBurst: number;
  faultsIncoming: number;
  throttleBurst: number;
  fuzzRequests: number;
  /** Opportunities in the failover burst (≥ 1 000 in the full run). */
  failoverBurst: number;
  /** Opportunities waiting when the replicas start (throughput with 1 and 3 replicas). */
  throughputBacklog: number;
  reconcileIntervalSec: number;
}

export type Scenario = (
  env: Environment,
  sizes: Sizes,
) => Promise<Omit<ScenarioResult, 'scenario' | 'seconds'>>;

export const goal = (name: string, actual: number | string | boolean | null, met: boolean): Goal => ({
  goal: name,
  actual: String(actual),
  met,
});

/**
 * How long a scenario waits for convergence: well past the goal (one interval), so a miss is still
 * measured rather than cut off.
 */
export const convergenceLimitMs = (sizes: Sizes) => sizes.reconcileIntervalSec * 3000 + 60_000;

/** Zero lost, zero duplicates and convergence within one reconciliation interval. */
export function syncGoals(
  label: string,
  tally: Tally,
  convergedAfterMs: number | null,
  intervalSec: number,
): Goal[] {
  return [
    goal(`${label}: 0 lost`, tally.lost, tally.lost === 0),
    goal(`${label}: 0 duplicates`, tally.duplicates, tally.duplicates === 0),
    goal(
      `${label}: converged within one reconciliation interval (${intervalSec} s)`,
      convergedAfterMs === null ? 'not converged' : `${(convergedAfterMs / 1000).toFixed(1)} s`,
      convergedAfterMs !== null && convergedAfterMs <= intervalSec * 1000,
    ),
  ];
}
