/**
 * What the form shows and lets the seller edit, derived from the record: relay-owned columns are
 * read-only, co-sell fields appear only when syncing, visibility cannot go back once Visible, and help
 * from Microsoft needs a customer contact.
 */
import {
  OpportunityColumns,
  ReferralVisibility,
  RelayOwnedOpportunityColumns,
  SyncStatus,
} from '../../Domain/constants';
import { NotificationIds } from './notifications';
import { formText } from './strings';
import { attributeValue, syncIsOn } from './formValues';

const controlsOf = (form: Xrm.FormContext, column: string): Xrm.Controls.StandardControl[] =>
  form.getAttribute(column)?.controls.get() ?? [];

/** Only the relay's integration user writes these (field security too); the form shows them read-only. */
export function lockRelayOwnedColumns(form: Xrm.FormContext): void {
  for (const column of RelayOwnedOpportunityColumns) {
    controlsOf(form, column).forEach((control) => control.setDisabled(true));
  }
}

export function showCoSellFields(form: Xrm.FormContext): void {
  const visible = syncIsOn(form);
  for (const column of [OpportunityColumns.helpNeeded, OpportunityColumns.referralVisibility]) {
    controlsOf(form, column).forEach((control) => control.setVisible(visible));
  }
}

/** Partner Center cannot un-share a referral (partner-center-api.md §3.5), so Visible is final. */
export function lockVisibilityOnceVisible(form: Xrm.FormContext): void {
  if (attributeValue(form, OpportunityColumns.referralVisibility) !== ReferralVisibility.visible) return;
  controlsOf(form, OpportunityColumns.referralVisibility).forEach((control) => control.setDisabled(true));
}

/** Help chosen → the deal is shared (Visible) and Microsoft needs a customer contact. */
export function applyHelpNeeded(form: Xrm.FormContext, changed: boolean): void {
  const helpChosen = attributeValue(form, OpportunityColumns.helpNeeded) !== null;
  const contact = form.getAttribute(OpportunityColumns.parentContact);
  if (helpChosen) contact?.setRequiredLevel('required');
  // Lowered only when the seller clears help: on load the form's own requirement level stands.
  else if (changed) contact?.setRequiredLevel('none');
  if (!helpChosen || !changed) return;
  const visibility = form.getAttribute(OpportunityColumns.referralVisibility);
  if (visibility && visibility.getValue() !== ReferralVisibility.visible) {
    visibility.setValue(ReferralVisibility.visible);
    // setValue does not raise OnChange; other handlers on visibility must still see the change.
    visibility.fireOnChange();
  }
}

/** The newest line of the relay's audit trail: the relay puts each new line on top (Relay/sync/writeBack.ts). */
export function latestAuditLine(audit: unknown): string | null {
  if (typeof audit !== 'string') return null;
  return (
    audit
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line.length > 0) ?? null
  );
}

export function showLastSyncFailure(form: Xrm.FormContext, lcid: number): void {
  form.ui.clearFormNotification(NotificationIds.lastSyncFailed);
  if (attributeValue(form, OpportunityColumns.syncStatus) !== SyncStatus.error) return;
  const line = latestAuditLine(attributeValue(form, OpportunityColumns.audit));
  const message = line ? formText('lastSyncFailed', lcid, line) : formText('lastSyncFailedNoDetail', lcid);
  form.ui.setFormNotification(message, 'ERROR', NotificationIds.lastSyncFailed);
}
