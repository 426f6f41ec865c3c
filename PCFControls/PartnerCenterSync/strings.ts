import type { Problem, ProblemCode } from '../../Domain/opportunity';
import { interpolate } from '../../Domain/messages';

/**
 * Runtime strings. Every key exists in strings/PartnerCenterSync.{1033,1046,3082}.resx (checked by
 * manifest.test.ts); components receive a `Translate` function, never the PCF context. Code names a
 * key as a literal typed `StringKey` (`t('Toggle_Label')`): the compiler checks it, and this table
 * (read by the tests) stays out of bundle.js, where it would cost ~4 KB.
 */
export const StringKeys = {
  Toggle_Label: 'Toggle_Label',
  Toggle_On: 'Toggle_On',
  Toggle_Off: 'Toggle_Off',
  Toggle_ReadOnly: 'Toggle_ReadOnly',
  Toggle_Unsaved: 'Toggle_Unsaved',
  Status_Label: 'Status_Label',
  Status_Synced: 'Status_Synced',
  Status_SyncedNoTime: 'Status_SyncedNoTime',
  Status_Error: 'Status_Error',
  Status_Pending: 'Status_Pending',
  Status_Off: 'Status_Off',
  Referral_Label: 'Referral_Label',
  Referral_Copy: 'Referral_Copy',
  Referral_Copied: 'Referral_Copied',
  Referral_Open: 'Referral_Open',
  Referral_StatusLabel: 'Referral_StatusLabel',
  MicrosoftCrmId_Label: 'MicrosoftCrmId_Label',
  ReferralStatus_New: 'ReferralStatus_New',
  ReferralStatus_Active: 'ReferralStatus_Active',
  ReferralStatus_Closed: 'ReferralStatus_Closed',
  ReferralSubstatus_Pending: 'ReferralSubstatus_Pending',
  ReferralSubstatus_Received: 'ReferralSubstatus_Received',
  ReferralSubstatus_Accepted: 'ReferralSubstatus_Accepted',
  ReferralSubstatus_Won: 'ReferralSubstatus_Won',
  ReferralSubstatus_Lost: 'ReferralSubstatus_Lost',
  ReferralSubstatus_Declined: 'ReferralSubstatus_Declined',
  ReferralSubstatus_Expired: 'ReferralSubstatus_Expired',
  Events_Title: 'Events_Title',
  Events_Empty: 'Events_Empty',
  Events_More: 'Events_More',
  Events_Loading: 'Events_Loading',
  Events_LoadFailed: 'Events_LoadFailed',
  Direction_ToPartnerCenter: 'Direction_ToPartnerCenter',
  Direction_ToDataverse: 'Direction_ToDataverse',
  Outcome_Succeeded: 'Outcome_Succeeded',
  Outcome_Failed: 'Outcome_Failed',
  Outcome_Skipped: 'Outcome_Skipped',
  Preflight_Title: 'Preflight_Title',
  Preflight_Contact: 'Preflight_Contact',
  Preflight_Solution: 'Preflight_Solution',
  Preflight_Country: 'Preflight_Country',
  Preflight_DealValue: 'Preflight_DealValue',
  Preflight_CloseDate: 'Preflight_CloseDate',
  Preflight_Other: 'Preflight_Other',
  Preflight_Passed: 'Preflight_Passed',
  Preflight_Failed: 'Preflight_Failed',
  Preflight_Loading: 'Preflight_Loading',
  Preflight_LoadFailed: 'Preflight_LoadFailed',
  Actions_SyncNow: 'Actions_SyncNow',
  Actions_Preview: 'Actions_Preview',
  Actions_Busy: 'Actions_Busy',
  Actions_SyncQueued: 'Actions_SyncQueued',
  Actions_Accept: 'Actions_Accept',
  Actions_Decline: 'Actions_Decline',
  Actions_Accepted: 'Actions_Accepted',
  Actions_Declined: 'Actions_Declined',
  Incoming_Title: 'Incoming_Title',
  Decline_Reason: 'Decline_Reason',
  Decline_Confirm: 'Decline_Confirm',
  Decline_Cancel: 'Decline_Cancel',
  Decline_ReasonRequired: 'Decline_ReasonRequired',
  Preview_Title: 'Preview_Title',
  Preview_create: 'Preview_create',
  Preview_update: 'Preview_update',
  Preview_none: 'Preview_none',
  Preview_blocked: 'Preview_blocked',
  Relay_unreachable: 'Relay_unreachable',
  Relay_timeout: 'Relay_timeout',
  Relay_unauthorized: 'Relay_unauthorized',
  Relay_forbidden: 'Relay_forbidden',
  Relay_notFound: 'Relay_notFound',
  Relay_badRequest: 'Relay_badRequest',
  Relay_server: 'Relay_server',
  Relay_NotConfigured: 'Relay_NotConfigured',
  FieldMap_Invalid: 'FieldMap_Invalid',
  FieldMap_Entry: 'FieldMap_Entry',
  Microsoft_Title: 'Microsoft_Title',
  Microsoft_Seller: 'Microsoft_Seller',
  Microsoft_Status: 'Microsoft_Status',
  Microsoft_Engaged: 'Microsoft_Engaged',
  Microsoft_Updated: 'Microsoft_Updated',
  Microsoft_Notes: 'Microsoft_Notes',
  Expiry_In: 'Expiry_In',
  Expiry_Passed: 'Expiry_Passed',
  Expiry_Estimated: 'Expiry_Estimated',
  Expiry_Hint: 'Expiry_Hint',
  Problem_nameMissing: 'Problem_nameMissing',
  Problem_accountMissing: 'Problem_accountMissing',
  Problem_customerContactMissing: 'Problem_customerContactMissing',
  Problem_contactDetailsMissing: 'Problem_contactDetailsMissing',
  Problem_solutionMissing: 'Problem_solutionMissing',
  Problem_countryMissing: 'Problem_countryMissing',
  Problem_countryNotIso2: 'Problem_countryNotIso2',
  Problem_dealValueMissing: 'Problem_dealValueMissing',
  Problem_closeDateMissing: 'Problem_closeDateMissing',
  Problem_visibilityRequiredForHelp: 'Problem_visibilityRequiredForHelp',
  Problem_visibilityCannotRevert: 'Problem_visibilityCannotRevert',
  Problem_fieldMapInvalid: 'Problem_fieldMapInvalid',
  Problem_solutionAreaMissing: 'Problem_solutionAreaMissing',
  Problem_solutionPlayMissing: 'Problem_solutionPlayMissing',
  Problem_partnerRoleMissing: 'Problem_partnerRoleMissing',
} as const;

export type StringKey = (typeof StringKeys)[keyof typeof StringKeys];

/** Looks a key up and fills `{0}`, `{1}`… placeholders. */
export type Translate = (key: StringKey, ...args: (string | number)[]) => string;

/** Fill `{n}` placeholders; unknown indexes stay visible so a missing argument is noticed, not hidden. */
export function fillPlaceholders(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
}

/** Wrap the platform's `getString` (which returns the key itself when a resx entry is missing). */
export function translator(getString: (id: string) => string): Translate {
  return (key, ...args) => fillPlaceholders(getString(key), args);
}

/** The resx key of a sharing problem's fix (texts equal Domain/messages.ts, checked by manifest.test.ts). */
export const problemKey = (code: ProblemCode): StringKey => `Problem_${code}` satisfies StringKey;

/**
 * A sharing problem in the user's language, from the resx the platform loaded for that language: the
 * three-language table of Domain/messages.ts would triple the bundle's share of these texts.
 */
export const describeProblem =
  (t: Translate) =>
  (problem: Problem): string =>
    interpolate(t(problemKey(problem.code)), problem.params);
