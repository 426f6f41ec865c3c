/**
 * What each form event does, given the form and injected services. index.ts adapts the platform's
 * execution context to these; tests call them with xrm-mock forms and fake services.
 */
import type { Problem } from '../../Domain/opportunity';
import { checkSharingRules } from '../../Domain/rules';
import { loadOpportunitySnapshot } from '../../Domain/snapshotLoader';
import type { WebApiReader } from '../../Domain/webApi';
import { loadFieldMap } from './fieldMapSource';
import {
  applyHelpNeeded,
  lockRelayOwnedColumns,
  lockVisibilityOnceVisible,
  showCoSellFields,
  showLastSyncFailure,
} from './formState';
import { readOpportunityRecord, syncIsOn } from './formValues';
import { clearProblems, showCheckFailed, showProblems } from './notifications';

export interface FormServices {
  /** The Web API: environment variables (field map overrides) and the rows around the opportunity. */
  reader: WebApiReader;
  /** The user's language, already narrowed to one we ship. */
  lcid: number;
}

/** The pre-flight: the same rules the relay applies, on what the form holds right now. */
export async function preflight(form: Xrm.FormContext, services: FormServices): Promise<Problem[]> {
  const opportunity = readOpportunityRecord(form);
  const map = await loadFieldMap(services.reader);
  const snapshot = await loadOpportunitySnapshot(services.reader, map, opportunity);
  return checkSharingRules(snapshot, map);
}

export function handleLoad(form: Xrm.FormContext, services: FormServices): void {
  lockRelayOwnedColumns(form);
  showCoSellFields(form);
  lockVisibilityOnceVisible(form);
  applyHelpNeeded(form, false);
  showLastSyncFailure(form, services.lcid);
}

/** Resolves to the problems shown (empty when sync is off or the check could not run). */
export async function handleSyncChange(form: Xrm.FormContext, services: FormServices): Promise<Problem[]> {
  showCoSellFields(form);
  clearProblems(form);
  if (!syncIsOn(form)) return [];
  return checkAndShow(form, services);
}

export function handleHelpNeededChange(form: Xrm.FormContext): void {
  applyHelpNeeded(form, true);
}

/**
 * Sync off → nothing to check, returns undefined so the save stays synchronous. Sync on → a promise
 * (async OnSave: the platform waits for it before saving, https://learn.microsoft.com/power-apps/developer/model-driven-apps/clientapi/reference/events/form-onsave)
 * that cancels the save when a rule fails.
 */
export function handleSave(
  form: Xrm.FormContext,
  args: Xrm.Events.SaveEventArguments,
  services: FormServices,
): Promise<void> | undefined {
  clearProblems(form);
  if (!syncIsOn(form)) return undefined;
  return checkAndShow(form, services).then((problems) => {
    if (problems.length > 0) args.preventDefault();
  });
}

async function checkAndShow(form: Xrm.FormContext, services: FormServices): Promise<Problem[]> {
  let problems: Problem[];
  try {
    problems = await preflight(form, services);
  } catch (error) {
    // Our own read failed (offline, privilege, throttling): the relay re-checks after the save, so
    // blocking the seller here would cost more than it protects.
    showCheckFailed(form, error, services.lcid);
    return [];
  }
  showProblems(form, problems, services.lcid);
  return problems;
}
