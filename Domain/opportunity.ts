/**
 * A Dynamics 365 opportunity with the related rows the sync needs, in one plain shape shared by the
 * relay (built from one Web API read with $expand), the form scripts (built from form attributes) and
 * the PCF control (built from bound properties and context.webAPI). Rules and mapping read only this.
 */
import type { Lcid } from './constants';

/** A Dataverse row as the Web API returns it: logical names → JSON values (choice = number, Yes/No = boolean). */
export type DataverseRecord = Record<string, unknown>;

export interface SolutionRow {
  /** `pcs_solutionid`, the Partner Center solution id (e.g. `SOL-15974-MQF`). */
  solutionId: string;
  name?: string | null;
  /** From the solution's catalogue row (Microsoft Solution Details). */
  publisherName?: string | null;
  /** The catalogue row marks it a Services co-sell solution (pcs_solutionkind). */
  services?: boolean;
}

export interface OpportunitySnapshot {
  /** Opportunity (or lead) columns by logical name; must include the primary key. */
  opportunity: DataverseRecord;
  /** Parent account columns, null when the opportunity has none. */
  account: DataverseRecord | null;
  /** Customer contact (opportunity.parentcontactid) columns. */
  contact: DataverseRecord | null;
  /** ISO 4217 code of the opportunity's transaction currency. */
  currencyIsoCode: string | null;
  /** `pcs_microsoftsolution` rows of this opportunity. */
  solutions: SolutionRow[];
}

/** The three Partner Center deal types, from visibility + help needed (partner-center-api.md §3.5). */
export type DealType = 'private' | 'partnerLed' | 'coSell';

export type ProblemCode =
  | 'nameMissing'
  | 'accountMissing'
  | 'customerContactMissing'
  | 'contactDetailsMissing'
  | 'solutionMissing'
  | 'countryMissing'
  | 'countryNotIso2'
  | 'dealValueMissing'
  | 'closeDateMissing'
  | 'visibilityRequiredForHelp'
  | 'visibilityCannotRevert'
  | 'fieldMapInvalid'
  | 'solutionAreaMissing'
  | 'solutionPlayMissing'
  | 'partnerRoleMissing';

/** One reason a record cannot be shared; `column` points at what to fix (for field notifications). */
export interface Problem {
  code: ProblemCode;
  table: 'opportunity' | 'account' | 'contact' | 'pcs_microsoftsolution' | 'lead';
  column?: string;
  /** Values interpolated into the message, e.g. the offending country text. */
  params?: Record<string, string>;
}

export type { Lcid };
