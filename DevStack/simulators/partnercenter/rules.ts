/**
 * The rules Partner Center documents for referral writes (partner-center-api.md §1.4, §3.4, §3.5, §4.3),
 * enforced as Microsoft would — deliberately independent of Domain/rules.ts, so a bug there shows up
 * as a rejection here.
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

/** Shape check with the wire schema: wrong types are rejected with the JSON path. */
function parseShape(body: unknown): Referral {
  const result = ReferralSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw badRequest(`Invalid value at ${jsonPath(issue.path)}: ${issue.message}`, [jsonPath(issue.path)]);
  }
  return result.data;
}

export const isCoSell = (referral: Referral): boolean =>
  referral.consent?.consentToShareReferralWithMicrosoftSellers === true &&
  nonEmpty(referral.inviteContext?.assistanceRequestCode) &&
  referral.inviteContext?.assistanceRequestCode !== 'Unknown';

/** POST /referrals: the required blocks and co-sell prerequisites. Throws SimulatorError 400. */
export function validateCreate(body: unknown): Referral {
  if (!isObject(body)) throw badRequest('The request body must be a referral object');
  for (const block of ['customerProfile', 'consent', 'details'] as const) {
    if (!isObject(body[block])) throw badRequest(`${block} is required`, [`$.${block}`]);
  }
  if (!nonEmpty(body.type)) throw badRequest('type is required (Independent or Shared)', ['$.type']);
  const referral = parseShape(body);
  if (!nonEmpty(referral.name)) throw badRequest('name is required', ['$.name']);
  if (!nonEmpty(referral.customerProfile?.name)) {
    throw badRequest('customerProfile.name is required', ['$.customerProfile.name']);
  }
  const country = referral.customerProfile?.address?.country;
  if (!isIso2Country(country)) {
    throw badRequest(
      `customerProfile.address.country must be a 2-letter ISO 3166 code, got ${JSON.stringify(country ?? null)}`,
      ['$.customerProfile.address.country'],
    );
  }
  const code = referral.inviteContext?.assistanceRequestCode;
  if (code != null && !(ASSISTANCE_REQUEST_CODES as readonly string[]).includes(code)) {
    throw badRequest(`Unknown inviteContext.assistanceRequestCode ${code}`, [
      '$.inviteContext.assistanceRequestCode',
    ]);
  }
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
    if ((referral.details?.requirements?.solutions ?? []).length === 0) {
      throw badRequest(
        'Solution ID is required: add at least one co-sell ready solution to share with Microsoft',
        ['$.details.requirements.solutions'],
      );
    }
  }
  if (referral.status != null) checkStatusPair(String(referral.status), referral.substatus ?? null);
  return referral;
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

/** Paths a partner cannot write (server-owned). */
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
  '/type',
];

/**
 * PATCH /referrals/{id}: JSON Patch with replace/add only, status moves per §3.4, closed is immutable.
 * Returns the patched referral (not yet stamped with eTag/dates). Throws SimulatorError 400/409.
 */
export function applyPatch(current: StoredReferral, operations: unknown): Referral {
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
    if (READ_ONLY.some((p) => op.path === p || (op.path as string).startsWith(`${p}/`))) {
      throw badRequest(`Operation ${i}: ${op.path} is read-only`, [`$[${i}].path`]);
    }
  });
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
  // The PATCH sample sends dealValue as a string; responses carry a number.
  const details = next.details as Obj | undefined;
  if (details && typeof details.dealValue === 'string' && /^-?\d+(\.\d+)?$/.test(details.dealValue)) {
    details.dealValue = Number(details.dealValue);
  }
  const referral = parseShape(next);
  checkTransition(current, referral);
  if (
    current.consent?.consentToShareReferralWithMicrosoftSellers === true &&
    referral.consent?.consentToShareReferralWithMicrosoftSellers === false
  ) {
    throw badRequest('A referral shared with Microsoft sellers cannot be made private again', [
      '$.consent.consentToShareReferralWithMicrosoftSellers',
    ]);
  }
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
