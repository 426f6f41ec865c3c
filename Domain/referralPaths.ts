/**
 * The referral paths a field map entry may name, with what the mapper knows about each: the kind of
 * value (drives the Dataverse encoding), whether Partner Center lets us change it after creation
 * (drives JSON Patch), and, for relay-owned facts, the only direction that makes sense.
 * Source: docs/reference/partner-center-api.md §3.1, §3.2, §3.4 ("only a subset of fields is editable").
 */
import type { FieldDirection } from './fieldMap';

export type ReferralValueKind = 'text' | 'decimal' | 'dateTime' | 'boolean' | 'code' | 'rows';

export interface ReferralPathInfo {
  kind: ReferralValueKind;
  /** Partner Center accepts a PATCH of this value after creation. */
  editable: boolean;
  /** Server-set facts (toDataverse) or our own key (toPartnerCenter): any other direction is an error. */
  onlyDirection?: FieldDirection;
}

const text = (editable = false): ReferralPathInfo => ({ kind: 'text', editable });
const serverSet: ReferralPathInfo = { kind: 'text', editable: false, onlyDirection: 'toDataverse' };

/** The collection path mapped to `pcs_microsoftsolution` rows. */
export const SOLUTIONS_PATH = 'details.requirements.solutions[]';
/** Customer contact fields live in `customerProfile.team[0]` (the opportunity's customer contact). */
export const CUSTOMER_CONTACT_PREFIX = 'customerProfile.team[0].';

export const REFERRAL_PATHS: Readonly<Record<string, ReferralPathInfo>> = {
  name: text(true),
  'details.dealValue': { kind: 'decimal', editable: true },
  'details.currency': text(true),
  'details.closingDateTime': { kind: 'dateTime', editable: true },
  'details.notes': text(true),
  'customerProfile.name': text(),
  'customerProfile.address.addressLine1': text(),
  'customerProfile.address.addressLine2': text(),
  'customerProfile.address.city': text(),
  'customerProfile.address.state': text(),
  'customerProfile.address.postalCode': text(),
  'customerProfile.address.country': text(),
  'customerProfile.address.region': text(),
  'customerProfile.size': { kind: 'code', editable: false },
  // The customer team is editable as a whole array (§3.4 "team").
  'customerProfile.team[0].firstName': text(true),
  'customerProfile.team[0].lastName': text(true),
  'customerProfile.team[0].email': text(true),
  'customerProfile.team[0].phoneNumber': text(true),
  'customerProfile.team[0].title': text(true),
  'consent.consentToShareReferralWithMicrosoftSellers': { kind: 'boolean', editable: true },
  'inviteContext.assistanceRequestCode': { kind: 'code', editable: true },
  'inviteContext.notes': text(),
  [SOLUTIONS_PATH]: { kind: 'rows', editable: true },
  status: { kind: 'code', editable: false, onlyDirection: 'toDataverse' },
  substatus: { kind: 'code', editable: false, onlyDirection: 'toDataverse' },
  statusReason: serverSet,
  'trackingInfo.microsoftMsxId': serverSet,
  engagementId: serverSet,
  id: serverSet,
  externalReferenceId: { kind: 'text', editable: false, onlyDirection: 'toPartnerCenter' },
};

export const isKnownReferralPath = (path: string): boolean =>
  Object.prototype.hasOwnProperty.call(REFERRAL_PATHS, path);

/** `customerProfile.team[0].email` → `['customerProfile', 'team', 0, 'email']`. */
export function pathSegments(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const part of path.replace(/\[\]$/, '').split('.')) {
    const match = /^([^[]+)\[(\d+)\]$/.exec(part);
    if (match) segments.push(match[1]!, Number(match[2]));
    else segments.push(part);
  }
  return segments;
}

/** Read a dotted referral path from any JSON value (undefined when a step is missing). */
export function getAtPath(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const key of pathSegments(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Write a dotted referral path, creating objects/arrays on the way. */
export function setAtPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const segments = pathSegments(path);
  let node: Record<string | number, unknown> = root;
  segments.forEach((key, i) => {
    if (i === segments.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = typeof segments[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
}
