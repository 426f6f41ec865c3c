/**
 * Referral operations of the simulator — the partner's API calls and Microsoft's side of the deal —
 * over the state store, firing the webhook events Partner Center would fire.
 */
import { randomUUID } from 'node:crypto';
import type { Referral, ReferralMember, StoredReferral } from '../../../Domain';
import type { Clock } from '../../../Relay/ports';
import { badRequest, conflict, notFound, preconditionFailed } from './errors';
import { evaluate, parseFilter, parseOrderBy, parseTop, sortBy } from './odataQuery';
import { applyPatch, createResponse, initialStatus, validateCreate } from './rules';
import type { StateStore } from './state';
import type { WebhookEventSink } from './webhookDelivery';

export const MICROSOFT_ORG_ID = 'msft';
export const REFERRALS_PATH = '/v1.0/engagements/referrals';

export interface PartnerIdentity {
  organizationId: string;
  organizationName: string;
}

export interface ListQuery {
  filter?: string;
  orderby?: string;
  top?: string;
  skiptoken?: string;
}

export interface ListPage {
  items: StoredReferral[];
  total: number;
  /** Opaque token for the next page, when there is one. */
  skiptoken: string | null;
}

/** Real timestamps carry 7 fractional digits (`2020-10-30T21:03:00.0000000Z`). */
export const wireDate = (date: Date) => date.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
/** Cosmos-style quoted eTag: the JSON string itself contains quotes. */
const newETag = () => `"${randomUUID()}"`;

type Obj = Record<string, unknown>;
function deepMerge<T>(base: T, overrides: unknown): T {
  if (!overrides || typeof overrides !== 'object' || Array.isArray(overrides))
    return (overrides ?? base) as T;
  const out: Obj = { ...(base as Obj) };
  for (const [key, value] of Object.entries(overrides as Obj)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? deepMerge(current, value)
        : value;
  }
  return out as T;
}

export class ReferralService {
  constructor(
    private readonly store: StateStore,
    private readonly dispatcher: WebhookEventSink,
    private readonly clock: Clock,
    private readonly origin: () => string,
    private readonly partner: PartnerIdentity,
    private readonly pageSize: number,
  ) {}

  private now = () => wireDate(this.clock.now());

  private links(id: string, engagementId: string) {
    const base = `${this.origin()}${REFERRALS_PATH}`;
    return {
      relatedReferrals: { uri: `${base}?$filter=engagementId eq '${engagementId}'`, method: 'GET' },
      self: { uri: `${base}/${id}`, method: 'GET' },
    };
  }

  /** The documented webhook ResourceUri form (§5.2): `{baseURL}/engagements/v1/referrals/{id}`. */
  resourceUri(id: string): string {
    return `${this.origin()}/engagements/v1/referrals/${id}`;
  }

  /**
   * The event is stamped with when the change happened, the referral's updatedDateTime
   * ("ResourceChangeUtcDate: The date and time, in UTC format, when the resource change occurred":
   * https://learn.microsoft.com/partner-center/developer/partner-center-webhooks).
   */
  private fire(eventName: string, id: string): void {
    const updated = this.store.findReferral(id)?.updatedDateTime;
    this.dispatcher.enqueue({
      eventName,
      resourceName: 'referral',
      resourceUri: this.resourceUri(id),
      ...(updated ? { changedAt: updated } : {}),
    });
  }

  private stamp(referral: Referral, previous?: StoredReferral): StoredReferral {
    const now = this.now();
    const next = { ...referral, updatedDateTime: now, eTag: newETag() } as StoredReferral;
    if (previous && previous.status !== 'Active' && next.status === 'Active') next.acceptedDateTime = now;
    if (previous && previous.status !== 'Closed' && next.status === 'Closed') next.closedDateTime = now;
    return next;
  }

  get(id: string): StoredReferral {
    const referral = this.store.findReferral(id);
    if (!referral) throw notFound(`Referral ${id}`);
    return referral;
  }

  /**
   * POST by the partner (rules `create.*` in sources.ts): status per create.initialStatus, the
   * read-only dates the caller sent kept (create.readOnlyDatesEchoed), stored as Outgoing and accepted
   * now; the response has the published create response's shape (create.responseShape).
   */
  create(body: unknown): StoredReferral {
    const input = validateCreate(body);
    const id = randomUUID();
    // A connected referral (2020 two-step Shared creation) joins an existing engagement.
    const engagementId =
      input.engagementId && this.store.state.referrals.some((r) => r.engagementId === input.engagementId)
        ? input.engagementId
        : randomUUID();
    const now = this.now();
    const referral: StoredReferral = {
      ...input,
      id,
      engagementId,
      organizationId: this.partner.organizationId,
      organizationName: this.partner.organizationName,
      externalReferenceId: input.externalReferenceId ?? null,
      createdDateTime: input.createdDateTime ?? now,
      updatedDateTime: now,
      acceptedDateTime: now,
      expirationDateTime: input.expirationDateTime ?? null,
      ...initialStatus(input),
      direction: 'Outgoing',
      target: input.target ?? [],
      eTag: newETag(),
      links: this.links(id, engagementId),
    };
    this.store.putReferral(referral);
    this.fire('referral-created', id);
    return createResponse(referral, input);
  }

  /** PATCH by the partner. `ifMatch` undefined = no concurrency check (last writer wins, §1.4). */
  patch(id: string, operations: unknown, ifMatch: string | undefined): StoredReferral {
    const current = this.get(id);
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== current.eTag) throw preconditionFailed();
    const next = this.stamp(applyPatch(current, operations), current);
    this.store.putReferral(next);
    this.fire('referral-updated', id);
    return next;
  }

  list(query: ListQuery): ListPage {
    let offset = 0;
    let effective: ListQuery = query;
    if (query.skiptoken) {
      try {
        const token = JSON.parse(Buffer.from(query.skiptoken, 'base64url').toString()) as ListQuery & {
          offset: number;
        };
        effective = token;
        offset = token.offset;
      } catch {
        throw badRequest('Invalid $skiptoken');
      }
    }
    let items = this.store.state.referrals;
    if (effective.filter) {
      const node = parseFilter(effective.filter);
      items = items.filter((r) => evaluate(node, r));
    }
    items = sortBy(items, parseOrderBy(effective.orderby ?? 'createdDateTime asc'));
    if (effective.top) items = items.slice(0, parseTop(effective.top));
    const page = items.slice(offset, offset + this.pageSize);
    const more = offset + this.pageSize < items.length;
    const skiptoken = more
      ? Buffer.from(
          JSON.stringify({
            filter: effective.filter,
            orderby: effective.orderby,
            top: effective.top,
            offset: offset + this.pageSize,
          }),
        ).toString('base64url')
      : null;
    return { items: page, total: items.length, skiptoken };
  }

  // ------------------------------------------------------------ Microsoft's side (control API)

  /** A referral Microsoft sends to the partner: New/Pending, Incoming, invitedBy msft, expires in 14 days. */
  createIncoming(overrides: unknown): StoredReferral {
    const id = randomUUID();
    const engagementId = randomUUID();
    const now = this.clock.now();
    const base: StoredReferral = {
      id,
      engagementId,
      organizationId: this.partner.organizationId,
      organizationName: this.partner.organizationName,
      name: 'Fabrikam — Microsoft 365 deployment',
      externalReferenceId: null,
      createdDateTime: wireDate(now),
      updatedDateTime: wireDate(now),
      expirationDateTime: wireDate(new Date(now.getTime() + 14 * 24 * 3600_000)),
      status: 'New',
      substatus: 'Pending',
      qualification: 'SalesQualified',
      type: 'Shared',
      direction: 'Incoming',
      customerProfile: {
        name: 'Fabrikam Customer Inc',
        address: {
          addressLine1: 'One Microsoft Way',
          city: 'Redmond',
          state: 'WA',
          postalCode: '98052',
          country: 'US',
        },
        size: '51to250employees',
        team: [
          {
            firstName: 'Sue',
            lastName: 'Smith',
            phoneNumber: '1234567890',
            email: 'sue.smith@fabrikam.example',
          },
        ],
      },
      consent: {
        consentToToShareInfoWithOthers: true,
        consentToContact: true,
        consentToShareReferralWithMicrosoftSellers: true,
      },
      details: {
        notes:
          'We are interested in deploying Microsoft 365 and are looking for support in training our employees.',
        dealValue: 10000,
        currency: 'USD',
        closingDateTime: wireDate(new Date(now.getTime() + 90 * 24 * 3600_000)).replace(/T.*/, 'T00:00:00Z'),
        requirements: { solutions: [{ id: 'SOL-Microsoft365', name: 'Microsoft365', type: 'Name' }] },
      },
      team: [
        {
          firstName: 'John',
          lastName: 'Doe',
          phoneNumber: '1231231234',
          email: 'john.doe@microsoft.example',
        },
      ],
      inviteContext: {
        notes: 'Hi partner, hoping you can help this customer. Thanks, John @ Microsoft',
        invitedBy: { organizationId: MICROSOFT_ORG_ID, organizationName: 'Microsoft' },
      },
      target: [],
      eTag: newETag(),
      links: this.links(id, engagementId),
    };
    const referral = deepMerge(base, overrides);
    Object.assign(referral, { id, engagementId, eTag: base.eTag, links: base.links });
    this.store.putReferral(referral);
    this.fire('referral-created', id);
    return referral;
  }

  /**
   * A Microsoft seller engages on the partner's co-sell: Microsoft's related referral appears in the
   * same engagement and the partner's referral gets trackingInfo.microsoftMsxId.
   * Shape of Microsoft's referral: `organizationId: "msft"`, `organizationName: "Microsoft"` (the
   * published samples' Microsoft organization, partner-rest get-a-list-of-referrals / create-a-referral);
   * the Microsoft seller in `team` as in the published sample of a Microsoft-sent referral (same page);
   * the seller's note in `details.notes` of Microsoft's own referral (not documented: an assumption,
   * docs/microsoft-engagement.md); the CRM id in `trackingInfo.microsoftMsxId` (connector docs).
   */
  engage(
    id: string,
    options: { msxId?: string; seller?: Obj; notes?: string },
  ): { referral: StoredReferral; related: StoredReferral } {
    const current = this.get(id);
    if (current.status === 'Closed') throw conflict(`Referral ${id} is closed`);
    if (current.consent?.consentToShareReferralWithMicrosoftSellers !== true) {
      throw conflict(`Referral ${id} is not shared with Microsoft sellers`);
    }
    const msxId = options.msxId ?? `7-${randomUUID().slice(0, 10).toUpperCase()}`;
    const now = this.now();
    const relatedId = randomUUID();
    const engagementId = current.engagementId ?? randomUUID();
    const related: StoredReferral = {
      id: relatedId,
      engagementId,
      organizationId: MICROSOFT_ORG_ID,
      organizationName: 'Microsoft',
      name: current.name,
      createdDateTime: now,
      updatedDateTime: now,
      acceptedDateTime: now,
      status: 'Active',
      substatus: 'Accepted',
      qualification: 'SalesQualified',
      type: 'Shared',
      direction: 'Incoming',
      customerProfile: structuredClone(current.customerProfile),
      // Microsoft's copy of the deal; its notes are Microsoft's own, never the partner's text.
      details: { ...structuredClone(current.details), notes: options.notes ?? null },
      team: [
        (options.seller as ReferralMember | undefined) ?? {
          firstName: 'Mia',
          lastName: 'Seller',
          email: 'mia.seller@microsoft.example',
          phoneNumber: '4255550100',
        },
      ],
      target: [{ type: 'BusinessProfileLocation', id: this.partner.organizationId }],
      inviteContext: {
        invitedBy: { organizationId: current.organizationId, organizationName: current.organizationName },
      },
      trackingInfo: { microsoftMsxId: msxId },
      eTag: newETag(),
      links: this.links(relatedId, engagementId),
    };
    this.store.putReferral(related);
    const referral = this.stamp(
      { ...current, trackingInfo: { ...current.trackingInfo, microsoftMsxId: msxId } },
      current,
    );
    this.store.putReferral(referral);
    this.fire('related-referral-created', relatedId);
    this.fire('referral-updated', id);
    return { referral, related };
  }

  /**
   * A Microsoft seller edits deal value / close date / notes of a referral it can write, and — on
   * Microsoft's own referral — may close it (Won, Lost, Declined) with the documented status moves.
   */
  microsoftUpdate(
    id: string,
    changes: { dealValue?: number; closingDateTime?: string; notes?: string; substatus?: string },
  ): StoredReferral {
    const current = this.get(id);
    if (current.status === 'Closed') throw conflict(`Referral ${id} is closed`);
    const details = { ...current.details };
    if (changes.dealValue !== undefined) details.dealValue = Number(changes.dealValue);
    if (changes.closingDateTime !== undefined) details.closingDateTime = changes.closingDateTime;
    if (changes.notes !== undefined) details.notes = changes.notes;
    const next: StoredReferral = { ...current, details };
    if (changes.substatus !== undefined) {
      if (current.organizationId !== MICROSOFT_ORG_ID)
        throw badRequest("substatus: only Microsoft's own referral is closed by Microsoft", ['substatus']);
      if (!['Won', 'Lost', 'Declined'].includes(changes.substatus))
        throw badRequest('substatus must be Won, Lost or Declined', ['substatus']);
      Object.assign(next, { status: 'Closed', substatus: changes.substatus });
    }
    const referral = this.stamp(next, current);
    this.store.putReferral(referral);
    this.fire(
      current.organizationId === MICROSOFT_ORG_ID ? 'related-referral-updated' : 'referral-updated',
      id,
    );
    return referral;
  }

  // ------------------------------------------------------------ the partner in the Partner Center portal

  /**
   * A deal the partner creates in the Partner Center portal (not through our relay). Shaped like real
   * partner-created payloads: `inviteContext.invitedBy` is the partner itself, Active/Accepted with
   * `acceptedDateTime` = `createdDateTime` ("For outgoing referrals, it's same date as referral creation
   * datetime", referral-resources), `assistanceRequestCode: Unknown`, and — as captured from production —
   * `direction: Incoming`, `createdVia: null`. Fires `referral-created`.
   */
  createInPortal(overrides: unknown): StoredReferral {
    const id = randomUUID();
    const engagementId = randomUUID();
    const now = this.now();
    const base: StoredReferral = {
      id,
      engagementId,
      organizationId: this.partner.organizationId,
      organizationName: this.partner.organizationName,
      name: 'Contoso — Azure migration (portal)',
      externalReferenceId: null,
      createdDateTime: now,
      updatedDateTime: now,
      acceptedDateTime: now,
      expirationDateTime: null,
      status: 'Active',
      substatus: 'Accepted',
      qualification: 'SalesQualified',
      type: 'Independent',
      direction: 'Incoming',
      createdVia: null,
      customerProfile: {
        name: 'Northwind Traders',
        address: {
          addressLine1: '1 Main St',
          city: 'Seattle',
          state: 'WA',
          postalCode: '98101',
          country: 'US',
        },
        team: [
          {
            firstName: 'Nancy',
            lastName: 'Davolio',
            phoneNumber: '4255550123',
            email: 'nancy@northwind.example',
          },
        ],
      },
      consent: { consentToToShareInfoWithOthers: true, consentToContact: true },
      details: {
        notes: 'Created by the partner in Partner Center.',
        dealValue: 50000,
        currency: 'USD',
        closingDateTime: wireDate(new Date(this.clock.now().getTime() + 60 * 24 * 3600_000)).replace(
          /T.*/,
          'T00:00:00Z',
        ),
        requirements: { solutions: [{ id: 'SOL-Microsoft365', name: 'Microsoft365', type: 'Name' }] },
      },
      team: [{ firstName: 'Pat', lastName: 'Partner', email: 'pat@contoso-partner.example' }],
      inviteContext: {
        invitedBy: {
          organizationId: this.partner.organizationId,
          organizationName: this.partner.organizationName,
        },
        assistanceRequestCode: 'Unknown',
      },
      target: [],
      eTag: newETag(),
      links: this.links(id, engagementId),
    };
    const referral = deepMerge(base, overrides);
    Object.assign(referral, { id, engagementId, eTag: base.eTag, links: base.links });
    this.store.putReferral(referral);
    this.fire('referral-created', id);
    return referral;
  }

  /**
   * The partner changes a referral in the portal: accepts or declines an incoming one, marks a deal
   * Won or Lost with a reason, or edits its solutions. The same rules as an API PATCH apply (status
   * moves, closed is terminal); fires `referral-updated`.
   */
  portalUpdate(
    id: string,
    changes: { status?: string; substatus?: string; statusReason?: string; solutions?: unknown[] },
  ): StoredReferral {
    const current = this.get(id);
    const operations: Array<{ op: 'replace'; path: string; value: unknown }> = [];
    if (changes.status !== undefined)
      operations.push({ op: 'replace', path: '/status', value: changes.status });
    if (changes.substatus !== undefined)
      operations.push({ op: 'replace', path: '/substatus', value: changes.substatus });
    if (changes.statusReason !== undefined)
      operations.push({ op: 'replace', path: '/statusReason', value: changes.statusReason });
    if (changes.solutions !== undefined) {
      const requirements = current.details?.requirements;
      operations.push(
        requirements
          ? { op: 'replace', path: '/details/requirements/solutions', value: changes.solutions }
          : { op: 'replace', path: '/details/requirements', value: { solutions: changes.solutions } },
      );
    }
    const next = this.stamp(applyPatch(current, operations), current);
    this.store.putReferral(next);
    this.fire('referral-updated', id);
    return next;
  }

  /** The 14-day response window passes: an unanswered (New) referral becomes Closed/Expired. */
  expire(id: string): StoredReferral {
    const current = this.get(id);
    if (current.status !== 'New')
      throw conflict(`Only unanswered (New) referrals expire; ${id} is ${current.status}`);
    const referral = this.stamp({ ...current, status: 'Closed', substatus: 'Expired' }, current);
    this.store.putReferral(referral);
    this.fire('referral-updated', id);
    return referral;
  }
}
