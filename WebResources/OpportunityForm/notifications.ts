/**
 * Problems on the form: a field notification on the problem's column when that column is on the form,
 * otherwise a form notification. Every id we set is derived from the problem code, so clearing needs no
 * memory of what was shown.
 */
import { Tables } from '../../Domain/constants';
import type { Problem, ProblemCode } from '../../Domain/opportunity';
import { problemMessage } from '../../Domain/rules';
import { formText } from './strings';

// A Record (not an array) so the compiler fails when a ProblemCode is added and not listed here.
const PROBLEM_CODES: Record<ProblemCode, true> = {
  nameMissing: true,
  accountMissing: true,
  customerContactMissing: true,
  contactDetailsMissing: true,
  solutionMissing: true,
  countryMissing: true,
  countryNotIso2: true,
  dealValueMissing: true,
  closeDateMissing: true,
  visibilityRequiredForHelp: true,
  visibilityCannotRevert: true,
  fieldMapInvalid: true,
  solutionAreaMissing: true,
  solutionPlayMissing: true,
  partnerRoleMissing: true,
};

export const NotificationIds = {
  problem: (code: ProblemCode) => `pcs.problem.${code}`,
  checkFailed: 'pcs.checkFailed',
  lastSyncFailed: 'pcs.lastSyncFailed',
} as const;

/** The form controls of a problem's column, when the problem is about this opportunity's own column. */
function controlsOf(form: Xrm.FormContext, problem: Problem): Xrm.Controls.StandardControl[] {
  // Account / contact / solution problems name columns of other tables; a same-named opportunity
  // column (e.g. `name`, `description`) must not receive them.
  if (problem.table !== Tables.opportunity || !problem.column) return [];
  const attribute = form.getAttribute(problem.column);
  return attribute ? attribute.controls.get() : [];
}

export function showProblems(form: Xrm.FormContext, problems: Problem[], lcid: number): void {
  for (const problem of problems) {
    const message = problemMessage(problem, lcid);
    const id = NotificationIds.problem(problem.code);
    const controls = controlsOf(form, problem);
    if (controls.length > 0) controls.forEach((control) => control.setNotification(message, id));
    else form.ui.setFormNotification(message, 'ERROR', id);
  }
}

export function clearProblems(form: Xrm.FormContext): void {
  const ids = (Object.keys(PROBLEM_CODES) as ProblemCode[]).map(NotificationIds.problem);
  ids.forEach((id) => form.ui.clearFormNotification(id));
  form.ui.clearFormNotification(NotificationIds.checkFailed);
  form.data.entity.attributes.forEach((attribute) =>
    attribute.controls.forEach((control) => ids.forEach((id) => control.clearNotification(id))),
  );
}

/** The check itself could not run (a read failed): warn, never block the save on our own failure. */
export function showCheckFailed(form: Xrm.FormContext, error: unknown, lcid: number): void {
  const detail = error instanceof Error ? error.message : String(error);
  form.ui.setFormNotification(formText('checkFailed', lcid, detail), 'WARNING', NotificationIds.checkFailed);
}
