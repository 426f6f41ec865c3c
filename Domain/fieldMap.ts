/**
 * The field map: which referral property travels to which Dataverse column, and in which direction.
 * It lives in form config (the PCF control's static `fieldMap` property) so customizers can change it
 * in the form editor; an empty property means DEFAULT_FIELD_MAP.
 */
import type { TableName } from './constants';
import {
  AccountColumns,
  ContactColumns,
  EnvironmentVariables,
  HelpNeededOptions,
  LeadColumns,
  MarketplaceIntentOptions,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  ReferralFieldColumns,
  ReferralStatusOptions,
  ReferralSubstatusOptions,
  ReferralVisibility,
  RelayOwnedOpportunityColumns,
  Tables,
  TransactionCurrencyColumns,
} from './constants';
import { lookup, columnName } from './odataQuery';
import { isKnownReferralPath, REFERRAL_PATHS, ReferralFieldPaths, SOLUTIONS_PATH } from './referralPaths';

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

// ---- shape ----

export const FIELD_MAP_TABLES = [
  Tables.opportunity,
  Tables.account,
  Tables.contact,
  Tables.lead,
  Tables.microsoftSolution,
  Tables.transactioncurrency,
] as const satisfies readonly FieldMapTable[];
export const FIELD_DIRECTIONS = ['both', 'toPartnerCenter', 'toDataverse'] as const;

/** Dataverse logical names are lower case (schema names carry the capitals). */
export const LOGICAL_NAME = /^[a-z_][a-z0-9_]*$/;

/** The JSON types a valueMap value or a default may have. */
export type FieldMapScalar = string | number | boolean;

const isScalar = (value: unknown): value is FieldMapScalar =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SCALAR_EXPECTED = 'expected text, a number or true/false';

/** One shape problem: where (`column`, `valueMap.x`, `''` for the value itself) and why. */
export interface FieldMapShapeIssue {
  path: string;
  message: string;
}

/**
 * Shape of one entry, checked by hand: this module runs in the PCF bundle, where a schema library
 * would cost more bytes than the rest of the field map. Unknown properties are dropped.
 * Domain/fieldMapJsonSchema.ts publishes the same shape as JSON Schema (tests keep both in step).
 */
export function checkFieldMapEntryShape(
  raw: unknown,
): { entry: FieldMapEntry; issues?: undefined } | { issues: FieldMapShapeIssue[] } {
  if (!isObject(raw)) return { issues: [{ path: '', message: 'expected an entry object' }] };
  const issues: FieldMapShapeIssue[] = [];
  const { referral, table, column, direction, valueMap } = raw;
  if (typeof referral !== 'string') {
    issues.push({ path: 'referral', message: 'expected a referral path (text)' });
  } else if (referral.length < 1) issues.push({ path: 'referral', message: 'referral path is empty' });
  if (!(FIELD_MAP_TABLES as readonly unknown[]).includes(table)) {
    issues.push({ path: 'table', message: `expected one of ${FIELD_MAP_TABLES.join(', ')}` });
  }
  if (typeof column !== 'string') {
    issues.push({ path: 'column', message: 'expected a column logical name (text)' });
  } else if (!LOGICAL_NAME.test(column)) {
    issues.push({ path: 'column', message: 'not a Dataverse logical name (lower-case a-z, 0-9, _)' });
  }
  if (!(FIELD_DIRECTIONS as readonly unknown[]).includes(direction)) {
    issues.push({ path: 'direction', message: `expected one of ${FIELD_DIRECTIONS.join(', ')}` });
  }
  if (valueMap !== undefined) {
    if (!isObject(valueMap)) {
      issues.push({ path: 'valueMap', message: 'expected an object of referral value → option value' });
    } else {
      for (const [key, value] of Object.entries(valueMap)) {
        if (!isScalar(value)) issues.push({ path: `valueMap.${key}`, message: SCALAR_EXPECTED });
      }
    }
  }
  if (raw.default !== undefined && !isScalar(raw.default)) {
    issues.push({ path: 'default', message: SCALAR_EXPECTED });
  }
  if (issues.length) return { issues };
  const entry = { referral, table, column, direction } as FieldMapEntry;
  if (valueMap !== undefined) entry.valueMap = { ...(valueMap as Record<string, FieldMapScalar>) };
  if (raw.default !== undefined) entry.default = raw.default as FieldMapScalar;
  return { entry };
}

/** Shape of the document around the entries: `{ version: 1, entries: [...] }`. */
export function checkFieldMapDocumentShape(doc: unknown): FieldMapShapeIssue[] {
  if (!isObject(doc)) return [{ path: '', message: 'expected an object { version: 1, entries: [...] }' }];
  const issues: FieldMapShapeIssue[] = [];
  if (doc.version !== 1) issues.push({ path: 'version', message: 'expected 1' });
  if (!Array.isArray(doc.entries)) issues.push({ path: 'entries', message: 'expected a list of entries' });
  return issues;
}

// ---- default map ----

const entry = (
  referral: string,
  table: FieldMapTable,
  column: string,
  direction: FieldDirection,
  extra: Pick<FieldMapEntry, 'valueMap' | 'default'> = {},
): FieldMapEntry => ({ referral, table, column, direction, ...extra });

const O = OpportunityColumns;
/** Name given to records created from a referral that has none (required column in Dataverse). */
export const UNNAMED_REFERRAL = 'Partner Center referral';
const visibilityValues = { true: ReferralVisibility.visible, false: ReferralVisibility.notVisible };

export const DEFAULT_FIELD_MAP: FieldMap = {
  version: 1,
  entries: [
    // Dataverse requires a name; Partner Center's get-by-id sample has none.
    entry('name', Tables.opportunity, O.name, 'both', { default: UNNAMED_REFERRAL }),
    entry('details.dealValue', Tables.opportunity, O.estimatedValue, 'both'),
    entry('details.currency', Tables.transactioncurrency, TransactionCurrencyColumns.isoCode, 'both'),
    entry('details.closingDateTime', Tables.opportunity, O.estimatedCloseDate, 'both'),
    entry('details.notes', Tables.opportunity, O.description, 'both'),
    entry('customerProfile.name', Tables.account, AccountColumns.name, 'both'),
    entry('customerProfile.address.addressLine1', Tables.account, AccountColumns.line1, 'both'),
    entry('customerProfile.address.addressLine2', Tables.account, AccountColumns.line2, 'both'),
    entry('customerProfile.address.city', Tables.account, AccountColumns.city, 'both'),
    entry('customerProfile.address.state', Tables.account, AccountColumns.state, 'both'),
    entry('customerProfile.address.postalCode', Tables.account, AccountColumns.postalCode, 'both'),
    entry('customerProfile.address.country', Tables.account, AccountColumns.country, 'both'),
    entry('customerProfile.team[0].firstName', Tables.contact, ContactColumns.firstName, 'both'),
    entry('customerProfile.team[0].lastName', Tables.contact, ContactColumns.lastName, 'both'),
    entry('customerProfile.team[0].email', Tables.contact, ContactColumns.email, 'both'),
    entry('customerProfile.team[0].phoneNumber', Tables.contact, ContactColumns.phone, 'both'),
    entry(
      'consent.consentToShareReferralWithMicrosoftSellers',
      Tables.opportunity,
      O.referralVisibility,
      'both',
      {
        valueMap: visibilityValues,
      },
    ),
    // Empty pcs_helpneeded ↔ `Unknown` (no help requested); the valueMap lists the six real codes.
    entry('inviteContext.assistanceRequestCode', Tables.opportunity, O.helpNeeded, 'both', {
      valueMap: { ...HelpNeededOptions },
    }),
    entry(SOLUTIONS_PATH, Tables.microsoftSolution, MicrosoftSolutionColumns.solutionId, 'both'),
    entry('status', Tables.opportunity, O.referralStatus, 'toDataverse', {
      valueMap: { ...ReferralStatusOptions },
    }),
    entry('substatus', Tables.opportunity, O.referralSubstatus, 'toDataverse', {
      valueMap: { ...ReferralSubstatusOptions },
    }),
    entry('trackingInfo.microsoftMsxId', Tables.opportunity, O.microsoftCrmId, 'toDataverse'),
    entry('engagementId', Tables.opportunity, O.engagementId, 'toDataverse'),
    entry('id', Tables.opportunity, O.referralId, 'toDataverse'),
    entry('externalReferenceId', Tables.opportunity, O.id, 'toPartnerCenter'),
    // Inbound referrals landing as leads (Microsoft's, by default): the same facts on lead columns,
    // as Microsoft's 2019 sample flow did (subject, companyname, contact names, budgetamount).
    entry('name', Tables.lead, LeadColumns.subject, 'toDataverse', { default: UNNAMED_REFERRAL }),
    entry('customerProfile.name', Tables.lead, LeadColumns.companyName, 'toDataverse'),
    entry('customerProfile.team[0].firstName', Tables.lead, LeadColumns.firstName, 'toDataverse'),
    entry('customerProfile.team[0].lastName', Tables.lead, LeadColumns.lastName, 'toDataverse'),
    entry('customerProfile.team[0].email', Tables.lead, LeadColumns.email, 'toDataverse'),
    entry('customerProfile.team[0].phoneNumber', Tables.lead, LeadColumns.phone, 'toDataverse'),
    entry('details.dealValue', Tables.lead, LeadColumns.budgetAmount, 'toDataverse'),
    entry('details.notes', Tables.lead, LeadColumns.description, 'toDataverse'),
    entry('details.closingDateTime', Tables.lead, LeadColumns.estimatedCloseDate, 'toDataverse'),
    entry('status', Tables.lead, LeadColumns.referralStatus, 'toDataverse', {
      valueMap: { ...ReferralStatusOptions },
    }),
    entry('substatus', Tables.lead, LeadColumns.referralSubstatus, 'toDataverse', {
      valueMap: { ...ReferralSubstatusOptions },
    }),
    entry('id', Tables.lead, LeadColumns.referralId, 'toDataverse'),
    // Current referral fields (docs/partner-center-fields.md). Area, play and role are lookups to the
    // Referral Attributes catalogue: the code of the chosen row travels. The marketplace intent ids
    // beyond HaveNotDecided are unpublished: they sit in this valueMap, editable without a release;
    // an opportunity without an intent says "have not decided" (the bulk CSV calls it required).
    entry(ReferralFieldPaths.solutionArea, Tables.opportunity, ReferralFieldColumns.solutionArea, 'both'),
    entry(ReferralFieldPaths.solutionPlay, Tables.opportunity, ReferralFieldColumns.solutionPlay, 'both'),
    entry(ReferralFieldPaths.partnerRole, Tables.opportunity, ReferralFieldColumns.partnerRole, 'both'),
    entry(
      ReferralFieldPaths.marketplaceIntent,
      Tables.opportunity,
      ReferralFieldColumns.marketplaceIntent,
      'both',
      { valueMap: { ...MarketplaceIntentOptions }, default: 'HaveNotDecided' },
    ),
  ],
};

// ---- validation ----

const RELAY_OWNED: ReadonlySet<string> = new Set([...RelayOwnedOpportunityColumns, LeadColumns.syncStatus]);
const PRIMARY_KEYS: ReadonlySet<string> = new Set([
  O.id,
  LeadColumns.id,
  AccountColumns.id,
  ContactColumns.id,
]);

/** `entries[3] (details.dealValue): reason` — one line for CLI output and form notifications. */
export const formatFieldMapError = (error: FieldMapError): string =>
  error.entry === null
    ? error.message
    : `entries[${error.entry}]${error.referral ? ` (${error.referral})` : ''}: ${error.message}`;

function parseJsonText(input: unknown): { value: unknown } | { error: string } {
  if (typeof input !== 'string') return { value: input };
  try {
    return { value: JSON.parse(input) };
  } catch (error) {
    return { error: `field map is not valid JSON: ${(error as Error).message}` };
  }
}

/** What is wrong with one structurally valid entry, beyond its types. */
function semanticError(e: FieldMapEntry): string | null {
  const info = REFERRAL_PATHS[e.referral];
  if (!info || !isKnownReferralPath(e.referral)) {
    return `unknown referral path '${e.referral}' (see docs/field-map.md for the supported paths)`;
  }
  if ((info.kind === 'rows') !== (e.table === Tables.microsoftSolution)) {
    return `${SOLUTIONS_PATH} and only it maps to table ${Tables.microsoftSolution}`;
  }
  if (info.kind === 'catalogue' && e.table !== Tables.opportunity) {
    return `'${e.referral}' maps to an opportunity lookup column of table ${Tables.referralAttribute}`;
  }
  if (e.table === Tables.transactioncurrency && e.column !== TransactionCurrencyColumns.isoCode) {
    return `table ${Tables.transactioncurrency} only offers column ${TransactionCurrencyColumns.isoCode}`;
  }
  if (info.onlyDirection && e.direction !== info.onlyDirection) {
    return `direction must be '${info.onlyDirection}' for '${e.referral}'`;
  }
  if (e.table === Tables.lead && e.direction !== 'toDataverse') {
    return `lead columns are only written from referrals: direction must be 'toDataverse'`;
  }
  const relayOwned = RELAY_OWNED.has(e.column) && (e.table === Tables.opportunity || e.table === Tables.lead);
  if (relayOwned && e.direction !== 'toDataverse') {
    return `column ${e.column} is written only by the relay: direction must be 'toDataverse'`;
  }
  if (PRIMARY_KEYS.has(e.column) && e.direction !== 'toPartnerCenter') {
    return `primary key ${e.column} cannot be written: direction must be 'toPartnerCenter'`;
  }
  return null;
}

/** Validate a field map (JSON text or parsed value); '' / null / undefined → DEFAULT_FIELD_MAP. */
export function parseFieldMap(input: unknown): FieldMapResult {
  if (input === undefined || input === null || (typeof input === 'string' && input.trim() === '')) {
    return { ok: true, map: DEFAULT_FIELD_MAP };
  }
  const parsed = parseJsonText(input);
  if ('error' in parsed) return { ok: false, errors: [{ entry: null, message: parsed.error }] };
  const documentIssues = checkFieldMapDocumentShape(parsed.value);
  if (documentIssues.length) {
    return {
      ok: false,
      errors: documentIssues.map((issue) => ({
        entry: null,
        message: `${issue.path || 'field map'}: ${issue.message}`,
      })),
    };
  }

  const errors: FieldMapError[] = [];
  const entries: FieldMapEntry[] = [];
  const inboundTargets = new Map<string, number>();
  (parsed.value as { entries: unknown[] }).entries.forEach((raw, index) => {
    const referral =
      typeof (raw as FieldMapEntry | null)?.referral === 'string'
        ? (raw as FieldMapEntry).referral
        : undefined;
    const fail = (message: string) =>
      errors.push({ entry: index, ...(referral ? { referral } : {}), message });
    const result = checkFieldMapEntryShape(raw);
    if (result.issues) {
      for (const issue of result.issues) fail(`${issue.path || 'entry'}: ${issue.message}`);
      return;
    }
    const e = result.entry;
    const problem = semanticError(e);
    if (problem) return fail(problem);
    if (e.direction !== 'toPartnerCenter' && e.table !== Tables.microsoftSolution) {
      const key = `${e.table}.${e.column}`;
      const first = inboundTargets.get(key);
      if (first !== undefined) return fail(`column ${key} is already written by entries[${first}]`);
      inboundTargets.set(key, index);
    }
    entries.push(e);
  });
  return errors.length ? { ok: false, errors } : { ok: true, map: { version: 1, entries } };
}

/** Point the deal value / country entries at the columns named by the environment variables
 *  (pcs_DealValueFieldName, pcs_CountryCodeFieldName); empty values keep the map as it is. */
export function applyOverrides(map: FieldMap, overrides: FieldMapOverrides): FieldMap {
  const repoint = (e: FieldMapEntry): FieldMapEntry => {
    const deal = overrides.dealValueFieldName?.trim();
    const country = overrides.countryCodeFieldName?.trim();
    if (deal && e.table === Tables.opportunity && e.referral === 'details.dealValue')
      return { ...e, column: deal };
    if (country && e.table === Tables.account && e.referral === 'customerProfile.address.country') {
      return { ...e, column: country };
    }
    return e;
  };
  return { ...map, entries: map.entries.map(repoint) };
}

/** The environment variable each override comes from (documentation and the relay's settings read). */
export const OVERRIDE_VARIABLES = {
  dealValueFieldName: EnvironmentVariables.dealValueFieldName,
  countryCodeFieldName: EnvironmentVariables.countryCodeFieldName,
} as const;

/** First entry for a referral path on one of the given tables (the map's order decides). */
export function findEntry(
  map: FieldMap,
  referral: string,
  tables: readonly FieldMapTable[],
): FieldMapEntry | undefined {
  return map.entries.find((e) => e.referral === referral && tables.includes(e.table));
}

/** The columns of `table` the map names, in map order (a column may appear more than once). */
export const mappedColumns = (map: FieldMap, table: FieldMapTable): string[] =>
  map.entries.filter((e) => e.table === table).map((e) => e.column);

/** An entry whose column is a lookup to the Referral Attributes catalogue. */
export const isCatalogueEntry = (e: FieldMapEntry): boolean =>
  REFERRAL_PATHS[e.referral]?.kind === 'catalogue';

/** How the Web API names an entry's column in `$select` and in rows: `_x_value` for catalogue lookups. */
export const wireColumn = (e: FieldMapEntry): string =>
  isCatalogueEntry(e) ? columnName(lookup(e.column)) : e.column;

/** The Web API names of the columns of `table` the map names, for `$select` (see wireColumn). */
export const mappedSelect = (map: FieldMap, table: FieldMapTable): string[] =>
  map.entries.filter((e) => e.table === table).map(wireColumn);
