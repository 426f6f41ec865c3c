/**
 * `cosell doctor` and the relay's scheduled wiring checks share these: a check looks at one thing the
 * relay depends on and says ✔ or ✖, and with ✖ what to do about it. Checks only read; every outside
 * system reaches them through the context (ports), so tests run them against the simulators.
 */
import type { RelayConfig } from '../config/config';
import type { FieldMap } from '../../Domain/fieldMap';
import { ApiError } from '../ports';
import type { Clock, DataverseApi, PartnerCenterApi, QueueDepth, SignInStatusReader } from '../ports';

/** What the running relay says about its queue (its /healthz answer). */
export interface RelayHealth {
  queue: QueueDepth;
  /** When the last reconciliation started; null when none has run yet. */
  lastReconciliation: string | null;
}

export interface RelayHealthReader {
  /** Throws when the relay cannot be reached. */
  read(): Promise<RelayHealth>;
}

export interface DoctorContext {
  config: RelayConfig;
  dataverse: DataverseApi;
  partnerCenter: PartnerCenterApi;
  /** The stored Partner Center sign-in; null when the relay runs on COSELL_PC_REFRESH_TOKEN or in sandbox. */
  signIn: SignInStatusReader | null;
  /** The running relay; null when the checks run inside the relay itself. */
  relay: RelayHealthReader | null;
  clock: Clock;
  /** The map the steps' filtering attributes follow when the forms' map cannot be read. */
  defaultFieldMap: FieldMap;
}

export interface CheckResult {
  id: string;
  title: string;
  ok: boolean;
  /** What was found, one line. */
  detail: string;
  /** With ✖: what to do. */
  fix?: string;
}

export interface DoctorCheck {
  id: string;
  title: string;
  run(context: DoctorContext): Promise<{ ok: boolean; detail: string; fix?: string }>;
}

export const pass = (detail: string) => ({ ok: true, detail });
export const fail = (detail: string, fix: string) => ({ ok: false, detail, fix });

/** A failed call says which service answered what; the fix follows from the status. */
function fixForError(error: unknown): string {
  if (error instanceof ApiError) {
    const { service, status } = error.details;
    const who = service === 'dataverse' ? "the relay's application user" : 'the Referrals-admin sign-in';
    if (status === 401)
      return service === 'dataverse'
        ? 'check COSELL_DATAVERSE_TENANT_ID, COSELL_DATAVERSE_CLIENT_ID and COSELL_DATAVERSE_CLIENT_SECRET, and that the application user exists in the environment'
        : 'run `cosell login partner-center` as the Referrals-admin account';
    if (status === 403)
      return `give ${who} the access it lacks (see docs/operations.md), then run \`cosell doctor\` again`;
    if (status === null)
      return `check that this machine can reach ${service === 'dataverse' ? 'the Dataverse environment URL' : 'Partner Center'}`;
  }
  return 'see the detail above; run `cosell doctor` again once it is fixed';
}

const oneLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);

/** Runs the checks one after the other (they share the clients' rate limits); a throw is a ✖. */
export async function runChecks(checks: DoctorCheck[], context: DoctorContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      results.push({ id: check.id, title: check.title, ...(await check.run(context)) });
    } catch (error) {
      results.push({
        id: check.id,
        title: check.title,
        ok: false,
        detail: oneLine(error),
        fix: fixForError(error),
      });
    }
  }
  return results;
}
