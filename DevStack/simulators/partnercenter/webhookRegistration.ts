/**
 * The webhook registration API (partner-center-api.md §5.1): one registration per tenant (the last
 * write wins), the events list, and `test-created` validation events (max 2 per minute).
 */
import { randomUUID } from 'node:crypto';
import { REFERRAL_WEBHOOK_EVENTS } from '../../../Domain';
import type { Clock } from '../../../Relay/ports';
import { SimulatorError, badRequest, notFound } from './errors';
import type { StateStore, StoredRegistration } from './state';
import type { WebhookEventSink } from './webhookDelivery';

export const SUPPORTED_EVENTS = [
  ...REFERRAL_WEBHOOK_EVENTS,
  'test-created',
  'subscription-updated',
  'invoice-ready',
  'customer-created',
];

const VALIDATION_LIMIT = 2;
const VALIDATION_WINDOW_MS = 60_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

type Obj = Record<string, unknown>;
/** Requests may use either casing: docs samples are PascalCase, the swagger model camelCase. */
const pick = (body: Obj, name: string): unknown => body[name] ?? body[name[0]!.toUpperCase() + name.slice(1)];

/** The documented response shape (PascalCase, as in the docs sample). */
export const registrationBody = (r: StoredRegistration) => ({
  SubscriberId: r.subscriberId,
  WebhookUrl: r.webhookUrl,
  WebhookEvents: r.webhookEvents,
  SignatureTokenToMsSignatureHeader: r.signatureTokenToMsSignatureHeader,
  LastModifiedTimestamp: r.lastModifiedTimestamp,
});

export class WebhookRegistrationService {
  constructor(
    private readonly store: StateStore,
    private readonly dispatcher: WebhookEventSink,
    private readonly clock: Clock,
    private readonly origin: () => string,
    private readonly partnerId: string,
  ) {}

  get(): StoredRegistration {
    const registration = this.store.state.registration;
    if (!registration) throw notFound('Webhook registration');
    return registration;
  }

  /** POST and PUT: full replace of the tenant's single registration. */
  put(body: unknown): StoredRegistration {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('Body must be a registration object');
    const webhookUrl = pick(body as Obj, 'webhookUrl');
    const events = pick(body as Obj, 'webhookEvents');
    const toMsSignature = pick(body as Obj, 'signatureTokenToMsSignatureHeader');
    let url: URL;
    try {
      url = new URL(String(webhookUrl));
    } catch {
      throw badRequest('WebhookUrl must be an absolute URL', ['WebhookUrl']);
    }
    // The real service needs a public https endpoint; plain http is accepted for loopback (sandbox) only.
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
      throw badRequest('WebhookUrl must use https', ['WebhookUrl']);
    }
    if (!Array.isArray(events) || events.length === 0 || !events.every((e) => typeof e === 'string')) {
      throw badRequest('WebhookEvents must be a non-empty array of event names', ['WebhookEvents']);
    }
    const unknown = events.filter((e) => !SUPPORTED_EVENTS.includes(e));
    if (unknown.length > 0) throw badRequest(`Unsupported webhook events: ${unknown.join(', ')}`, unknown);
    if (toMsSignature !== undefined && toMsSignature !== null && typeof toMsSignature !== 'boolean') {
      throw badRequest('SignatureTokenToMsSignatureHeader must be a boolean');
    }
    const registration: StoredRegistration = {
      subscriberId: this.store.state.registration?.subscriberId ?? this.partnerId,
      webhookUrl: url.toString(),
      webhookEvents: [...new Set(events as string[])],
      signatureTokenToMsSignatureHeader: toMsSignature === true,
      lastModifiedTimestamp: this.clock.now().toISOString(),
    };
    this.store.state.registration = registration;
    this.store.save();
    return registration;
  }

  sendValidationEvent(): { correlationId: string } {
    const registration = this.get();
    if (!registration.webhookEvents.includes('test-created')) {
      throw badRequest('Register the test-created event before requesting a validation event');
    }
    const now = this.clock.now().getTime();
    const recent = this.store.state.validationRequests.filter(
      (t) => now - Date.parse(t) < VALIDATION_WINDOW_MS,
    );
    if (recent.length >= VALIDATION_LIMIT) {
      const retryAfter = Math.ceil((Date.parse(recent[0]!) + VALIDATION_WINDOW_MS - now) / 1000);
      throw new SimulatorError(
        429,
        42900,
        `Rate limit is exceeded. Try again in ${retryAfter} seconds.`,
        [],
        {
          'retry-after': String(retryAfter),
        },
      );
    }
    this.store.state.validationRequests = [...recent, new Date(now).toISOString()];
    const correlationId = randomUUID();
    this.dispatcher.enqueue({
      eventName: 'test-created',
      resourceName: 'test',
      resourceUri: `${this.origin()}/webhooks/v1/registration/validationEvents/${correlationId}`,
      correlationId,
    });
    this.store.save();
    return { correlationId };
  }

  validationStatus(correlationId: string) {
    const delivery = this.store.state.deliveries.find((d) => d.correlationId === correlationId && !d.copyOf);
    if (!delivery) throw notFound(`Validation event ${correlationId}`);
    const status =
      delivery.status === 'delivered'
        ? 'completed'
        : delivery.status === 'pending' || delivery.status === 'held'
          ? 'pending'
          : 'failed';
    return {
      correlationId,
      partnerId: this.partnerId,
      status,
      callbackUrl: delivery.callbackUrl,
      results: delivery.attempts,
    };
  }
}
