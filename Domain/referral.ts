/**
 * The Partner Center Referral resource (Referrals API v1.0), as it travels on the wire (camelCase).
 * Source: docs/reference/partner-center-api.md §3. Parsing is liberal (unknown properties are kept,
 * undocumented enum values are accepted as strings) and exact about types, so a bad payload is rejected
 * with the JSON path of the first wrong value.
 */
import * as z from 'zod/mini';
import { isGuid } from './ids';

/** Accept the documented values, and any other string: Microsoft adds values without notice. */
const openEnum = <const T extends readonly [string, ...string[]]>(_known: T) =>
  z.string() as unknown as z.ZodMiniType<T[number] | (string & {})>;

export const REFERRAL_STATUSES = ['None', 'Unknown', 'New', 'Active', 'Closed'] as const;
export const REFERRAL_SUBSTATUSES = [
  'None',
  'Pending',
  'Received',
  'Accepted',
  'Won',
  'Lost',
  'Declined',
  'Expired',
] as const;
export const REFERRAL_TYPES = ['Independent', 'Shared'] as const;
export const REFERRAL_QUALIFICATIONS = ['None', 'Direct', 'MarketingQualified', 'SalesQualified'] as const;
export const REFERRAL_DIRECTIONS = ['Incoming', 'Outgoing'] as const;
export const ASSISTANCE_REQUEST_CODES = [
  'Unknown',
  'GeneralOrOther',
  'CustomerTechnicalArchitecture',
  'ProofOfConceptOrDemo',
  'QuotesOrLicensing',
  'PostSalesCustomerSuccess',
  'WorkloadSpecificValueProposition',
] as const;
export const SALES_STAGES = ['Qualify', 'Develop', 'Propose', 'Close'] as const;
export const CUSTOMER_SIZES = [
  '1to50employees',
  '51to500employees',
  'Morethan500employees',
  '1to9employees',
  '10to50employees',
  '51to250employees',
  '251to1000employees',
  '1001to5000employees',
  '5001to10000employees',
  '10001to20000employees',
  'Morethan20000employees',
] as const;
export const TARGET_TYPES = ['None', 'BusinessProfileLocation', 'SolutionProfile'] as const;
export const SOLUTION_TYPES = ['None', 'Category', 'Name'] as const;
export const CUSTOMER_ID_PROFILE_TYPES = ['Duns', 'External'] as const;

export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
export type ReferralSubstatus = (typeof REFERRAL_SUBSTATUSES)[number];
export type ReferralType = (typeof REFERRAL_TYPES)[number];
export type AssistanceRequestCode = (typeof ASSISTANCE_REQUEST_CODES)[number];

/** Allowed status → substatus combinations (§3.4). */
export const SUBSTATUSES_BY_STATUS: Record<'New' | 'Active' | 'Closed', readonly ReferralSubstatus[]> = {
  New: ['Pending', 'Received'],
  Active: ['Accepted'],
  Closed: ['Won', 'Lost', 'Declined', 'Expired'],
};
/** Allowed status moves (§3.4); Closed is terminal. */
export const NEXT_STATUSES: Record<'New' | 'Active' | 'Closed', readonly ReferralStatus[]> = {
  New: ['New', 'Active', 'Closed'],
  Active: ['Active', 'Closed'],
  Closed: ['Closed'],
};

const isoDateTime = z
  .string()
  .check(
    z.regex(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$/,
      'expected an ISO 8601 date-time such as 2025-11-14T00:00:00Z',
    ),
  );
const optionalNullable = <T extends z.ZodMiniType>(schema: T) => z.optional(z.nullable(schema));

/** dealValue is a number in responses but a string in the PATCH sample: accept both, keep a number. */
const decimal = z.pipe(
  z.union([z.number(), z.string().check(z.regex(/^-?\d+(\.\d+)?$/, 'expected a number'))]),
  z.transform((v: number | string) => Number(v)),
);

export const MemberSchema = z.looseObject({
  firstName: optionalNullable(z.string()),
  lastName: optionalNullable(z.string()),
  phoneNumber: optionalNullable(z.string()),
  email: optionalNullable(z.string()),
  title: optionalNullable(z.string()),
  contactPreference: optionalNullable(
    z.looseObject({
      locale: optionalNullable(z.string()),
      disableNotifications: optionalNullable(z.boolean()),
    }),
  ),
});

export const AddressSchema = z.looseObject({
  addressLine1: optionalNullable(z.string()),
  addressLine2: optionalNullable(z.string()),
  city: optionalNullable(z.string()),
  state: optionalNullable(z.string()),
  postalCode: optionalNullable(z.string()),
  country: optionalNullable(z.string()),
  region: optionalNullable(z.string()),
});

export const CustomerProfileSchema = z.looseObject({
  id: optionalNullable(z.string()),
  name: optionalNullable(z.string()),
  address: optionalNullable(AddressSchema),
  size: optionalNullable(openEnum(CUSTOMER_SIZES)),
  team: optionalNullable(z.array(MemberSchema)),
  ids: optionalNullable(
    z.array(
      z.looseObject({ profileType: optionalNullable(openEnum(CUSTOMER_ID_PROFILE_TYPES)), id: z.string() }),
    ),
  ),
  isMatchingComplete: optionalNullable(z.boolean()),
});

export const ConsentSchema = z.looseObject({
  /** The doubled "To" is the real property name. */
  consentToToShareInfoWithOthers: optionalNullable(z.boolean()),
  consentToContact: optionalNullable(z.boolean()),
  consentToShareReferralWithMicrosoftSellers: optionalNullable(z.boolean()),
  consentToMicrosoftToContactSpecificPartners: optionalNullable(z.boolean()),
});

export const SolutionTagSchema = z.looseObject({
  id: z.string(),
  name: optionalNullable(z.string()),
  type: optionalNullable(openEnum(SOLUTION_TYPES)),
  solutionType: optionalNullable(z.string()),
  publisherName: optionalNullable(z.string()),
  price: optionalNullable(decimal),
  quantity: optionalNullable(z.number()),
  currency: optionalNullable(z.string()),
  closingDateTime: optionalNullable(isoDateTime),
});

const idTag = z.looseObject({ id: z.string() });

export const RequirementsSchema = z.looseObject({
  industries: optionalNullable(z.array(idTag)),
  products: optionalNullable(z.array(idTag)),
  services: optionalNullable(z.array(idTag)),
  solutions: optionalNullable(z.array(SolutionTagSchema)),
  offers: optionalNullable(z.array(z.unknown())),
  salesPlays: optionalNullable(z.array(z.unknown())),
  additionalRequirements: optionalNullable(
    z.looseObject({
      iot: optionalNullable(z.record(z.string(), z.unknown())),
      attributes: optionalNullable(z.array(z.looseObject({ type: z.string(), id: z.string() }))),
    }),
  ),
});

export const DetailsSchema = z.looseObject({
  notes: optionalNullable(z.string()),
  dealValue: optionalNullable(decimal),
  currency: optionalNullable(z.string()),
  closingDateTime: optionalNullable(isoDateTime),
  requirements: optionalNullable(RequirementsSchema),
  customerRequestedContact: optionalNullable(z.boolean()),
  customerAction: optionalNullable(z.string()),
  incentiveLevel: optionalNullable(z.string()),
});

export const InviteContextSchema = z.looseObject({
  notes: optionalNullable(z.string()),
  invitedBy: optionalNullable(
    z.looseObject({
      organizationId: optionalNullable(z.string()),
      organizationName: optionalNullable(z.string()),
    }),
  ),
  invitedMpnId: optionalNullable(z.string()),
  assistanceRequestCode: optionalNullable(openEnum(ASSISTANCE_REQUEST_CODES)),
});

export const TargetSchema = z.looseObject({
  id: optionalNullable(z.string()),
  type: optionalNullable(openEnum(TARGET_TYPES)),
});

const link = z.looseObject({ uri: z.string(), method: optionalNullable(z.string()) });

export const TrackingInfoSchema = z.looseObject({
  microsoftMsxId: optionalNullable(z.string()),
  microsoftUSFedOpportunityId: optionalNullable(z.string()),
  microsoftUSFedLeadId: optionalNullable(z.string()),
  migratedPSCDealId: optionalNullable(z.string()),
  migratedPSCPartnerDealId: optionalNullable(z.string()),
});

export const ReferralSchema = z.looseObject({
  id: optionalNullable(z.string()),
  engagementId: optionalNullable(z.string()),
  organizationId: optionalNullable(z.string()),
  organizationName: optionalNullable(z.string()),
  name: optionalNullable(z.string()),
  externalReferenceId: optionalNullable(z.string()),
  createdDateTime: optionalNullable(isoDateTime),
  updatedDateTime: optionalNullable(isoDateTime),
  expirationDateTime: optionalNullable(isoDateTime),
  acceptedDateTime: optionalNullable(isoDateTime),
  closedDateTime: optionalNullable(isoDateTime),
  status: optionalNullable(z.enum(REFERRAL_STATUSES)),
  substatus: optionalNullable(openEnum(REFERRAL_SUBSTATUSES)),
  statusReason: optionalNullable(z.string()),
  type: optionalNullable(z.enum(REFERRAL_TYPES)),
  qualification: optionalNullable(openEnum(REFERRAL_QUALIFICATIONS)),
  direction: optionalNullable(z.enum(REFERRAL_DIRECTIONS)),
  referralSource: optionalNullable(z.string()),
  callToAction: optionalNullable(z.string()),
  customerProfile: optionalNullable(CustomerProfileSchema),
  consent: optionalNullable(ConsentSchema),
  details: optionalNullable(DetailsSchema),
  team: optionalNullable(z.array(MemberSchema)),
  inviteContext: optionalNullable(InviteContextSchema),
  target: optionalNullable(z.array(TargetSchema)),
  eTag: optionalNullable(z.string()),
  links: optionalNullable(
    z.looseObject({ relatedReferrals: optionalNullable(link), self: optionalNullable(link) }),
  ),
  /** Documented as an enum, seen on the wire as "100" (percent): accept both. */
  salesStage: optionalNullable(z.union([z.string(), z.number()])),
  dealSensitivity: optionalNullable(z.string()),
  quality: optionalNullable(z.string()),
  isSpam: optionalNullable(z.boolean()),
  favorite: optionalNullable(z.boolean()),
  mpnId: optionalNullable(z.string()),
  campaignId: optionalNullable(z.string()),
  registrationStatus: optionalNullable(z.string()),
  registrations: optionalNullable(z.array(z.looseObject({}))),
  trackingInfo: optionalNullable(TrackingInfoSchema),
  tags: optionalNullable(z.array(z.unknown())),
});

export type Referral = z.infer<typeof ReferralSchema>;
export type ReferralMember = z.infer<typeof MemberSchema>;
export type SolutionTag = z.infer<typeof SolutionTagSchema>;

/** A referral as the Referrals API returns it: these are always present. */
export type StoredReferral = Referral & { id: string; eTag: string };

/** JSON Patch operation as the Referrals API accepts it: only `replace` and `add` (§1.4). */
export interface ReferralPatchOperation {
  op: 'replace' | 'add';
  path: string;
  value: unknown;
}

/** Webhook callback body (PascalCase, thin: no referral data). §5.3 */
export const WebhookEventSchema = z.looseObject({
  EventName: z.string(),
  ResourceUri: z.string(),
  ResourceName: z.string(),
  AuditUri: optionalNullable(z.string()),
  ResourceChangeUtcDate: z.string(),
});
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

export const REFERRAL_WEBHOOK_EVENTS = [
  'referral-created',
  'referral-updated',
  'related-referral-created',
  'related-referral-updated',
] as const;

export class ValidationError extends Error {
  constructor(
    /** JSON path of the first offending value, e.g. `$.details.dealValue`. */
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'ValidationError';
  }
}

/** `['details', 'dealValue']` → `$.details.dealValue`; array indexes as `[0]`. */
export const jsonPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    '$',
  );

/**
 * One wording for an issue whatever zod locale is loaded: zod/mini ships none ("Invalid input"), but
 * any module importing classic `zod` installs English messages for the whole process. Types and enum
 * values are described from the issue itself; our own custom messages (regex checks) are kept.
 */
export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      if (issue.message && !issue.message.startsWith('Invalid')) return issue.message;
      return `expected ${issue.format === 'regex' ? `text matching ${issue.pattern ?? 'the pattern'}` : issue.format}`;
    default:
      return issue.message || issue.code;
  }
}

/** Parse an inbound referral; throws ValidationError naming the exact path. */
export function parseReferral(input: unknown): Referral {
  const result = ReferralSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ValidationError(jsonPath(issue.path), describeIssue(issue));
}

/**
 * Referral id from a webhook ResourceUri: always the last path segment (hosts differ between docs),
 * and a referral id is a GUID (partner-center-api.md §2, `id`). Null when the segment is not one,
 * or is not even valid %-encoding: the id goes into a request URL, so nothing else passes.
 */
export function referralIdFromResourceUri(resourceUri: string): string | null {
  const path = resourceUri.split('?')[0]!.replace(/\/+$/, '');
  let segment: string;
  try {
    segment = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  } catch {
    return null;
  }
  return isGuid(segment) ? segment : null;
}
