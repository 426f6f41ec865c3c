/**
 * Pure mapping between a Dataverse opportunity snapshot and a Partner Center referral, both ways,
 * driven by the field map. No I/O: the relay, the preview CLI and the tests call these.
 */
import {
  AccountColumns,
  ContactColumns,
  LeadColumns,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  OpportunityNavigation,
  ReferralAttributeColumns,
  Relationships,
  SolutionDetailColumns,
  SolutionKindOptions,
  Tables,
  TransactionCurrencyColumns,
  referralLink,
} from './constants';
import { stripCheckmark } from './checkmark';
import type { FieldMap, FieldMapEntry, FieldMapTable } from './fieldMap';
import { isCatalogueEntry, wireColumn } from './fieldMap';
import type { ReferralAttributeCategory } from './constants';
import type { DataverseRecord, OpportunitySnapshot, SolutionRow } from './opportunity';
import type { Referral, ReferralPatchOperation } from './referral';
import { ValidationError } from './referral';
import type { ODataQuery } from './odataQuery';
import type { PathSegment, ReferralValueKind } from './referralPaths';
import {
  CUSTOMER_CONTACT_PREFIX,
  getAtPath,
  pathSegments,
  REFERRAL_PATHS,
  selectedIndex,
  setAtPath,
  SOLUTIONS_PATH,
} from './referralPaths';
import { dealTypeOfSnapshot, isBlank } from './rules';

/** What an inbound referral implies in Dataverse. Column values use Web API encodings. */
export interface DataverseWrites {
  /** Where the referral lands: by its origin for new records (Relay/sync/inboundRouting.ts), else the existing table. */
  target: 'opportunity' | 'lead';
  /** Columns of the opportunity or lead (logical names). */
  record: DataverseRecord;
  /** Account columns (matched on name + postal code, else created). */
  account: DataverseRecord | null;
  /** Customer contact columns (matched on email, else created). */
  contact: DataverseRecord | null;
  /** Solution rows to ensure on the record (matched by solution id against the catalogue). */
  solutions: SolutionRow[];
  /** ISO 4217 code of details.currency; the relay resolves it to a transactioncurrency row. */
  currencyIsoCode?: string | null;
  /** Catalogue values the referral names (area, play, role): the relay binds the lookups to their rows. */
  referralAttributes?: ReferralAttributeWrite[];
}

/** A catalogue lookup an inbound referral sets: `column` to the row of `category` whose code is `code`. */
export interface ReferralAttributeWrite {
  column: string;
  category: ReferralAttributeCategory | null;
  code: string;
}

export interface FromReferralOptions {
  policy: 'lead' | 'opportunity';
  /** Existing record's table when the referral is already linked. */
  existingTarget?: 'opportunity' | 'lead';
}

// ---- value encodings ----

const outbound = (e: FieldMapEntry) => e.direction !== 'toDataverse' && e.table !== Tables.lead;
const inbound = (e: FieldMapEntry) => e.direction !== 'toPartnerCenter';
const kindOf = (e: FieldMapEntry): ReferralValueKind => REFERRAL_PATHS[e.referral]?.kind ?? 'text';

/** 'YYYY-MM-DD' (Dataverse date-only) or any ISO date-time → 'YYYY-MM-DDTHH:mm:ssZ' (UTC, no millis). */
export function toIsoUtc(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00Z`;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Any ISO date-time → its UTC calendar date 'YYYY-MM-DD' (estimatedclosedate is date-only). */
export function toDateOnly(value: unknown): string | undefined {
  return toIsoUtc(value)?.slice(0, 10);
}

/** The code of a catalogue row as the relay's read expands it (`{ pcs_code, … }`), else undefined. */
const catalogueCode = (expanded: unknown): string | undefined => {
  const code = (expanded as Record<string, unknown> | null | undefined)?.[ReferralAttributeColumns.code];
  return typeof code === 'string' && code.trim() !== '' ? code : undefined;
};

/** The referral-side value of an entry (the valueMap key) for a Dataverse value. */
function referralValueOf(e: FieldMapEntry, value: unknown): unknown {
  const kind = kindOf(e);
  if (kind === 'catalogue') return catalogueCode(value) ?? e.default;
  if (isBlank(value)) return e.default;
  if (e.valueMap) {
    const key = Object.keys(e.valueMap).find((k) => e.valueMap![k] === value);
    if (key === undefined) return e.default;
    return kind === 'boolean' ? key === 'true' : key;
  }
  switch (kind) {
    case 'decimal': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'dateTime':
      return toIsoUtc(value);
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    default: {
      const text = String(value);
      return e.referral === 'name' ? stripCheckmark(text) : text;
    }
  }
}

/** The Dataverse value (Web API encoding) of an entry for a referral value; undefined = write nothing. */
function dataverseValueOf(e: FieldMapEntry, value: unknown): unknown {
  const source = value === undefined || value === null || value === '' ? e.default : value;
  if (source === undefined) return value === undefined ? undefined : null;
  if (e.valueMap) {
    // An unmapped code (e.g. `Unknown` help, `None` status) means "no choice": an empty column.
    const mapped = e.valueMap[String(source)];
    return mapped === undefined ? null : mapped;
  }
  switch (kindOf(e)) {
    case 'decimal':
      return typeof source === 'number' ? source : Number(source);
    case 'dateTime':
      return toDateOnly(source) ?? null;
    default:
      return source;
  }
}

// ---- Dataverse → Partner Center ----

function rowOf(snapshot: OpportunitySnapshot, table: FieldMapTable): DataverseRecord | null {
  if (table === Tables.account) return snapshot.account;
  if (table === Tables.contact) return snapshot.contact;
  if (table === Tables.transactioncurrency) {
    return { [TransactionCurrencyColumns.isoCode]: snapshot.currencyIsoCode };
  }
  return snapshot.opportunity;
}

const solutionTag = (s: SolutionRow) => ({
  type: 'Name',
  id: s.solutionId,
  ...(isBlank(s.name) ? {} : { name: s.name }),
  ...(isBlank(s.publisherName) ? {} : { publisherName: s.publisherName }),
});

/** Create body for POST /engagements/referrals (externalReferenceId = opportunity id), shaped like
 *  partner-center-api.md §3.6. Total: callers run checkSharingRules first and send only when it is empty. */
export function toReferralCreate(snapshot: OpportunitySnapshot, map: FieldMap): Referral {
  const dealType = dealTypeOfSnapshot(snapshot, map);
  // Key order here is the order of the JSON sent and printed (stable output).
  const referral: Record<string, unknown> = {
    name: undefined,
    type: dealType === 'private' ? 'Independent' : 'Shared',
    qualification: 'SalesQualified',
    externalReferenceId: undefined,
    customerProfile: {},
    consent: { consentToToShareInfoWithOthers: true, consentToContact: true },
    details: {},
    inviteContext: {},
    target: [],
  };
  for (const e of map.entries.filter(outbound)) {
    if (e.referral === SOLUTIONS_PATH) {
      const tags = snapshot.solutions.filter((s) => !isBlank(s.solutionId)).map(solutionTag);
      if (tags.length) setAtPath(referral, 'details.requirements.solutions', tags);
      continue;
    }
    const row = rowOf(snapshot, e.table);
    const value = row ? referralValueOf(e, row[e.column]) : e.default;
    if (value !== undefined && !isBlank(value)) setAtPath(referral, e.referral, value);
  }
  // Visibility and help are decided together (rules.dealTypeOf): help implies sharing with Microsoft,
  // and only co-sell carries a help code.
  (referral.consent as Record<string, unknown>).consentToShareReferralWithMicrosoftSellers =
    dealType !== 'private';
  const invite = referral.inviteContext as Record<string, unknown>;
  if (dealType !== 'coSell') delete invite.assistanceRequestCode;
  if (Object.keys(invite).length === 0) delete referral.inviteContext;
  return referral as Referral;
}

/** JSON Pointer of a dotted path: `details.requirements.solutions` → `/details/requirements/solutions`. */
const pointer = (segments: readonly (string | number)[]) =>
  segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');

/**
 * `replace` when the target property exists in `current` (even as null), else `add` at the first
 * missing level with the rest of the value nested inside (JSON Patch `add` needs an existing parent).
 */
function operation(current: unknown, segments: (string | number)[], value: unknown): ReferralPatchOperation {
  let node: unknown = current;
  for (let i = 0; i < segments.length; i++) {
    const key = segments[i]!;
    const container = node as Record<string | number, unknown> | null;
    const present = container !== null && typeof container === 'object' && Object.hasOwn(container, key);
    if (
      !present ||
      (i < segments.length - 1 && (container[key] === null || typeof container[key] !== 'object'))
    ) {
      const nested = segments.slice(i + 1).reduceRight<unknown>((inner, k) => ({ [k]: inner }), value);
      return { op: present ? 'replace' : 'add', path: pointer(segments.slice(0, i + 1)), value: nested };
    }
    node = container[key];
  }
  return { op: 'replace', path: pointer(segments), value };
}

const textOf = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());
function sameValue(kind: ReferralValueKind, a: unknown, b: unknown): boolean {
  if (kind === 'decimal')
    return a !== null && b !== null && a !== undefined && b !== undefined && Number(a) === Number(b);
  // Closing dates are calendar dates: Partner Center may add time or 7-digit fractions.
  if (kind === 'dateTime') return toDateOnly(a) === toDateOnly(b);
  if (kind === 'boolean') return a === b;
  return textOf(a) === textOf(b);
}

const solutionIds = (tags: unknown): string =>
  (Array.isArray(tags) ? tags : [])
    .map((t) => textOf((t as { id?: unknown } | null)?.id).toLowerCase())
    .sort()
    .join('\n');

/**
 * JSON Patch (`replace`/`add` only) turning `current` into what the snapshot says, for fields mapped
 * toPartnerCenter/both and editable after creation. Empty array = nothing to send.
 * Never sends a removal: required values (name, deal value, close date, currency, solutions, team) are
 * only ever replaced by a new value; cleared notes become ''; visibility only goes false → true and a
 * help code is only set or changed, never withdrawn (Partner Center cannot un-share a deal).
 */
export function toReferralPatch(
  snapshot: OpportunitySnapshot,
  map: FieldMap,
  current: Referral,
): ReferralPatchOperation[] {
  const desired = toReferralCreate(snapshot, map) as Record<string, unknown>;
  const ops: ReferralPatchOperation[] = [];
  const done = new Set<string>();
  for (const e of map.entries.filter(outbound)) {
    const info = REFERRAL_PATHS[e.referral];
    if (!info?.editable || done.has(e.referral)) continue;
    done.add(e.referral);

    if (e.referral === SOLUTIONS_PATH) {
      const want = getAtPath(desired, 'details.requirements.solutions');
      const have = getAtPath(current, 'details.requirements.solutions');
      if (Array.isArray(want) && want.length && solutionIds(want) !== solutionIds(have)) {
        ops.push(operation(current, ['details', 'requirements', 'solutions'], want));
      }
      continue;
    }
    if (e.referral.startsWith(CUSTOMER_CONTACT_PREFIX)) {
      if (done.has(CUSTOMER_CONTACT_PREFIX)) continue;
      done.add(CUSTOMER_CONTACT_PREFIX);
      const op = teamOperation(desired, current);
      if (op) ops.push(op);
      continue;
    }
    const want = getAtPath(desired, e.referral);
    const have = getAtPath(current, e.referral);
    const segments = e.referral.split('.');
    // The default stands for "nothing said" (an intent not decided): a referral without the value
    // already says that, so it is not added to an existing referral.
    if (e.default !== undefined && isBlank(have) && sameValue(info.kind, want, e.default)) continue;
    if (e.referral.includes('[')) {
      // An array item picked by selector (`attributes[type=SolutionArea].id`): set or add that item.
      if (!isBlank(want) && !sameValue(info.kind, want, have))
        ops.push(selectedItemOperation(current, e.referral, want));
    } else if (e.referral === 'consent.consentToShareReferralWithMicrosoftSellers') {
      if (want === true && have !== true) ops.push(operation(current, segments, true));
    } else if (e.referral === 'inviteContext.assistanceRequestCode') {
      if (!isBlank(want) && !sameValue('code', want, have)) ops.push(operation(current, segments, want));
    } else if (isBlank(want)) {
      if (e.referral === 'details.notes' && !isBlank(have)) ops.push(operation(current, segments, ''));
    } else if (!sameValue(info.kind, want, have)) {
      ops.push(operation(current, segments, want));
    }
  }
  return ops;
}

/**
 * The operation setting a path that picks an array item by selector: `replace` of the value inside
 * the item when it exists, else `add` of the item at the end of the array (`/-`), or of the array
 * itself where it is missing.
 */
function selectedItemOperation(current: Referral, path: string, value: unknown): ReferralPatchOperation {
  const segments = pathSegments(path);
  const at = segments.findIndex((s) => typeof s === 'object');
  const selector = segments[at] as Exclude<PathSegment, string | number>;
  const arrayPath = segments.slice(0, at) as (string | number)[];
  const rest = segments.slice(at + 1) as (string | number)[];
  let items: unknown = current;
  for (const key of arrayPath) items = (items as Record<string | number, unknown> | null)?.[key];
  const index = selectedIndex(items, selector);
  if (index >= 0) return operation(current, [...arrayPath, index, ...rest], value);
  const item: Record<string, unknown> = { [selector.key]: selector.value };
  setAtPath(item, rest.join('.'), value);
  return Array.isArray(items)
    ? { op: 'add', path: pointer([...arrayPath, '-']), value: item }
    : operation(current, arrayPath, [item]);
}

/** The customer team is patched as a whole array: member 0 updated from the contact, others kept. */
function teamOperation(desired: Record<string, unknown>, current: Referral): ReferralPatchOperation | null {
  const want = getAtPath(desired, 'customerProfile.team[0]') as Record<string, unknown> | undefined;
  if (!want || Object.keys(want).length === 0) return null;
  const team = getAtPath(current, 'customerProfile.team');
  const members = Array.isArray(team) ? (team as Record<string, unknown>[]) : [];
  const first = members[0] ?? {};
  if (Object.keys(want).every((k) => sameValue('text', want[k], first[k]))) return null;
  return operation(current, ['customerProfile', 'team'], [{ ...first, ...want }, ...members.slice(1)]);
}

// ---- Partner Center → Dataverse ----

const OPPORTUNITY_SIDE: readonly FieldMapTable[] = [
  Tables.opportunity,
  Tables.account,
  Tables.contact,
  Tables.transactioncurrency,
  Tables.microsoftSolution,
];
const LEAD_SIDE: readonly FieldMapTable[] = [Tables.lead, Tables.transactioncurrency];

const solutionRow = (tag: unknown): SolutionRow | null => {
  const t = (tag ?? {}) as { id?: unknown; name?: unknown; publisherName?: unknown };
  if (isBlank(t.id)) return null;
  return {
    solutionId: String(t.id),
    name: isBlank(t.name) ? null : String(t.name),
    publisherName: isBlank(t.publisherName) ? null : String(t.publisherName),
  };
};

/** Dataverse writes an inbound referral implies (fields mapped toDataverse/both). A lead gets the
 *  referral's facts on its own columns; account, contact and solution rows exist only for opportunities. */
export function fromReferral(
  referral: Referral,
  map: FieldMap,
  options: FromReferralOptions,
): DataverseWrites {
  const target = options.existingTarget ?? options.policy;
  const tables = target === 'lead' ? LEAD_SIDE : OPPORTUNITY_SIDE;
  const record: DataverseRecord = {};
  const account: DataverseRecord = {};
  const contact: DataverseRecord = {};
  let solutions: SolutionRow[] = [];
  let currencyIsoCode: string | null | undefined;
  const referralAttributes: ReferralAttributeWrite[] = [];

  for (const e of map.entries.filter((x) => inbound(x) && tables.includes(x.table))) {
    if (e.referral === SOLUTIONS_PATH) {
      const tags = getAtPath(referral, 'details.requirements.solutions');
      if (Array.isArray(tags)) solutions = tags.map(solutionRow).filter((s): s is SolutionRow => s !== null);
      continue;
    }
    if (isCatalogueEntry(e)) {
      // A lookup: the relay finds (or adds) the catalogue row with this code and binds it.
      const code = getAtPath(referral, e.referral);
      if (!isBlank(code)) {
        const category = REFERRAL_PATHS[e.referral]?.category ?? null;
        referralAttributes.push({ column: e.column, category, code: String(code) });
      }
      continue;
    }
    const value = dataverseValueOf(e, getAtPath(referral, e.referral));
    if (value === undefined) continue;
    if (e.table === Tables.transactioncurrency) currencyIsoCode = value === null ? null : String(value);
    else if (e.table === Tables.account) account[e.column] = value;
    else if (e.table === Tables.contact) contact[e.column] = value;
    else record[e.column] = value;
  }

  const columns = target === 'lead' ? LeadColumns : OpportunityColumns;
  if (typeof referral.id === 'string' && referral.id)
    record[columns.referralLink] = referralLink(referral.id);
  // A referral that creates the record switches sync on, as Microsoft's connector did.
  if (!options.existingTarget) record[columns.syncWithPartnerCenter] = true;

  return {
    target,
    record,
    account: Object.keys(account).length ? account : null,
    contact: Object.keys(contact).length ? contact : null,
    ...(currencyIsoCode === undefined ? {} : { currencyIsoCode }),
    ...(referralAttributes.length ? { referralAttributes } : {}),
    solutions,
  };
}

// ---- Web API read ----

const SOLUTIONS_NAV = Relationships.opportunitySolutions.collection;
const NAVIGATIONS = [
  OpportunityNavigation.parentAccount,
  OpportunityNavigation.parentContact,
  OpportunityNavigation.transactionCurrency,
  SOLUTIONS_NAV,
] as const;

/** Our columns (and the standard state) the relay reads on every opportunity, besides the map's.
 *  pcs_audit too: each sync puts its line on top of the history it read. */
const SYNC_COLUMNS = [
  OpportunityColumns.syncWithPartnerCenter,
  OpportunityColumns.referralId,
  OpportunityColumns.referralLink,
  OpportunityColumns.helpNeeded,
  OpportunityColumns.referralVisibility,
  OpportunityColumns.microsoftCrmId,
  OpportunityColumns.syncStatus,
  OpportunityColumns.lastSyncedOn,
  OpportunityColumns.referralStatus,
  OpportunityColumns.referralSubstatus,
  OpportunityColumns.engagementId,
  OpportunityColumns.stateCode,
  OpportunityColumns.statusCode,
  OpportunityColumns.modifiedOn,
  OpportunityColumns.audit,
  // Relay-written from the referral too: read so an unchanged value is not written again.
  OpportunityColumns.referralExpiresOn,
  OpportunityColumns.referralExpiryEstimated,
  OpportunityColumns.microsoftSellerName,
  OpportunityColumns.microsoftSellerEmail,
  OpportunityColumns.microsoftEngagedOn,
  OpportunityColumns.microsoftNotes,
];

const columnsOf = (map: FieldMap, table: FieldMapTable) =>
  map.entries.filter((e) => e.table === table).map(wireColumn);

/** The catalogue lookups the map names, each expanded to the code of its row (navigation = column). */
const catalogueExpands = (map: FieldMap) =>
  [
    ...new Set(
      map.entries.filter((e) => e.table === Tables.opportunity && isCatalogueEntry(e)).map((e) => e.column),
    ),
  ].map((column) => ({ navigation: column, select: [ReferralAttributeColumns.code] }));

/** The one read of an opportunity the relay syncs from: its columns, account, customer contact,
 *  currency, solutions with their catalogue rows, and the codes of its catalogue lookups
 *  (`odataQueryString` turns it into `?$select=…&$expand=…`). */
export function opportunityQuery(map: FieldMap): ODataQuery {
  return {
    select: [OpportunityColumns.id, ...columnsOf(map, Tables.opportunity), ...SYNC_COLUMNS],
    expand: [
      {
        navigation: OpportunityNavigation.parentAccount,
        select: [AccountColumns.id, ...columnsOf(map, Tables.account)],
      },
      {
        navigation: OpportunityNavigation.parentContact,
        select: [ContactColumns.id, ...columnsOf(map, Tables.contact)],
      },
      { navigation: OpportunityNavigation.transactionCurrency, select: [TransactionCurrencyColumns.isoCode] },
      {
        navigation: SOLUTIONS_NAV,
        select: [
          MicrosoftSolutionColumns.solutionId,
          MicrosoftSolutionColumns.name,
          MicrosoftSolutionColumns.publisherName,
        ],
        // The catalogue row of each solution: its publisher name stands in until the relay has copied
        // it onto the row, its kind (IP / Services) decides whether the referral is a Services co-sell.
        expand: [
          {
            navigation: Relationships.solutionDetailSolutions.navigation,
            select: [SolutionDetailColumns.publisherName, SolutionDetailColumns.solutionKind],
          },
        ],
      },
      ...catalogueExpands(map),
    ],
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function expandedRow(record: DataverseRecord, navigation: string): DataverseRecord | null {
  const value = record[navigation];
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw new ValidationError(`$.${navigation}`, 'expected an expanded record or null');
  return value;
}

/** Snapshot from one Web API opportunity read made with `opportunityQuery(map)`.
 *  Throws ValidationError naming the path when the record does not have that shape. */
export function snapshotFromWebApi(record: DataverseRecord): OpportunitySnapshot {
  if (!isObject(record))
    throw new ValidationError('$', 'expected a Web API opportunity record (a JSON object)');
  if (typeof record[OpportunityColumns.id] !== 'string') {
    throw new ValidationError(`$.${OpportunityColumns.id}`, 'expected the opportunity id (a GUID string)');
  }
  const rows = record[SOLUTIONS_NAV] ?? [];
  if (!Array.isArray(rows))
    throw new ValidationError(`$.${SOLUTIONS_NAV}`, 'expected an array of solution rows');
  const solutions = rows.map((row: unknown, i): SolutionRow => {
    const at = `$.${SOLUTIONS_NAV}[${i}]`;
    if (!isObject(row)) throw new ValidationError(at, 'expected a solution row');
    const id = row[MicrosoftSolutionColumns.solutionId];
    if (typeof id !== 'string')
      throw new ValidationError(`${at}.${MicrosoftSolutionColumns.solutionId}`, 'expected a string');
    const detail = isObject(row[MicrosoftSolutionColumns.solutionDetail])
      ? row[MicrosoftSolutionColumns.solutionDetail]
      : {};
    const name = row[MicrosoftSolutionColumns.name];
    // Copied onto the row from the catalogue by the relay; the expanded catalogue row also serves.
    const publisher =
      row[MicrosoftSolutionColumns.publisherName] ??
      (detail as Record<string, unknown>)[SolutionDetailColumns.publisherName];
    const kind = (detail as Record<string, unknown>)[SolutionDetailColumns.solutionKind];
    return {
      solutionId: id,
      name: typeof name === 'string' ? name : null,
      publisherName: typeof publisher === 'string' ? publisher : null,
      services: kind === SolutionKindOptions.services,
    };
  });
  const currency = expandedRow(record, OpportunityNavigation.transactionCurrency);
  const iso = currency?.[TransactionCurrencyColumns.isoCode];
  const opportunity: DataverseRecord = {};
  for (const [key, value] of Object.entries(record)) {
    // Expanded rows and their annotations (`…@odata.nextLink`) are not opportunity columns.
    if (!NAVIGATIONS.some((nav) => key === nav || key.startsWith(`${nav}@`))) opportunity[key] = value;
  }
  return {
    opportunity,
    account: expandedRow(record, OpportunityNavigation.parentAccount),
    contact: expandedRow(record, OpportunityNavigation.parentContact),
    currencyIsoCode: typeof iso === 'string' && iso ? iso : null,
    solutions,
  };
}
