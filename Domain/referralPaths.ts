/**
 * The referral paths a field map entry may name, with what the mapper knows about each: the kind of
 * value (drives the Dataverse encoding), whether Partner Center lets us change it after creation
 * (drives JSON Patch), and, for relay-owned facts, the only direction that makes sense.
 * Source: docs/reference/partner-center-api.md §3.1, §3.2, §3.4 ("only a subset of fields is editable").
 */
import type { ReferralAttributeCategory } from './constants';
import type { FieldDirection } from './fieldMap';

/** `catalogue`: a lookup to the Referral Attributes catalogue whose row's code is the referral value. */
export type ReferralValueKind = 'text' | 'decimal' | 'dateTime' | 'boolean' | 'code' | 'rows' | 'catalogue';

export interface ReferralPathInfo {
  kind: ReferralValueKind;
  /** Partner Center accepts a PATCH of this value after creation. */
  editable: boolean;
  /** Server-set facts (toDataverse) or our own key (toPartnerCenter): any other direction is an error. */
  onlyDirection?: FieldDirection;
  /** For `catalogue` paths: the catalogue category its values come from. */
  category?: ReferralAttributeCategory;
}

const text = (editable = false): ReferralPathInfo => ({ kind: 'text', editable });
const serverSet: ReferralPathInfo = { kind: 'text', editable: false, onlyDirection: 'toDataverse' };

/** The collection path mapped to `pcs_microsoftsolution` rows. */
export const SOLUTIONS_PATH = 'details.requirements.solutions[]';
/** Customer contact fields live in `customerProfile.team[0]` (the opportunity's customer contact). */
export const CUSTOMER_CONTACT_PREFIX = 'customerProfile.team[0].';

/**
 * Where the current referral fields travel. The published create example sends the marketplace intent
 * as `details.requirements.additionalRequirements.attributes[{ "type": "CustomerMarketplaceIntent", "id": … }]`
 * although the resource table lists it top-level; solution area, play and partner role are most likely
 * attributes too (unconfirmed, docs/partner-center-fields.md). Both spellings are paths a field map may
 * name, so a customizer can move them without a release.
 */
export const ATTRIBUTES_PATH = 'details.requirements.additionalRequirements.attributes';
export const attributePath = (type: string): string => `${ATTRIBUTES_PATH}[type=${type}].id`;
export const ReferralFieldPaths = {
  solutionArea: attributePath('SolutionArea'),
  solutionPlay: attributePath('SolutionPlay'),
  partnerRole: attributePath('PartnerRole'),
  marketplaceIntent: attributePath('CustomerMarketplaceIntent'),
} as const;
/** The same fields as top-level properties, as the resource table lists them (an alternative a map may use). */
export const ReferralFieldTopLevelPaths = {
  solutionArea: 'solutionArea',
  solutionPlay: 'solutionPlay',
  partnerRole: 'partnerRole',
  marketplaceIntent: 'customerMarketplaceIntent',
} as const;
const catalogue = (category: ReferralAttributeCategory): ReferralPathInfo => ({
  kind: 'catalogue',
  editable: true,
  category,
});

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
  // Not in the UI's list of fields editable after creation; sent anyway when they change, so a deal
  // made co-sell later can carry them (a refusal shows as a sync error).
  [ReferralFieldPaths.solutionArea]: catalogue('solutionArea'),
  [ReferralFieldPaths.solutionPlay]: catalogue('solutionPlay'),
  [ReferralFieldPaths.partnerRole]: catalogue('partnerRole'),
  [ReferralFieldPaths.marketplaceIntent]: { kind: 'code', editable: true },
  [ReferralFieldTopLevelPaths.solutionArea]: catalogue('solutionArea'),
  [ReferralFieldTopLevelPaths.solutionPlay]: catalogue('solutionPlay'),
  [ReferralFieldTopLevelPaths.partnerRole]: catalogue('partnerRole'),
  [ReferralFieldTopLevelPaths.marketplaceIntent]: { kind: 'code', editable: true },
};

export const isKnownReferralPath = (path: string): boolean =>
  Object.prototype.hasOwnProperty.call(REFERRAL_PATHS, path);

/** `[type=SolutionArea]`: the array item whose `type` is `SolutionArea`. */
export interface ItemSelector {
  key: string;
  value: string;
}
export type PathSegment = string | number | ItemSelector;
const isSelector = (segment: PathSegment | undefined): segment is ItemSelector =>
  typeof segment === 'object' && segment !== null;

/**
 * `customerProfile.team[0].email` → `['customerProfile', 'team', 0, 'email']`;
 * `…attributes[type=SolutionArea].id` → `[…, 'attributes', { key: 'type', value: 'SolutionArea' }, 'id']`.
 */
export function pathSegments(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const part of path.replace(/\[\]$/, '').split('.')) {
    const index = /^([^[]+)\[(\d+)\]$/.exec(part);
    const selector = /^([^[]+)\[(\w+)=([^\]]+)\]$/.exec(part);
    if (index) segments.push(index[1]!, Number(index[2]));
    else if (selector) segments.push(selector[1]!, { key: selector[2]!, value: selector[3]! });
    else segments.push(part);
  }
  return segments;
}

/** Index of the item a selector picks in `items` (-1: none). */
export const selectedIndex = (items: unknown, selector: ItemSelector): number =>
  Array.isArray(items)
    ? items.findIndex(
        (item) =>
          item !== null &&
          typeof item === 'object' &&
          (item as Record<string, unknown>)[selector.key] === selector.value,
      )
    : -1;

/** Read a dotted referral path from any JSON value (undefined when a step is missing). */
export function getAtPath(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const key of pathSegments(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    if (isSelector(key)) {
      const i = selectedIndex(node, key);
      node = i < 0 ? undefined : (node as unknown[])[i];
    } else node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Write a dotted referral path, creating objects/arrays (and selected items) on the way. */
export function setAtPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const segments = pathSegments(path);
  let node: Record<string | number, unknown> = root;
  segments.forEach((segment, i) => {
    let key: string | number;
    if (isSelector(segment)) {
      const items = node as unknown as Record<string, unknown>[];
      const found = selectedIndex(items, segment);
      key = found < 0 ? items.push({ [segment.key]: segment.value }) - 1 : found;
    } else key = segment;
    if (i === segments.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === null || typeof next !== 'object') {
      const following = segments[i + 1];
      node[key] = typeof following === 'number' || isSelector(following) ? [] : {};
    }
    node = node[key] as Record<string | number, unknown>;
  });
}
