/**
 * Webhook delivery as Partner Center does it (partner-center-api.md §5.3–5.5): a thin PascalCase body,
 * RSA-SHA256 signature in `Authorization: Signature …` (or `x-ms-signature` when the registration asks),
 * X-MS-Certificate-Url + X-MS-Signature-Algorithm, up to 10 attempts with backoff, no ordering promise.
 * Faults can drop, duplicate or reorder deliveries.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';
import type { Clock } from '../../../Relay/ports';
import type { WebhookSigner } from './certificates';
import type { DeliveryRecord, StateStore } from './state';

export interface DeliveryPolicy {
  /** Partner Center documents 10 attempts. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  timeoutMs: 10_000,
};

/** Counters: each delivery consumes one unit of each active fault. */
export interface DeliveryFaults {
  /** Silently lose the next n deliveries (recorded with status "dropped"). */
  drop: number;
  /** Send the next n deliveries `copies` times each. */
  duplicate: number;
  /** Deliveries of a duplicated event in all (default 2), like the Dataverse simulator's. */
  copies?: number;
  /** Hold the next n deliveries, then send them in reverse order. */
  reorder: number;
}

export interface WebhookEventInput {
  eventName: string;
  resourceName: string;
  resourceUri: string;
  correlationId?: string;
  /** When the change happened (the resource's updatedDateTime, ISO 8601); now when absent. */
  changedAt?: string;
}

/** `2018-02-17T00:05:39.5485487+00:00`: the documented callback date format (offset, 7 digits). */
export const callbackDate = (date: Date) => date.toISOString().replace(/\.(\d{3})Z$/, '.$10000+00:00');

/** What the services need of the dispatcher: somewhere to put the events they fire. */
export type WebhookEventSink = Pick<WebhookDispatcher, 'enqueue'>;

export class WebhookDispatcher {
  faults: DeliveryFaults = { drop: 0, duplicate: 0, reorder: 0 };
  private readonly held: DeliveryRecord[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly store: StateStore,
    private readonly signer: WebhookSigner,
    private readonly certificateUrl: () => string,
    private readonly clock: Clock,
    private readonly policy: DeliveryPolicy,
  ) {}

  /** Queue an event for the tenant's registration; null when nobody subscribed to it. */
  enqueue(event: WebhookEventInput): DeliveryRecord | null {
    const registration = this.store.state.registration;
    if (!registration || !registration.webhookEvents.includes(event.eventName)) return null;
    const body = JSON.stringify({
      EventName: event.eventName,
      ResourceUri: event.resourceUri,
      ResourceName: event.resourceName,
      AuditUri: null,
      ResourceChangeUtcDate: event.changedAt
        ? event.changedAt.replace(/Z$/i, '+00:00')
        : callbackDate(this.clock.now()),
    });
    const record: DeliveryRecord = {
      id: randomUUID(),
      eventName: event.eventName,
      resourceUri: event.resourceUri,
      body,
      callbackUrl: registration.webhookUrl,
      correlationId: event.correlationId,
      status: 'pending',
      attempts: [],
      createdDateTime: this.clock.now().toISOString(),
    };
    this.store.state.deliveries.push(record);

    if (this.faults.drop > 0) {
      this.faults.drop--;
      record.status = 'dropped';
      this.store.save();
      return record;
    }
    if (this.faults.duplicate > 0) {
      this.faults.duplicate--;
      for (let n = 1; n < (this.faults.copies ?? 2); n++) {
        const copy: DeliveryRecord = { ...record, id: randomUUID(), copyOf: record.id, attempts: [] };
        this.store.state.deliveries.push(copy);
        this.start(copy);
      }
    }
    if (this.faults.reorder > 0) {
      this.faults.reorder--;
      record.status = 'held';
      this.held.push(record);
      if (this.faults.reorder === 0) this.release();
    } else {
      this.start(record);
    }
    this.store.save();
    return record;
  }

  /** Send held (reordered) deliveries now, newest first. */
  release(): number {
    const batch = this.held.splice(0).reverse();
    for (const record of batch) {
      record.status = 'pending';
      this.start(record);
    }
    return batch.length;
  }

  /** Resolves when no delivery is in flight or waiting for a retry. */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    this.abort.abort();
  }

  private start(record: DeliveryRecord): void {
    const task = this.deliver(record).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private async deliver(record: DeliveryRecord): Promise<void> {
    const bytes = Buffer.from(record.body, 'utf8');
    const signature = `Signature ${this.signer.sign(bytes)}`;
    const toMsSignature = this.store.state.registration?.signatureTokenToMsSignatureHeader === true;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-ms-certificate-url': this.certificateUrl(),
      'x-ms-signature-algorithm': 'rsa-sha256',
      [toMsSignature ? 'x-ms-signature' : 'authorization']: signature,
    };
    for (let attempt = 0; attempt < this.policy.maxAttempts; attempt++) {
      if (this.abort.signal.aborted) return;
      const result = await this.post(record.callbackUrl, headers, bytes);
      record.attempts.push({ ...result, dateTimeUtc: this.clock.now().toISOString() });
      if (result.responseCode !== null && result.responseCode >= 200 && result.responseCode < 300) {
        record.status = 'delivered';
        this.store.save();
        return;
      }
      this.store.save();
      if (attempt + 1 < this.policy.maxAttempts) {
        const wait = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** attempt);
        try {
          await delay(wait, undefined, { signal: this.abort.signal });
        } catch {
          return; // simulator closed
        }
      }
    }
    // After the last attempt Partner Center parks the event in an offline queue; it is never re-sent.
    record.status = 'failed';
    this.store.save();
  }

  private async post(
    url: string,
    headers: Record<string, string>,
    body: Buffer,
  ): Promise<{ responseCode: number | null; responseMessage?: string; systemError?: string }> {
    try {
      const res = await request(url, {
        method: 'POST',
        headers,
        body,
        headersTimeout: this.policy.timeoutMs,
        bodyTimeout: this.policy.timeoutMs,
        signal: this.abort.signal,
      });
      const text = await res.body.text();
      return { responseCode: res.statusCode, responseMessage: text.slice(0, 500) };
    } catch (error) {
      return { responseCode: null, systemError: error instanceof Error ? error.message : String(error) };
    }
  }
}
