/**
 * Registers the manifest's steps on a Dataverse environment through the Web API (dataverse-
 * solution-format.md §5.6) — idempotently: each step is found by its unique name and updated only
 * when it differs, so running `cosell setup` twice changes nothing.
 */
import { RegistrationColumns, RegistrationEntitySets } from '../Domain/constants';
import { columnName, lookup, where } from '../Domain/odataQuery';
import type { DataverseRecord } from '../Domain/opportunity';
import type { DataverseApi, WebApiRecord } from '../Relay/ports';
import type { StepImage, StepRegistration } from './manifest';

export type PlanAction = 'create' | 'update' | 'delete' | 'unchanged';

export interface PlanItem {
  component: string;
  name: string;
  action: PlanAction;
  detail?: string;
}

const S = RegistrationColumns.step;
const I = RegistrationColumns.stepImage;

const MODE = { synchronous: 0, asynchronous: 1 } as const;
const IMAGE_TYPE = { pre: 0, post: 1 } as const;

function stepRecord(
  step: StepRegistration,
  ids: { message: string; filter: string; endpoint: string },
): DataverseRecord {
  return {
    [S.name]: step.name,
    [S.stage]: step.stage,
    [S.mode]: MODE[step.mode],
    [S.rank]: 1,
    [S.supportedDeployment]: 0,
    // Keep failed jobs visible in System Jobs, delete successful ones.
    [S.asyncAutoDelete]: true,
    [S.filteringAttributes]: step.filteringAttributes?.join(',') ?? null,
    [`${S.message}@odata.bind`]: `/${RegistrationEntitySets.sdkMessages}(${ids.message})`,
    [`${S.filter}@odata.bind`]: `/${RegistrationEntitySets.sdkMessageFilters}(${ids.filter})`,
    [`${S.eventHandlerEndpointNavigation}@odata.bind`]: `/${RegistrationEntitySets.serviceEndpoints}(${ids.endpoint})`,
  };
}

function imageRecord(image: StepImage, stepId: string): DataverseRecord {
  return {
    [I.name]: image.alias,
    [I.alias]: image.alias,
    [I.imageType]: IMAGE_TYPE[image.type],
    [I.messagePropertyName]: 'Target',
    [I.attributes]: image.attributes.join(','),
    [`${I.step}@odata.bind`]: `/${RegistrationEntitySets.steps}(${stepId})`,
  };
}

const lookupValue = (record: WebApiRecord, column: string) =>
  String(record[columnName(lookup(column))] ?? '').toLowerCase();

function stepDiffers(
  existing: WebApiRecord,
  step: StepRegistration,
  ids: { message: string; filter: string; endpoint: string },
): string[] {
  const differences: string[] = [];
  if (Number(existing[S.stage]) !== step.stage) differences.push('stage');
  if (Number(existing[S.mode]) !== MODE[step.mode]) differences.push('mode');
  const filtering = String(existing[S.filteringAttributes] ?? '')
    .split(',')
    .filter(Boolean)
    .sort()
    .join(',');
  if (filtering !== [...(step.filteringAttributes ?? [])].sort().join(','))
    differences.push('filtering attributes');
  if (lookupValue(existing, S.message) !== ids.message.toLowerCase()) differences.push('message');
  if (lookupValue(existing, S.filter) !== ids.filter.toLowerCase()) differences.push('table');
  if (lookupValue(existing, S.eventHandler) !== ids.endpoint.toLowerCase())
    differences.push('service endpoint');
  return differences;
}

export interface RegisterStepsOptions {
  dryRun: boolean;
  /** Service endpoint id; null in a dry run when the endpoint does not exist yet. */
  endpointId: string | null;
}

export async function registerSteps(
  dataverse: DataverseApi,
  manifest: StepRegistration[],
  options: RegisterStepsOptions,
): Promise<PlanItem[]> {
  const plan: PlanItem[] = [];
  for (const step of manifest) {
    const [message] = await dataverse.retrieveMultiple(RegistrationEntitySets.sdkMessages, {
      select: [RegistrationColumns.sdkMessage.id],
      filter: where.eq(RegistrationColumns.sdkMessage.name, step.message),
    });
    if (!message) throw new Error(`Dataverse has no message "${step.message}" (step "${step.name}").`);
    const messageId = String(message[RegistrationColumns.sdkMessage.id]);
    const [filter] = await dataverse.retrieveMultiple(RegistrationEntitySets.sdkMessageFilters, {
      select: [RegistrationColumns.sdkMessageFilter.id],
      filter: where.and(
        where.eq(RegistrationColumns.sdkMessageFilter.primaryObjectTypeCode, step.table),
        where.eq(lookup(RegistrationColumns.sdkMessageFilter.message), messageId),
      ),
    });
    if (!filter) throw new Error(`Dataverse does not allow "${step.message}" steps on table ${step.table}.`);
    const ids = {
      message: messageId,
      filter: String(filter[RegistrationColumns.sdkMessageFilter.id]),
      endpoint: options.endpointId ?? '',
    };
    const [existing] = await dataverse.retrieveMultiple(RegistrationEntitySets.steps, {
      select: [
        S.id,
        S.stage,
        S.mode,
        S.filteringAttributes,
        lookup(S.message),
        lookup(S.filter),
        lookup(S.eventHandler),
      ],
      filter: where.eq(S.name, step.name),
    });
    let stepId = existing ? String(existing[S.id]) : null;
    if (!existing) {
      plan.push({ component: 'step', name: step.name, action: 'create' });
      if (!options.dryRun)
        stepId = await dataverse.create(RegistrationEntitySets.steps, stepRecord(step, ids));
    } else {
      const differences = stepDiffers(existing, step, ids);
      plan.push({
        component: 'step',
        name: step.name,
        action: differences.length ? 'update' : 'unchanged',
        detail: differences.join(', ') || undefined,
      });
      if (differences.length && !options.dryRun)
        await dataverse.update(RegistrationEntitySets.steps, stepId!, stepRecord(step, ids));
    }
    plan.push(...(await registerImages(dataverse, step, stepId, options.dryRun)));
  }
  return plan;
}

async function registerImages(
  dataverse: DataverseApi,
  step: StepRegistration,
  stepId: string | null,
  dryRun: boolean,
): Promise<PlanItem[]> {
  const existing = stepId
    ? await dataverse.retrieveMultiple(RegistrationEntitySets.stepImages, {
        select: [I.id, I.alias, I.imageType, I.attributes],
        filter: where.eq(lookup(I.step), stepId),
      })
    : [];
  const plan: PlanItem[] = [];
  for (const image of step.images) {
    const name = `${step.name} [${image.alias}]`;
    const found = existing.find((e) => e[I.alias] === image.alias);
    const attributes = [...image.attributes].sort().join(',');
    if (!found) {
      plan.push({ component: 'step image', name, action: 'create' });
      if (!dryRun && stepId)
        await dataverse.create(RegistrationEntitySets.stepImages, imageRecord(image, stepId));
      continue;
    }
    const same =
      Number(found[I.imageType]) === IMAGE_TYPE[image.type] &&
      String(found[I.attributes] ?? '')
        .split(',')
        .sort()
        .join(',') === attributes;
    plan.push({ component: 'step image', name, action: same ? 'unchanged' : 'update' });
    if (!same && !dryRun && stepId)
      await dataverse.update(
        RegistrationEntitySets.stepImages,
        String(found[I.id]),
        imageRecord(image, stepId),
      );
  }
  return plan;
}

/**
 * Re-register, in place and on the same service endpoint, those steps of `manifest` that are already
 * registered — e.g. the opportunity Update step after the field map changed which columns travel, so
 * a seller's edit of a newly mapped column still reaches the relay. Steps never registered are left
 * to `cosell setup`.
 */
export async function realignSteps(
  dataverse: DataverseApi,
  manifest: StepRegistration[],
): Promise<PlanItem[]> {
  const plan: PlanItem[] = [];
  for (const step of manifest) {
    const handler = columnName(lookup(S.eventHandler));
    const [existing] = await dataverse.retrieveMultiple(RegistrationEntitySets.steps, {
      select: [S.id, lookup(S.eventHandler)],
      filter: where.eq(S.name, step.name),
    });
    if (!existing || typeof existing[handler] !== 'string') continue;
    plan.push(
      ...(await registerSteps(dataverse, [step], { dryRun: false, endpointId: existing[handler] as string })),
    );
  }
  return plan;
}
