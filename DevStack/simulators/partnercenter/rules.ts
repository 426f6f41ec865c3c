/**
 * The rules Partner Center documents for referral writes, enforced as Microsoft would — deliberately
 * independent of Domain/rules.ts, so a bug there shows up as a rejection here. Every check names its
 * row of the rule table (sources.ts, README.md) and only rules a Microsoft source supports are here.
 */
import { applyPatch as applyJsonPatch, type Operation } from 'fast-json-patch';
import {
  ASSISTANCE_REQUEST_CODES,
  NEXT_STATUSES,
  REFERRAL_STATUSES,
  SUBSTATUSES_BY_STATUS,
  jsonPath,
  ReferralSchema,
  type Referral,
  type StoredReferral,
} from '../../../Domain';
import { badRequest, conflict } from './errors';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown) => typeof v === 'string' && v.trim() !== '';

// Intl knows ISO 3166-1 regions: for an unknown code it echoes the code back.
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
export function isIso2Country(value: unknown): boolean {
  if (typeof value !== 'string' || !/^[A-Z]{2}$/.test(value)) return false;
  return regionNames.of(value) !== value;
}

/** Shape check with the wire schema: wrong types are rejected with the JSON path (create.types). */
function parseShape(body: unknown): Referral {
  const result = ReferralSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw badRequest(`Invalid value at ${jsonPath(issue.path)}: ${issue.message}`, [jsonPath(issue.path)]);
  }
  return result.data;
}

// The wire schema's property names, per object, for case-insensitive matching.
type SchemaNode = { _zod: { def: Record<string, unknown> & { type: string } } };
function unwrap(schema: SchemaNode): SchemaNode {
  let node = schema;
  while (['optional', 'nullable'].includes(node._zod.def.type)) node = node._zod.def.innerType as SchemaNode;
  return node;
}

/**
 * Rename properties that match a documented property case-insensitively to its camelCase name
 * (create.caseInsensitiveNames): the current Private example sends `ConsentToContact` next to
 * `consentToShareReferralWithMicrosoftSellers`. Unknown properties are kept as sent.
 */
export function canonicalNames(
  value: unknown,
  schema: SchemaNode = ReferralSchema as unknown as SchemaNode,
): unknown {
  const node = unwrap(schema);
  const def = node._zod.def;
  if (def.type === 'array' && Array.isArray(value)) {
    return value.map((item) => canonicalNames(item, def.element as SchemaNode));
  }
  if (def.type !== 'object' || !isObject(value)) return value;
  const shape = def.shape as Record<string, SchemaNode>;
  const byLowerCase = new Map(Object.keys(shape).map((k) => [k.toLowerCase(), k]));
  const out: Obj = {};
  for (const [key, child] of Object.entries(value)) {
    const name = key in shape ? key : (byLowerCase.get(key.toLowerCase()) ?? key);
    // An exact camelCase property wins over a differently cased duplicate.
    if (name !== key && name in value) continue;
    out[name] = shape[name] ? canonicalNames(child, shape[name]) : child;
  }
  return out;
}

/** Help requested from Microsoft: shared with Microsoft sellers and a help code other than Unknown. */
export const isCoSell = (referral: Referral): boolean =>
  referral.consent?.consentToShareReferralWithMicrosoftSellers === true &&
  nonEmpty(referral.inviteContext?.assistanceRequestCode) &&
  referral.inviteContext?.assistanceRequestCode !== 'Unknown';

/**
 * POST /referrals: the documented required blocks and sharing prerequisites (see sources.ts for each
 * rule's source). Returns the referral with canonical property names. Throws SimulatorError 400.
 * Not enforced, for want of a source: `name`, `customerProfile.name`, the Services co-sell fields and
 * the marketplace intent (NOT_ENFORCED in sources.ts).
 */
export function validateCreate(body: unknown): Referral {
  if (!isObject(body)) throw badRequest('The request body must be a referral object');
  const canonical = canonicalNames(body) as Obj;
  // create.requiredBlocks
  for (const block of ['customerProfile', 'consent', 'details'] as const) {
    if (!isObject(canonical[block])) throw badRequest(`${block} is required`, [`$.${block}`]);
  }
  if (!nonEmpty(canonical.type)) throw badRequest('type is required (Independent or Shared)', ['$.type']);
  const referral = parseShape(canonical);
  // create.country
  const country = referral.customerProfile?.address?.country;
  if (!isIso2Country(country)) {
    throw badRequest(
      `customerProfile.address.country must be a 2-letter ISO 3166 code, got ${JSON.stringify(country ?? null)}`,
      ['$.customerProfile.address.country'],
    );
  }
  // create.assistanceRequestCode
  const code = referral.inviteContext?.assistanceRequestCode;
  if (code != null && !(ASSISTANCE_REQUEST_CODES as readonly string[]).includes(code)) {
    throw badRequest(`Unknown inviteContext.assistanceRequestCode ${code}`, [
      '$.inviteContext.assistanceRequestCode',
    ]);
  }
  // create.contactWhenHelpRequested
  if (isCoSell(referral)) {
    const contacts = referral.customerProfile?.team ?? [];
    const complete = contacts.some(
      (m) => nonEmpty(m.firstName) && nonEmpty(m.lastName) && nonEmpty(m.email) && nonEmpty(m.phoneNumber),
    );
    if (!complete) {
      throw badRequest(
        'A customer contact (firstName, lastName, email, phoneNumber) in customerProfile.team is required when help from Microsoft is requested',
        ['$.customerProfile.team'],
      );
    }
  }
  // create.solutionWhenShared
  if (
    referral.consent?.consentToShareReferralWithMicrosoftSellers === true &&
    (referral.details?.requirements?.solutions ?? []).length === 0
  ) {
    throw badRequest(
      'Solution ID is required: add at least one co-sell ready solution to share with Microsoft',
      ['$.details.requirements.solutions'],
    );
  }
  // create.statusPair
  if (referral.status != null) checkStatusPair(String(referral.status), referral.substatus ?? null);
  return referral;
}

/**
 * create.initialStatus: every published create example sent New/Pending and got Active/Accepted back
 * (2019-04, 2019-05), except 2019-02, which sent Closed/Won and kept it; "All the deals you have created
 * are in Accepted stage by default" (manage-co-sell-opportunities).
 */
export function initialStatus(referral: Referral): Pick<Referral, 'status' | 'substatus'> {
  if (referral.status == null || referral.status === 'New')
    return { status: 'Active', substatus: 'Accepted' };
  return { status: referral.status, substatus: referral.substatus };
}

/** Top-level properties the service adds to a create response (create.responseShape, 2019-05 example). */
export const CREATE_RESPONSE_SERVER_KEYS = [
  'id',
  'engagementId',
  'organizationId',
  'organizationName',
  'externalReferenceId',
  'createdDateTime',
  'updatedDateTime',
  'expirationDateTime',
  'status',
  'substatus',
  'eTag',
  'links',
] as const;

/**
 * The create response (create.responseShape): what the caller sent plus the server's keys, as every
 * published response shows; `details.closingDateTime` is absent from all three published responses.
 * The stored referral keeps everything (GET returns `direction`, `acceptedDateTime`, the closing date).
 */
export function createResponse(stored: StoredReferral, sent: Referral): StoredReferral {
  const keep = new Set<string>([...Object.keys(sent), ...CREATE_RESPONSE_SERVER_KEYS]);
  const response = Object.fromEntries(Object.entries(stored).filter(([key]) => keep.has(key))) as Obj;
  if (isObject(response.details)) {
    const { closingDateTime: _closing, ...details } = response.details;
    response.details = details;
  }
  return response as StoredReferral;
}

function checkStatusPair(status: string, substatus: string | null): void {
  if (!(REFERRAL_STATUSES as readonly string[]).includes(status) || !(status in SUBSTATUSES_BY_STATUS)) {
    throw badRequest(`Invalid status ${status}`, ['$.status']);
  }
  const allowed = SUBSTATUSES_BY_STATUS[status as keyof typeof SUBSTATUSES_BY_STATUS] as readonly string[];
  if (substatus == null || !allowed.includes(substatus)) {
    throw badRequest(
      `Substatus ${substatus} is not allowed with status ${status} (allowed: ${allowed.join(', ')})`,
      ['$.substatus'],
    );
  }
}

/** patch.serverAssigned: values the service assigns (referral-resources describes them as its own). */
const READ_ONLY = [
  '/id',
  '/engagementId',
  '/organizationId',
  '/organizationName',
  '/eTag',
  '/createdDateTime',
  '/updatedDateTime',
  '/direction',
  '/links',
];

/**
 * PATCH /referrals/{id}: JSON Patch with replace/add only, documented status moves, closed is final
 * (rules `patch.*` in sources.ts). Returns the patched referral (not yet stamped with eTag/dates).
 * Throws SimulatorError 400/409.
 */
export function applyPatch(current: StoredReferral, operations: unknown): Referral {
  // patch.operations
  if (!Array.isArray(operations) || operations.length === 0) {
    throw badRequest('The request body must be a non-empty JSON Patch array');
  }
  operations.forEach((op: unknown, i) => {
    if (!isObject(op) || (op.op !== 'replace' && op.op !== 'add')) {
      throw badRequest(`Operation ${i}: only "replace" and "add" are supported`, [`$[${i}].op`]);
    }
    if (typeof op.path !== 'string' || !op.path.startsWith('/'))
      throw badRequest(`Operation ${i}: invalid path`, [`$[${i}].path`]);
    if (!('value' in op)) throw badRequest(`Operation ${i}: value is required`, [`$[${i}].value`]);
    // patch.serverAssigned
    if (READ_ONLY.some((p) => op.path === p || (op.path as string).startsWith(`${p}/`))) {
      throw badRequest(`Operation ${i}: ${op.path} is read-only`, [`$[${i}].path`]);
    }
  });
  // patch.closedIsFinal
  if (current.status === 'Closed') {
    throw conflict(`Referral ${current.id} is closed (${current.substatus}) and can no longer be updated`);
  }
  const document = structuredClone(current) as Obj;
  // The service binds to a typed model where every documented property exists (possibly null), so a
  // `replace` of an absent property succeeds there; RFC 6902 would refuse it. Treat it as `add`.
  const ops = (operations as Operation[]).map((op) =>
    op.op === 'replace' && isAbsentProperty(document, op.path) ? { ...op, op: 'add' as const } : op,
  );
  let next: Obj;
  try {
    next = applyJsonPatch(document, ops, true, false).newDocument;
  } catch (error) {
    throw badRequest(
      `Invalid JSON Patch: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
  // patch.numericDealValue: the PATCH sample sends dealValue as a string; responses carry a number.
  const details = next.details as Obj | undefined;
  if (details && typeof details.dealValue === 'string' && /^-?\d+(\.\d+)?$/.test(details.dealValue)) {
    details.dealValue = Number(details.dealValue);
  }
  const referral = parseShape(next);
  checkTransition(current, referral); // patch.transitions
  // patch.sharingIsFinal
  if (
    current.consent?.consentToShareReferralWithMicrosoftSellers === true &&
    referral.consent?.consentToShareReferralWithMicrosoftSellers === false
  ) {
    throw badRequest('A referral shared with Microsoft sellers cannot be made private again', [
      '$.consent.consentToShareReferralWithMicrosoftSellers',
    ]);
  }
  // patch.country
  if (
    referral.customerProfile?.address?.country != null &&
    !isIso2Country(referral.customerProfile.address.country)
  ) {
    throw badRequest('customerProfile.address.country must be a 2-letter ISO 3166 code', [
      '$.customerProfile.address.country',
    ]);
  }
  return referral;
}

/** The parent object exists but has no such key (array targets excluded). */
function isAbsentProperty(document: Obj, pointer: string): boolean {
  const keys = pointer
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = document;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(node) && !Array.isArray(node)) return false;
    node = (node as Obj)[key];
  }
  return isObject(node) && !(keys[keys.length - 1]! in node);
}

function checkTransition(current: StoredReferral, next: Referral): void {
  const from = String(current.status);
  const to = String(next.status);
  if (from === to && current.substatus === next.substatus) return;
  const moves = NEXT_STATUSES[from as keyof typeof NEXT_STATUSES] as readonly string[] | undefined;
  if (!moves || !moves.includes(to))
    throw badRequest(`Status cannot move from ${from} to ${to}`, ['$.status']);
  checkStatusPair(to, next.substatus ?? null);
}
