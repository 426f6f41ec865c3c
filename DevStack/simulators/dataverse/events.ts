/**
 * The event pipeline: after Create / Update / Delete (and Win / Lose / QualifyLead) every enabled
 * webhook step whose message, table (sdkmessagefilter.primaryobjecttypecode) and filtering attributes
 * match receives a RemoteExecutionContext. Synchronous steps (mode 0) run inside the transaction
 * and a failure fails the operation; asynchronous steps (mode 1) are queued after commit.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../Relay/ports';
import type { AsyncService } from './asyncService';
import { DataverseError, ErrorCodes } from './errors';
import type { MetadataStore, TableDef } from './metadata';
import { buildRemoteExecutionContext, encodeEntity, entityReference } from './remoteExecutionContext';
import type { ContextInput, KeyValue } from './remoteExecutionContext';
import { isLookupValue } from './store';
import type { RecordStore, Row } from './store';
import { deliverWebhook } from './webhookDelivery';
import type { DeliveryResult } from './webhookDelivery';

export type EventMessage = 'Create' | 'Update' | 'Delete' | 'Win' | 'Lose' | 'QualifyLead';

export interface Caller {
  systemuserid: string;
  aadObjectId: string | null;
}

export interface PipelineEvent {
  message: EventMessage;
  table: TableDef;
  id: string;
  /** Create: every column set; Update: changed columns + system columns; else null. */
  target: Row | null;
  pre: Row | null;
  post: Row | null;
  /** Input parameters besides Target, already encoded (e.g. OpportunityClose, Status). */
  extraInputs: KeyValue[];
  /** Columns the caller changed (filtering attributes are matched against these). */
  changedColumns: string[];
  caller: Caller;
  correlationId: string;
  requestId: string;
}

export interface DeliveryRecord extends DeliveryResult {
  deliveryId: string;
  /** Set on the extra copies the duplicate fault sends: the first copy's deliveryId. */
  copyOf?: string;
  /** The asyncoperation row of an asynchronous delivery. */
  systemJobId?: string;
  /**
   * delivered / failed (final); pending (running or queued), held (delay fault), waiting (for a
   * retry, see postponeUntil), suspended (401: waits for a resume), dropped (drop fault: never sent).
   */
  status: 'delivered' | 'failed' | 'pending' | 'held' | 'waiting' | 'suspended' | 'dropped';
  /** Asynchronous retries so far. */
  retryCount?: number;
  postponeUntil?: string;
  stepId: string;
  stepName: string;
  message: EventMessage;
  entity: string;
  id: string;
  mode: 'synchronous' | 'asynchronous';
  deliveredAt: string;
}

export interface Organization {
  id: string;
  name: string;
  host: string;
}

interface MatchedStep {
  step: Row;
  endpoint: Row;
  images: Row[];
}

/** The platform's own main-operation step, as seen in ParentContext of real payloads. */
const OBJECT_MODEL_STEP = { id: '63cdbb1b-ea3e-db11-86a7-000a3a5473e8', name: 'ObjectModel Implementation' };

const refId = (value: unknown): string | null => (isLookupValue(value) ? value.id : null);

export class EventPipeline {
  constructor(
    private readonly deps: {
      store: RecordStore;
      metadata: MetadataStore;
      clock: Clock;
      organization: Organization;
      businessUnitId: () => string;
      /** System jobs of asynchronous steps (retries, delivery faults). */
      asyncJobs: AsyncService;
      /** The delivery log (sync and async). */
      deliveries: DeliveryRecord[];
    },
  ) {}

  get deliveries(): DeliveryRecord[] {
    return this.deps.deliveries;
  }

  private matchingSteps(event: PipelineEvent, mode: 0 | 1): MatchedStep[] {
    const { store } = this.deps;
    const matches: MatchedStep[] = [];
    for (const step of store.list('sdkmessageprocessingstep')) {
      if ((step.statecode ?? 0) !== 0 || (step.mode ?? 0) !== mode) continue;
      const message = store.get('sdkmessage', refId(step.sdkmessageid) ?? '');
      if (message?.name !== event.message) continue;
      const filterId = refId(step.sdkmessagefilterid);
      if (filterId) {
        const filter = store.get('sdkmessagefilter', filterId);
        if (!filter || String(filter.primaryobjecttypecode).toLowerCase() !== event.table.logicalName)
          continue;
      }
      const endpoint = store.get('serviceendpoint', refId(step.eventhandler) ?? '');
      if (!endpoint || endpoint.contract !== 8) continue; // only webhooks are simulated
      const filtering = String(step.filteringattributes ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      if (
        event.message === 'Update' &&
        filtering.length > 0 &&
        !filtering.some((c) => event.changedColumns.includes(c))
      )
        continue;
      const stepId = String(step.sdkmessageprocessingstepid);
      const images = store
        .list('sdkmessageprocessingstepimage')
        .filter((i) => refId(i.sdkmessageprocessingstepid) === stepId);
      matches.push({ step, endpoint, images });
    }
    return matches.sort(
      (a, b) =>
        Number(a.step.stage ?? 40) - Number(b.step.stage ?? 40) ||
        Number(a.step.rank ?? 1) - Number(b.step.rank ?? 1),
    );
  }

  private imageColumns(image: Row): string[] | null {
    const list = String(image.attributes ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    return list.length > 0 ? list : null;
  }

  /** The body for one step. */
  buildContext(event: PipelineEvent, match: MatchedStep, mode: 0 | 1): Record<string, unknown> {
    const { table, id } = event;
    const { organization, clock } = this.deps;
    const inputs: KeyValue[] = [];
    if (event.message === 'Delete')
      inputs.push({ key: 'Target', value: entityReference({ id, logicalName: table.logicalName }) });
    else if (event.target)
      inputs.push({ key: 'Target', value: encodeEntity(table, id, event.target, null, true) });
    inputs.push(...event.extraInputs);

    const pre: KeyValue[] = [];
    const post: KeyValue[] = [];
    for (const image of match.images) {
      const alias = String(image.entityalias ?? image.name ?? 'Image');
      const type = Number(image.imagetype ?? 0);
      const columns = this.imageColumns(image);
      if ((type === 0 || type === 2) && event.pre)
        pre.push({ key: alias, value: encodeEntity(table, id, event.pre, columns, false) });
      if ((type === 1 || type === 2) && event.post)
        post.push({ key: alias, value: encodeEntity(table, id, event.post, columns, false) });
    }
    if (mode === 1 && event.post && table.primaryNameAttribute) {
      // Asynchronous steps always get the primary name as a post image (real payloads).
      post.push({
        key: 'AsynchronousStepPrimaryName',
        value: encodeEntity(
          table,
          id,
          event.post,
          [table.primaryNameAttribute, table.primaryIdAttribute],
          false,
        ),
      });
    }
    const common: Omit<
      ContextInput,
      | 'stage'
      | 'mode'
      | 'inputParameters'
      | 'outputParameters'
      | 'preEntityImages'
      | 'postEntityImages'
      | 'sharedVariables'
      | 'owningExtension'
      | 'isInTransaction'
      | 'parentContext'
    > = {
      messageName: event.message,
      depth: 1,
      primaryEntityName: table.logicalName,
      primaryEntityId: id,
      initiatingUserId: event.caller.systemuserid,
      initiatingUserAadObjectId: event.caller.aadObjectId,
      userId: event.caller.systemuserid,
      userAadObjectId: event.caller.aadObjectId,
      businessUnitId: this.deps.businessUnitId(),
      organizationId: organization.id,
      organizationName: organization.name,
      correlationId: event.correlationId,
      operationId: event.requestId,
      requestId: event.requestId,
      operationCreatedOn: clock.now(),
    };
    const parentInputs = [...inputs];
    if (event.message === 'Create' || event.message === 'Update')
      parentInputs.push({ key: 'SuppressDuplicateDetection', value: false });
    const parentContext = buildRemoteExecutionContext({
      ...common,
      stage: 30,
      mode,
      inputParameters: parentInputs,
      outputParameters: [],
      preEntityImages: [],
      postEntityImages: [],
      sharedVariables: [{ key: 'IsAutoTransact', value: true }],
      owningExtension: OBJECT_MODEL_STEP,
      isInTransaction: mode === 0,
      parentContext: null,
    });
    return buildRemoteExecutionContext({
      ...common,
      stage: Number(match.step.stage ?? 40),
      mode,
      inputParameters: inputs,
      outputParameters: event.message === 'Create' ? [{ key: 'id', value: id }] : [],
      preEntityImages: pre,
      postEntityImages: post,
      sharedVariables: [],
      owningExtension: {
        id: String(match.step.sdkmessageprocessingstepid),
        name: (match.step.name as string) ?? null,
      },
      isInTransaction: mode === 0,
      parentContext,
    });
  }

  private headersOf(event: PipelineEvent): Record<string, string> {
    return {
      'x-ms-dynamics-organization': this.deps.organization.host,
      'x-ms-dynamics-entity-name': event.table.logicalName,
      'x-ms-dynamics-request-name': event.message,
      'x-ms-correlation-request-id': event.correlationId,
    };
  }

  private async deliverSynchronous(event: PipelineEvent, match: MatchedStep): Promise<DeliveryRecord> {
    const context = this.buildContext(event, match, 0);
    const result = await deliverWebhook(
      {
        url: String(match.endpoint.url),
        authtype: (match.endpoint.authtype as number) ?? null,
        authvalue: (match.endpoint.authvalue as string) ?? null,
      },
      context,
      this.headersOf(event),
    );
    const deliveredAt = this.deps.clock.now().toISOString();
    const record: DeliveryRecord = {
      ...result,
      attempts: result.attempts.map((a) => ({ ...a, at: deliveredAt })),
      deliveryId: randomUUID(),
      status: result.ok ? 'delivered' : 'failed',
      stepId: String(match.step.sdkmessageprocessingstepid),
      stepName: String(match.step.name ?? ''),
      message: event.message,
      entity: event.table.logicalName,
      id: event.id,
      mode: 'synchronous',
      deliveredAt,
    };
    this.deps.deliveries.push(record);
    return record;
  }

  /** Inside the transaction: a failing synchronous step aborts (rolls back) the operation. */
  async runSynchronous(event: PipelineEvent): Promise<void> {
    if (event.table.isSystem) return;
    for (const match of this.matchingSteps(event, 0)) {
      const record = await this.deliverSynchronous(event, match);
      if (!record.ok) {
        const last = record.attempts.at(-1);
        throw new DataverseError(
          400,
          ErrorCodes.pluginAborted,
          `Endpoint unavailable: the webhook step '${record.stepName}' failed (${last?.status ?? last?.error ?? 'no response'}).`,
        );
      }
    }
  }

  /**
   * After commit: one system job per matching step, never blocking the Web API response. The body is
   * built now, so it shows the record as it was when the event happened (retries re-send it as is).
   */
  enqueueAsynchronous(events: PipelineEvent[]): void {
    for (const event of events) {
      if (event.table.isSystem) continue;
      for (const match of this.matchingSteps(event, 1)) {
        this.deps.asyncJobs.submit({
          message: event.message,
          entity: event.table.logicalName,
          id: event.id,
          correlationId: event.correlationId,
          step: {
            id: String(match.step.sdkmessageprocessingstepid),
            name: String(match.step.name ?? ''),
            asyncAutoDelete: match.step.asyncautodelete === true,
          },
          context: this.buildContext(event, match, 1),
          headers: this.headersOf(event),
        });
      }
    }
  }

  /** Resolves when queued asynchronous deliveries have run (with `retries`, their retries too). */
  drain(options: { retries?: boolean } = {}): Promise<void> {
    return this.deps.asyncJobs.drain(options);
  }
}

export const newCorrelationId = (): string => randomUUID();
