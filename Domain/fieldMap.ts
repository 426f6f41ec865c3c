/**
 * The field map: which referral property travels to which Dataverse column, and in which direction.
 * It lives in form config (the PCF control's static `fieldMap` property) so customizers can change it
 * in the form editor; an empty property means DEFAULT_FIELD_MAP.
 */
import type { TableName } from './constants';

export type FieldDirection = 'both' | 'toPartnerCenter' | 'toDataverse';

/** Tables an entry may target. `transactioncurrency` is read-only (ISO code of the opportunity's currency). */
export type FieldMapTable = Extract<
  TableName,
  'opportunity' | 'account' | 'contact' | 'lead' | 'pcs_microsoftsolution' | 'transactioncurrency'
>;

export interface FieldMapEntry {
  /**
   * Referral path in dot notation: `details.dealValue`, `customerProfile.team[0].email`,
   * `details.requirements.solutions[]` (a collection mapped to rows), `id`, `externalReferenceId`.
   */
  referral: string;
  table: FieldMapTable;
  /** Dataverse logical name on `table`. */
  column: string;
  direction: FieldDirection;
  /** For choices: referral value → Dataverse option value (the reverse is derived). */
  valueMap?: Record<string, number | string | boolean>;
  /** Used when the source value is empty and the target requires one. */
  default?: string | number | boolean;
}

export interface FieldMap {
  version: 1;
  entries: FieldMapEntry[];
}

/** One validation error: names the entry (index and referral path) and why it is wrong. */
export interface FieldMapError {
  /** Index into `entries`, or null for errors about the document itself. */
  entry: number | null;
  referral?: string;
  message: string;
}

export type FieldMapResult = { ok: true; map: FieldMap } | { ok: false; errors: FieldMapError[] };

/** Overrides from environment variables pcs_DealValueFieldName / pcs_CountryCodeFieldName. */
export interface FieldMapOverrides {
  dealValueFieldName?: string | null;
  countryCodeFieldName?: string | null;
}

// ---- contract (implemented by the Foundation issue) ----

/** The default map: see issue #2 for the required entries. */
export declare const DEFAULT_FIELD_MAP: FieldMap;

/** Validate a field map (JSON text or parsed value); '' / null / undefined → DEFAULT_FIELD_MAP. */
export declare function parseFieldMap(input: unknown): FieldMapResult;

/** Point the deal value / country entries at the columns named by the environment variables. */
export declare function applyOverrides(map: FieldMap, overrides: FieldMapOverrides): FieldMap;
