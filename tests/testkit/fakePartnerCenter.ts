/**
 * Partner Center behind the PartnerCenterApi port, in process: the Partner Center simulator's own
 * referral and webhook-registration services (create rules, JSON Patch rules, eTags and 412, list
 * filters, Microsoft's side of a deal) without HTTP, so unit tests get the simulator's faithful
 * behaviour and its errors as the client would raise them (ApiError with the status). Events the
 * service would deliver are recorded in `events` instead of being sent. Faults: `failNext(operation,
 * status)`.
 */
import { randomUUID } from 'node:crypto';
import type { StoredReferral } from '../../Domain/referral';
import { filterText, orderByText, where } from '../../Domain/odataQuery';
import { ApiError } from '../../Relay/ports';
import type {
  CallOptions,
  Clock,
  PartnerCenterApi,
  ReferralListQuery,
  ValidationEventStatus,
  WebhookRegistration,
} from '../../Relay/ports';
import { SimulatorError } from '../../DevStack/simulators/partnercenter/errors';
import { ReferralService, wireDate } from '../../DevStack/simulators/partnercenter/referralService';
import { StateStore } from '../../DevStack/simulators/partnercenter/state';
import type { DeliveryRecord } from '../../DevStack/simulators/partnercenter/state';
import type { WebhookEventInput } from '../../DevStack/simulators/partnercenter/webhookDelivery';
import {
  SUPPORTED_EVENTS,
  WebhookRegistrationService,
} from '../../DevStack/simulators/partnercenter/webhookRegistration';

export type PartnerCenterOperation = keyof PartnerCenterApi;

export interface PartnerCenterCall {
  operation: PartnerCenterOperation;
  /** Referral id, external reference id or correlation id the call names. */
  id?: string;
  /** Create body or patch operations, as sent. */
  body?: unknown;
  options?: CallOptions;
}

const ORIGIN = 'https://api.partner.microsoft.com';
/** The partner the simulator plays by default. */
export const PARTNER = {
  organizationId: '7d23e5ca-19dc-4eaa-aac8-5e6b559f0d1d',
  organizationName: 'Contoso Partner (simulated)',
};

export class FakePartnerCenter implements PartnerCenterApi {
  private readonly state = new StateStore(undefined, true);
  private readonly faults: Array<{ operation: PartnerCenterOperation; error: Error }> = [];
  /** Webhook events Partner Center would have delivered, in order. */
  readonly events: WebhookEventInput[] = [];
  readonly calls: PartnerCenterCall[] = [];
  /** The simulator's referral service: Microsoft's side (`createIncoming`, `engage`, `microsoftUpdate`, `expire`). */
  readonly referrals: ReferralService;
  private readonly registrations: WebhookRegistrationService;

  constructor(
    private readonly clock: Clock = { now: () => new Date() },
    pageSize = 100,
  ) {
    const dispatcher = {
      enqueue: (event: WebhookEventInput): DeliveryRecord | null => {
        this.events.push(event);
        if (!event.correlationId) return null;
        // A validation event counts as delivered at once (getValidationEvent reports it).
        const delivery: DeliveryRecord = {
          id: event.correlationId,
          eventName: event.eventName,
          resourceUri: event.resourceUri,
          body: '',
          callbackUrl: this.state.state.registration?.webhookUrl ?? '',
          correlationId: event.correlationId,
          status: 'delivered',
          attempts: [{ responseCode: 202, dateTimeUtc: clock.now().toISOString() }],
          createdDateTime: clock.now().toISOString(),
        };
        this.state.state.deliveries.push(delivery);
        return delivery;
      },
    };
    this.referrals = new ReferralService(this.state, dispatcher, clock, () => ORIGIN, PARTNER, pageSize);
    this.registrations = new WebhookRegistrationService(
      this.state,
      dispatcher,
      clock,
      () => ORIGIN,
      PARTNER.organizationId,
    );
  }

  /** The next call of `operation` fails with this status (an ApiError) or error. */
  failNext(operation: PartnerCenterOperation, failure: number | Error, message = 'injected fault'): void {
    const error =
      typeof failure === 'number'
        ? this.apiError(operation, new SimulatorError(failure, 0, message))
        : failure;
    this.faults.push({ operation, error });
  }

  /**
   * Microsoft sends the partner exactly this referral content (a documentation sample, say): stored
   * with the id, engagement, eTag and timestamps Partner Center assigns, and announced as created.
   */
  receive(content: Record<string, unknown>): StoredReferral {
    const now = wireDate(this.clock.now());
    const referral = {
      ...structuredClone(content),
      id: randomUUID(),
      engagementId: randomUUID(),
      organizationId: PARTNER.organizationId,
      organizationName: PARTNER.organizationName,
      createdDateTime: now,
      updatedDateTime: now,
      eTag: `"${randomUUID()}"`,
    } as StoredReferral;
    this.state.putReferral(referral);
    this.events.push({
      eventName: 'referral-created',
      resourceName: 'referral',
      resourceUri: this.referrals.resourceUri(referral.id),
    });
    return structuredClone(referral);
  }

  /** A referral as Partner Center has it now (for assertions). */
  referral(id: string): StoredReferral {
    return structuredClone(this.referrals.get(id));
  }

  callsOf(operation: PartnerCenterOperation): PartnerCenterCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  private apiError(operation: string, error: SimulatorError): ApiError {
    return new ApiError(`partnercenter: ${operation} → ${error.status}: ${error.message}`, {
      service: 'partnercenter',
      status: error.status,
      method: operation,
      url: operation,
      code: String(error.code),
      cause: error.body,
    });
  }

  /** Runs one call the way the client would report it: simulator errors become ApiErrors. */
  private call<T>(
    operation: PartnerCenterOperation,
    id: string | undefined,
    options: CallOptions | undefined,
    run: () => T,
    body?: unknown,
  ): T {
    this.calls.push({ operation, id, options, body: structuredClone(body) });
    const i = this.faults.findIndex((f) => f.operation === operation);
    if (i >= 0) throw this.faults.splice(i, 1)[0]!.error;
    try {
      return structuredClone(run());
    } catch (error) {
      throw error instanceof SimulatorError ? this.apiError(operation, error) : error;
    }
  }

  async createReferral(body: Parameters<PartnerCenterApi['createReferral']>[0], options?: CallOptions) {
    const create = () => this.referrals.create(structuredClone(body));
    return this.call('createReferral', undefined, options, create, body);
  }

  async getReferral(id: string, options?: CallOptions) {
    return this.call('getReferral', id, options, () => this.referrals.get(id));
  }

  async listReferrals(query: ReferralListQuery, options?: CallOptions) {
    return this.call('listReferrals', undefined, options, () => {
      const items: StoredReferral[] = [];
      for (let page = this.page(query, null); ; page = this.page(query, page.skiptoken)) {
        items.push(...page.items);
        if (query.top !== undefined && items.length >= query.top) return items.slice(0, query.top);
        if (!page.skiptoken) return items;
      }
    });
  }

  /** `next` is the simulator's $skiptoken (the part of its nextLink that matters). */
  async listReferralPage(query: ReferralListQuery, next?: string | null, options?: CallOptions) {
    return this.call('listReferralPage', undefined, options, () => {
      const page = this.page(query, next ?? null);
      return { items: page.items, next: page.skiptoken };
    });
  }

  private page(query: ReferralListQuery, skiptoken: string | null) {
    return this.referrals.list({
      filter: query.filter && filterText(query.filter),
      orderby: query.orderBy && orderByText(query.orderBy),
      top: query.top === undefined ? undefined : String(query.top),
      skiptoken: skiptoken ?? undefined,
    });
  }

  async findByExternalReferenceId(externalReferenceId: string, options?: CallOptions) {
    return this.call('findByExternalReferenceId', externalReferenceId, options, () => {
      const filter = filterText(where.eq('externalReferenceId', externalReferenceId));
      return this.referrals.list({ filter, orderby: 'createdDateTime asc' }).items[0] ?? null;
    });
  }

  async patchReferral(
    id: string,
    operations: Parameters<PartnerCenterApi['patchReferral']>[1],
    options?: CallOptions & { ifMatch?: string },
  ) {
    const patch = () => this.referrals.patch(id, structuredClone(operations), options?.ifMatch);
    return this.call('patchReferral', id, options, patch, operations);
  }

  async getWebhookRegistration(options?: CallOptions): Promise<WebhookRegistration | null> {
    return this.call('getWebhookRegistration', undefined, options, () => {
      const r = this.state.state.registration;
      return r && { subscriberId: r.subscriberId, webhookUrl: r.webhookUrl, webhookEvents: r.webhookEvents };
    });
  }

  async putWebhookRegistration(registration: WebhookRegistration, options?: CallOptions) {
    return this.call('putWebhookRegistration', undefined, options, () => {
      const r = this.registrations.put(registration);
      return { subscriberId: r.subscriberId, webhookUrl: r.webhookUrl, webhookEvents: r.webhookEvents };
    });
  }

  async listWebhookEvents(options?: CallOptions) {
    return this.call('listWebhookEvents', undefined, options, () => [...SUPPORTED_EVENTS]);
  }

  async sendValidationEvent(options?: CallOptions) {
    return this.call('sendValidationEvent', undefined, options, () =>
      this.registrations.sendValidationEvent(),
    );
  }

  async getValidationEvent(correlationId: string, options?: CallOptions): Promise<ValidationEventStatus> {
    return this.call('getValidationEvent', correlationId, options, () =>
      this.registrations.validationStatus(correlationId),
    );
  }
}
