/**
 * Everything a relay keeps, as moved by `cosell store migrate`: jobs in every status (with their
 * attempts and errors), delivery receipts (so a platform's retry after the move is still a
 * duplicate), and state (reconciliation watermarks, ETags, paused records).
 */
import type { Job } from '../ports';

export interface QueueSnapshot {
  jobs: Job[];
  receipts: Array<{ receipt: string; receivedAt: Date }>;
  state: Array<{ key: string; value: string }>;
}

export const describeSnapshot = (snapshot: QueueSnapshot) => {
  const count = (status: Job['status']) => snapshot.jobs.filter((job) => job.status === status).length;
  return `${snapshot.jobs.length} jobs (${count('queued') + count('running')} queued, ${count('dead')} dead letters), ${snapshot.receipts.length} delivery receipts, ${snapshot.state.length} state entries`;
};
