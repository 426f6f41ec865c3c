/**
 * The asynchronous service for webhook steps in mode 1: each delivery is a system job
 * (`asyncoperation` row) that is retried on failure, as Dataverse's async service does.
 *
 * What Microsoft documents, and is modelled as documented:
 * - an asynchronous step creates a system job that records success or failure (register-web-hook.md:
 *   https://learn.microsoft.com/power-apps/developer/data-platform/register-web-hook);
 * - one extra immediate attempt on 502/503/504, 60 s timeout (use-webhooks.md:
 *   https://learn.microsoft.com/power-apps/developer/data-platform/use-webhooks) — in ./webhookDelivery;
 * - a job waiting for a retry is statecode 1 Suspended / statuscode 10 Waiting with `postponeuntil`
 *   (https://learn.microsoft.com/power-apps/developer/data-platform/asynchronous-service);
 * - posts are retried "in exponentially larger and larger time spans until the asynchronous system job
 *   … is eventually aborted and its status is set to 'Failed'" (Service Bus wording,
 *   https://learn.microsoft.com/power-apps/developer/data-platform/azure-integration).
 * What is OUR ASSUMPTION (not documented for webhooks; configurable through AsyncRetryPolicy):
 * the numbers (1, 2, 4 … minutes, capped at 60, 10 attempts), retrying any non-2xx and network
 * error, Suspend (no postpone) on 401 per a 2009 CRM team blog, and the failure code 0x80044306.
 * See the simulator README for the sources.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../Relay/ports';
import type { DeliveryFaults } from './deliveryFaults';
import type { DeliveryRecord, EventMessage } from './events';
import { isLookupValue } from './store';
import type { RecordStore, Row } from './store';
import { deliverWebhook } from './webhookDelivery';
import type { WebhookEndpoint } from './webhookDelivery';

export interface AsyncRetryPolicy {
  /** Attempts (first run + retries) before the job is Failed. Ours: 10. */
  maxAttempts: number;
  /** Wait before retry n (1-based) = base·2^(n-1), capped at max. Ours: 1 minute … 60 minutes. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Real milliseconds waited per scheduled millisecond. `postponeuntil` always shows the modelled
   * schedule; tests pass 0 (or a tiny factor) so a retry runs at once without timed assertions.
   */
  timeScale: number;
  /** Per attempt; Dataverse's is 60 s. */
  timeoutMs: number;
}

export const DEFAULT_ASYNC_RETRY_POLICY: AsyncRetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 60_000,
  maxDelayMs: 60 * 60_000,
  timeScale: 1,
  timeoutMs: 60_000,
};

/** Wait before retry `retry` (1-based). */
export const retryDelayMs = (policy: AsyncRetryPolicy, retry: number): number =>
  Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));

/** asyncoperation statecode/statuscode pairs (asynchronous-service.md). */
export const SystemJobStatus = {
  ready: { statecode: 0, statuscode: 0 },
  waiting: { statecode: 1, statuscode: 10 },
  inProgress: { statecode: 2, statuscode: 20 },
  succeeded: { statecode: 3, statuscode: 30 },
  failed: { statecode: 3, statuscode: 31 },
  canceled: { statecode: 3, statuscode: 32 },
} as const;

/** 0x80044306 ("Retry"/"Suspend" rows of the 2009 CRM team blog), as the signed int Dataverse stores. */
export const ASYNC_POST_FAILED_CODE = 0x80044306 | 0;

export interface AsyncJobInput {
  message: EventMessage;
  entity: string;
  id: string;
  correlationId: string;
  step: { id: string; name: string; asyncAutoDelete: boolean };
  context: Record<string, unknown>;
  headers: Record<string, string>;
}

/** What a job keeps in asyncoperation.data so a retry (or a restarted simulator) can re-send it. */
interface StoredJob {
  deliveryId: string;
  copyOf?: string;
  message: EventMessage;
  entity: string;
  id: string;
  stepId: string;
  stepName: string;
  asyncAutoDelete: boolean;
  context: Record<string, unknown>;
  headers: Record<string, string>;
}

const ENTITY = 'asyncoperation';

export class AsyncService {
  private readonly inFlight = new Set<Promise<void>>();
  /** Jobs waiting for a retry (or a timed delay fault): their timers. */
  private readonly timers = new Map<
    string,
    { timer: NodeJS.Timeout; done: Promise<void>; fire: () => void; retry: boolean }
  >();
  /** Jobs held by the delay fault until released. */
  private readonly held: string[] = [];
  private readonly records = new Map<string, DeliveryRecord>();
  private closed = false;

  constructor(
    private readonly deps: {
      store: RecordStore;
      clock: Clock;
      faults: DeliveryFaults;
      policy: AsyncRetryPolicy;
      /** The delivery log shared with synchronous steps. */
      log: DeliveryRecord[];
    },
  ) {}

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private track(work: Promise<void>): void {
    const task = work.catch(() => undefined).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private newRecord(job: StoredJob, systemJobId: string | undefined): DeliveryRecord {
    const record: DeliveryRecord = {
      deliveryId: job.deliveryId,
      ...(job.copyOf ? { copyOf: job.copyOf } : {}),
      ...(systemJobId ? { systemJobId } : {}),
      ok: false,
      attempts: [],
      sizeExceeded: false,
      bytes: 0,
      stepId: job.stepId,
      stepName: job.stepName,
      message: job.message,
      entity: job.entity,
      id: job.id,
      mode: 'asynchronous',
      deliveredAt: this.now(),
      status: 'pending',
      retryCount: 0,
    };
    this.deps.log.push(record);
    if (systemJobId) this.records.set(systemJobId, record);
    return record;
  }

  /** Job rows are written through the store's transaction queue, never into a caller's transaction. */
  private async save(jobId: string, changes: Row): Promise<void> {
    await this.deps.store.transaction(async () => {
      const existing = this.deps.store.get(ENTITY, jobId);
      if (!existing && !('asyncoperationid' in changes)) return;
      this.deps.store.put(ENTITY, jobId, {
        ...existing,
        ...changes,
        modifiedon: this.now(),
        versionnumber: this.deps.store.nextVersion(),
      });
    });
  }

  /** After commit: one system job per delivery, unless a fault drops it. */
  submit(input: AsyncJobInput): void {
    if (this.closed) return;
    const fate = this.deps.faults.next();
    const base: StoredJob = {
      deliveryId: randomUUID(),
      message: input.message,
      entity: input.entity,
      id: input.id,
      stepId: input.step.id,
      stepName: input.step.name,
      asyncAutoDelete: input.step.asyncAutoDelete,
      context: input.context,
      headers: input.headers,
    };
    if (fate.drop) {
      this.newRecord(base, undefined).status = 'dropped';
      return;
    }
    for (let copy = 0; copy < fate.copies; copy++) {
      const job: StoredJob =
        copy === 0 ? base : { ...base, deliveryId: randomUUID(), copyOf: base.deliveryId };
      const jobId = randomUUID();
      const record = this.newRecord(job, jobId);
      const now = this.now();
      const created = this.save(jobId, {
        asyncoperationid: jobId,
        name: job.stepName,
        operationtype: 1,
        messagename: job.message,
        primaryentitytype: job.entity,
        correlationid: input.correlationId,
        depth: 1,
        retrycount: 0,
        owningextensionid: { id: job.stepId, logicalName: 'sdkmessageprocessingstep' },
        data: JSON.stringify(job),
        createdon: now,
        ...SystemJobStatus.ready,
      });
      if (!fate.delay) {
        this.track(created.then(() => this.attempt(jobId)));
      } else if (fate.delay.ms === null) {
        record.status = 'held';
        this.held.push(jobId);
        this.track(created);
      } else {
        record.status = 'held';
        this.track(created.then(() => this.wait(jobId, fate.delay!.ms!, false)));
      }
    }
  }

  /** Sends the jobs held by the delay fault now, newest first (so they arrive out of order). */
  release(): number {
    const batch = this.held.splice(0).reverse();
    for (const jobId of batch) this.track(this.attempt(jobId));
    return batch.length;
  }

  /** A Suspended job (e.g. after 401) runs again, like "Resume" on the system job. */
  async resume(jobId: string): Promise<boolean> {
    const row = this.deps.store.get(ENTITY, jobId);
    if (!row || row.statecode !== SystemJobStatus.waiting.statecode) return false;
    this.cancelTimer(jobId);
    this.track(this.attempt(jobId));
    return true;
  }

  private cancelTimer(jobId: string): void {
    const entry = this.timers.get(jobId);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.fire();
    this.timers.delete(jobId);
  }

  private wait(jobId: string, scheduledMs: number, retry: boolean): Promise<void> {
    let fire!: () => void;
    const done = new Promise<void>((resolve) => (fire = resolve));
    const timer = setTimeout(
      () => {
        this.timers.delete(jobId);
        this.track(this.attempt(jobId).finally(fire));
      },
      Math.max(0, Math.round(scheduledMs * (retry ? this.deps.policy.timeScale : 1))),
    );
    this.timers.set(jobId, { timer, done, fire, retry });
    return Promise.resolve();
  }

  private endpointOf(stepId: string): WebhookEndpoint | null {
    const { store } = this.deps;
    const step = store.get('sdkmessageprocessingstep', stepId);
    const handler = step && isLookupValue(step.eventhandler) ? step.eventhandler.id : null;
    const endpoint = handler ? store.get('serviceendpoint', handler) : undefined;
    if (!endpoint || typeof endpoint.url !== 'string') return null;
    return {
      url: endpoint.url,
      authtype: (endpoint.authtype as number | null) ?? null,
      authvalue: (endpoint.authvalue as string | null) ?? null,
    };
  }

  private async attempt(jobId: string): Promise<void> {
    if (this.closed) return;
    const { store, policy } = this.deps;
    const row = store.get(ENTITY, jobId);
    if (!row) return;
    const job = JSON.parse(String(row.data)) as StoredJob;
    const record = this.records.get(jobId) ?? this.newRecord(job, jobId);
    const retries = Number(row.retrycount ?? 0);
    await this.save(jobId, { ...SystemJobStatus.inProgress, startedon: this.now(), postponeuntil: null });
    record.status = 'pending';

    const endpoint = this.endpointOf(job.stepId);
    if (!endpoint) {
      // The step or its endpoint was deleted while the job waited: nothing left to post to.
      record.status = 'failed';
      await this.save(jobId, {
        ...SystemJobStatus.canceled,
        completedon: this.now(),
        message: `The step ${job.stepId} or its service endpoint no longer exists.`,
      });
      return;
    }
    const result = await deliverWebhook(endpoint, job.context, job.headers, policy.timeoutMs);
    const at = this.now();
    record.attempts.push(...result.attempts.map((a) => ({ ...a, at })));
    record.sizeExceeded = result.sizeExceeded;
    record.bytes = result.bytes;
    record.deliveredAt = at;
    if (this.closed) return;

    if (result.ok) {
      record.ok = true;
      record.status = 'delivered';
      if (job.asyncAutoDelete) {
        await store.transaction(async () => void store.delete(ENTITY, jobId));
        return;
      }
      await this.save(jobId, { ...SystemJobStatus.succeeded, completedon: at });
      return;
    }
    const last = result.attempts.at(-1);
    const reason = last?.status ? `HTTP ${last.status}` : (last?.error ?? 'no response');
    const message = `The webhook step '${job.stepName}' could not post to ${new URL(endpoint.url).origin}: ${reason}.`;
    if (last?.status === 401) {
      // Suspended without a postpone date: only a resume runs it again.
      record.status = 'suspended';
      await this.save(jobId, {
        ...SystemJobStatus.waiting,
        errorcode: ASYNC_POST_FAILED_CODE,
        message,
        friendlymessage: message,
      });
      return;
    }
    if (retries + 1 >= policy.maxAttempts) {
      record.status = 'failed';
      await this.save(jobId, {
        ...SystemJobStatus.failed,
        completedon: at,
        errorcode: ASYNC_POST_FAILED_CODE,
        message,
        friendlymessage: message,
      });
      return;
    }
    const delay = retryDelayMs(policy, retries + 1);
    const postponeUntil = new Date(this.deps.clock.now().getTime() + delay).toISOString();
    record.status = 'waiting';
    record.retryCount = retries + 1;
    record.postponeUntil = postponeUntil;
    await this.save(jobId, {
      ...SystemJobStatus.waiting,
      retrycount: retries + 1,
      postponeuntil: postponeUntil,
      errorcode: ASYNC_POST_FAILED_CODE,
      message,
      friendlymessage: message,
    });
    await this.wait(jobId, delay, true);
  }

  /** After a restart: jobs that were ready, running or waiting carry on (suspended ones stay). */
  recover(): number {
    let n = 0;
    for (const row of this.deps.store.list(ENTITY)) {
      const jobId = String(row.asyncoperationid);
      const state = Number(row.statecode);
      if (state === 0 || state === 2) {
        this.track(this.attempt(jobId));
        n++;
      } else if (state === 1 && typeof row.postponeuntil === 'string') {
        const left = new Date(row.postponeuntil).getTime() - this.deps.clock.now().getTime();
        this.track(this.wait(jobId, Math.max(0, left), true));
        n++;
      }
    }
    return n;
  }

  /**
   * Resolves when no attempt is running and no timed delay is pending; with `retries`, also when no
   * job waits for a retry. Held (until released) and suspended jobs are never waited for.
   */
  async drain(options: { retries?: boolean } = {}): Promise<void> {
    for (;;) {
      const waits = [...this.timers.values()].filter((t) => options.retries || !t.retry).map((t) => t.done);
      if (this.inFlight.size === 0 && waits.length === 0) return;
      await Promise.all([...this.inFlight, ...waits]);
    }
  }

  /** Stops timers and held jobs (their rows stay for a restart) and lets running attempts end. */
  async close(): Promise<void> {
    this.closed = true;
    for (const jobId of [...this.timers.keys()]) this.cancelTimer(jobId);
    this.held.length = 0;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Forget every job (control reset). */
  async reset(): Promise<void> {
    for (const jobId of [...this.timers.keys()]) this.cancelTimer(jobId);
    this.held.length = 0;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    this.records.clear();
    this.deps.log.length = 0;
  }
}
