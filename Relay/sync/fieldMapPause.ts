/**
 * An invalid field map (or two forms with different maps) pauses sync record by record: the job is
 * parked in the queue (nothing is lost), and the record shows why — ✖ / sync status error, an audit
 * line and one `pcs_syncevent` row naming the problem and the validator's errors. The event is
 * written once per record and problem, not on every look-again; once the map is valid the parked
 * jobs are woken and the record's next sync writes ✔ as usual.
 */
import type { FieldMap } from '../../Domain/fieldMap';
import type { Store } from '../ports';
import type { JobContext, SyncDeps } from './deps';
import { failureTitle } from './failureMessages';
import { showFailure } from './failures';
import type { FieldMapState } from './fieldMapSource';
import { DeferJob } from './worker';
import type { Direction } from './writeBack';

/** State key remembering that the job of `jobKey` is paused, with the message shown on the record. */
const PAUSED_PREFIX = 'paused:';
export const pausedKey = (jobKey: string) => `${PAUSED_PREFIX}${jobKey}`;

export const PAUSED_TITLE = failureTitle('paused', 1033);

export interface PauseTarget {
  /** Queue key of the job being paused (Relay/sync/jobs.ts). */
  jobKey: string;
  direction: Direction;
  /** The record that shows the pause; null when none exists yet (a referral not yet pulled). */
  record: { table: 'opportunity' | 'lead'; id: string } | null;
  referralId?: string | null;
}

type InvalidState = Extract<FieldMapState, { ok: false }>;

/** Thrown to the worker after the record was told: parks the job until the map is fixed. */
export const pausedJob = (deps: SyncDeps, state: InvalidState) =>
  new DeferJob(state.message, deps.pausedRetryMs ?? 60_000);

/**
 * The field map in force, or — when it is invalid — the pause written on the record and a
 * DeferJob thrown. `describe` names the record lazily (only a paused job needs to look it up); it
 * may answer `{ skip }` when there is nothing to sync anyway (record gone, sync switched off), so
 * such jobs finish instead of waiting for a map they do not need.
 */
export async function fieldMapOrPause(
  deps: SyncDeps,
  context: JobContext,
  describe: () => Promise<PauseTarget | { skip: string }>,
  options: { versionsChecked?: boolean } = {},
): Promise<{ map: FieldMap } | { skip: string }> {
  const state = await deps.fieldMaps.current(options);
  if (state.ok) return { map: state.map };
  const target = await describe();
  if ('skip' in target) return target;
  await showPause(deps, context, target, state);
  throw pausedJob(deps, state);
}

/** Forget that a job was paused (its map is valid again). */
export async function clearPause(deps: SyncDeps, jobKey: string): Promise<void> {
  if (await deps.store.getState(pausedKey(jobKey))) await deps.store.deleteState(pausedKey(jobKey));
}

/** Write ✖ / error, the audit line and the sync event once per record and problem. */
async function showPause(
  deps: SyncDeps,
  context: JobContext,
  target: PauseTarget,
  state: InvalidState,
): Promise<void> {
  const key = pausedKey(target.jobKey);
  if ((await deps.store.getState(key)) === state.message) return;
  if (target.record) await writePauseEvent(deps, context, target, target.record, state);
  await deps.store.setState(key, state.message);
  context.logger.warn(
    { jobKey: target.jobKey, recordId: target.record?.id, errors: state.errors },
    'sync paused: field map invalid',
  );
}

async function writePauseEvent(
  deps: SyncDeps,
  context: JobContext,
  target: PauseTarget,
  record: { table: 'opportunity' | 'lead'; id: string },
  state: InvalidState,
): Promise<void> {
  await showFailure(
    deps,
    context,
    { ...record, direction: target.direction, referralId: target.referralId ?? null },
    {
      kind: 'paused',
      message: state.message,
      errors: state.errors,
      forms: state.forms,
      formsToFix: state.formsToFix ?? state.forms,
    },
  );
}

/** The map is valid again: every paused job becomes due now. Returns how many jobs woke. */
export async function resumePaused(store: Store, now: Date): Promise<number> {
  let woken = 0;
  for (const { key } of await store.listState(PAUSED_PREFIX)) {
    woken += await store.wake(key.slice(PAUSED_PREFIX.length), now);
  }
  return woken;
}
