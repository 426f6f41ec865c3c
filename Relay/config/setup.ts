/**
 * `cosell setup`: bring an environment to the state the relay needs, idempotently — import or
 * upgrade the solution keeping customizations (skipped when that version is installed, refused when
 * older), set environment variable values, register the
 * service endpoint and the manifest's steps, register the Partner Center webhook for the four
 * referral events (overwriting: one registration per tenant, the last one wins), then send a test
 * event and confirm it arrived. `dryRun` only reports the plan.
 */
import { createHash } from 'node:crypto';
import {
  EnvironmentVariableColumns,
  EnvironmentVariables,
  RegistrationColumns,
  RegistrationEntitySets,
  SOLUTION_UNIQUE_NAME,
} from '../../Domain/constants';
import { applyOverrides } from '../../Domain/fieldMap';
import type { FieldMap } from '../../Domain/fieldMap';
import { lookup, where } from '../../Domain/odataQuery';
import { REFERRAL_WEBHOOK_EVENTS } from '../../Domain/referral';
import { WebhookPaths } from '../../Domain/relayApi';
import { buildStepManifest, SERVICE_ENDPOINT_NAME } from '../../Plugins/manifest';
import { registerSteps } from '../../Plugins/registration';
import type { PlanItem } from '../../Plugins/registration';
import type { DataverseApi, PartnerCenterApi } from '../ports';
import { assignRoles } from './roleAssignment';
import {
  decideSolutionImport,
  importSolutionPackage,
  installedSolution,
  readSolutionPackage,
  solutionChanges,
} from './solutionUpgrade';

export type { PlanItem };

export interface SetupOptions {
  dataverse: DataverseApi;
  partnerCenter: PartnerCenterApi;
  /** Public base URL of the relay (webhook URLs are built from it). */
  relayUrl: string;
  webhookKey: string;
  /** Managed solution zip to import (skipped when absent). */
  solutionZip?: Uint8Array | null;
  /** Environment variable schema name → value. */
  environmentVariables?: Record<string, string>;
  fieldMap: FieldMap;
  dryRun: boolean;
  /** Confirm delivery of a Partner Center test event (default true). */
  testEvent?: boolean;
  /** Waits between test-event status checks (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
  testEventTimeoutMs?: number;
  report?: (item: PlanItem) => void;
  /** `--assign-role`: roles and field security profiles (./roleAssignment.ts), after the import. */
  roleAssignment?: { sellers: string[]; integrationUserId: string | null };
}

export interface SetupResult {
  plan: PlanItem[];
  testEvent: 'delivered' | 'skipped' | 'not delivered';
}

/** Referral events plus `test-created`, which validation events require (partner-center-api.md §5.1). */
export const PARTNER_CENTER_EVENTS = [...REFERRAL_WEBHOOK_EVENTS, 'test-created'];

const WEBHOOK_CONTRACT = 8;
export const AUTH_WEBHOOK_KEY = 4;
const MESSAGE_FORMAT_JSON = 2;
const USER_CLAIM_NONE = 1;
const CONNECTION_NORMAL = 1;

/** The key cannot be read back (authvalue is write-only): we keep a short fingerprint in the description. */
export const keyFingerprint = (key: string) =>
  `key sha256:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;

export async function runSetup(options: SetupOptions): Promise<SetupResult> {
  const plan: PlanItem[] = [];
  const note = (item: PlanItem) => {
    plan.push(item);
    options.report?.(item);
  };
  const { dataverse, dryRun } = options;
  const relayUrl = options.relayUrl.replace(/\/+$/, '');

  if (options.solutionZip) {
    // Safe upgrades (./solutionUpgrade.ts): customizations kept, staged upgrade, no downgrade.
    const incoming = await readSolutionPackage(options.solutionZip);
    const installed = await installedSolution(dataverse);
    const action = decideSolutionImport(incoming, installed);
    note({
      component: 'solution',
      name: `${SOLUTION_UNIQUE_NAME} ${incoming.version}`,
      action: action === 'unchanged' ? 'unchanged' : action === 'create' ? 'create' : 'update',
      detail: installed && action !== 'unchanged' ? `installed ${installed.version}` : undefined,
    });
    if (action !== 'unchanged') {
      if (installed) for (const item of await solutionChanges(dataverse, incoming)) note(item);
      if (!dryRun) await importSolutionPackage(dataverse, options.solutionZip, incoming, action);
    }
  }

  for (const [schemaName, value] of Object.entries(options.environmentVariables ?? {})) {
    note(await setEnvironmentVariable(dataverse, schemaName, value, dryRun));
  }

  if (options.roleAssignment)
    for (const item of await assignRoles({ dataverse, dryRun, ...options.roleAssignment })) note(item);

  const endpointId = await registerEndpoint(
    dataverse,
    `${relayUrl}${WebhookPaths.dataverse}`,
    options.webhookKey,
    dryRun,
    note,
  );
  // The step filters follow the columns the map reads, after the pcs_DealValueFieldName /
  // pcs_CountryCodeFieldName overrides the relay applies too (values set above win in a dry run).
  const variable = async (schemaName: string) =>
    options.environmentVariables?.[schemaName] ?? (await dataverse.getEnvironmentVariable(schemaName));
  const map = applyOverrides(options.fieldMap, {
    dealValueFieldName: await variable(EnvironmentVariables.dealValueFieldName),
    countryCodeFieldName: await variable(EnvironmentVariables.countryCodeFieldName),
  });
  for (const item of await registerSteps(dataverse, buildStepManifest(map), {
    dryRun,
    endpointId,
  }))
    note(item);

  const webhookUrl = `${relayUrl}${WebhookPaths.partnerCenter}`;
  const registration = await options.partnerCenter.getWebhookRegistration();
  const sameEvents =
    registration &&
    [...registration.webhookEvents].sort().join(',') === [...PARTNER_CENTER_EVENTS].sort().join(',');
  const pcAction = !registration
    ? 'create'
    : registration.webhookUrl === webhookUrl && sameEvents
      ? 'unchanged'
      : 'update';
  note({
    component: 'partner center webhook',
    name: webhookUrl,
    action: pcAction,
    detail:
      pcAction === 'update'
        ? `was ${registration?.webhookUrl} (${registration?.webhookEvents.join(', ')})`
        : undefined,
  });
  if (pcAction !== 'unchanged' && !dryRun) {
    await options.partnerCenter.putWebhookRegistration({ webhookUrl, webhookEvents: PARTNER_CENTER_EVENTS });
  }

  if (dryRun || options.testEvent === false) return { plan, testEvent: 'skipped' };
  return { plan, testEvent: await confirmTestEvent(options) };
}

async function setEnvironmentVariable(
  dataverse: DataverseApi,
  schemaName: string,
  value: string,
  dryRun: boolean,
): Promise<PlanItem> {
  const V = RegistrationColumns.environmentVariableValue;
  const D = RegistrationColumns.environmentVariableDefinition;
  const [definition] = await dataverse.retrieveMultiple(
    RegistrationEntitySets.environmentVariableDefinitions,
    {
      select: [D.id],
      filter: where.eq(EnvironmentVariableColumns.schemaName, schemaName),
    },
  );
  if (!definition)
    throw new Error(`Environment variable ${schemaName} is not defined: import the solution first.`);
  const definitionId = String(definition[D.id]);
  const [existing] = await dataverse.retrieveMultiple(RegistrationEntitySets.environmentVariableValues, {
    select: [V.id, V.value],
    filter: where.eq(lookup(D.id), definitionId),
  });
  const item: PlanItem = {
    component: 'environment variable',
    name: `${schemaName} = ${value}`,
    action: !existing ? 'create' : existing[V.value] === value ? 'unchanged' : 'update',
  };
  if (dryRun || item.action === 'unchanged') return item;
  if (existing)
    await dataverse.update(RegistrationEntitySets.environmentVariableValues, String(existing[V.id]), {
      [V.value]: value,
    });
  else {
    await dataverse.create(RegistrationEntitySets.environmentVariableValues, {
      [V.schemaName]: schemaName,
      [V.value]: value,
      [`${V.definitionNavigation}@odata.bind`]: `/${RegistrationEntitySets.environmentVariableDefinitions}(${definitionId})`,
    });
  }
  return item;
}

async function registerEndpoint(
  dataverse: DataverseApi,
  url: string,
  key: string,
  dryRun: boolean,
  note: (item: PlanItem) => void,
): Promise<string | null> {
  const E = RegistrationColumns.serviceEndpoint;
  const [existing] = await dataverse.retrieveMultiple(RegistrationEntitySets.serviceEndpoints, {
    select: [E.id, E.url, E.authType, E.description],
    filter: where.eq(E.name, SERVICE_ENDPOINT_NAME),
  });
  const description = `Partner Center co-sell relay (${keyFingerprint(key)})`;
  const record = {
    [E.name]: SERVICE_ENDPOINT_NAME,
    [E.description]: description,
    [E.contract]: WEBHOOK_CONTRACT,
    [E.url]: url,
    [E.authType]: AUTH_WEBHOOK_KEY,
    [E.authValue]: key,
    [E.messageFormat]: MESSAGE_FORMAT_JSON,
    [E.userClaim]: USER_CLAIM_NONE,
    [E.connectionMode]: CONNECTION_NORMAL,
  };
  if (!existing) {
    note({ component: 'service endpoint', name: url, action: 'create' });
    return dryRun ? null : dataverse.create(RegistrationEntitySets.serviceEndpoints, record);
  }
  const id = String(existing[E.id]);
  const differences = [
    existing[E.url] !== url ? 'url' : null,
    Number(existing[E.authType]) !== AUTH_WEBHOOK_KEY ? 'auth type' : null,
    existing[E.description] !== description ? 'key' : null,
  ].filter(Boolean);
  note({
    component: 'service endpoint',
    name: url,
    action: differences.length ? 'update' : 'unchanged',
    detail: differences.join(', ') || undefined,
  });
  if (differences.length && !dryRun)
    await dataverse.update(RegistrationEntitySets.serviceEndpoints, id, record);
  return id;
}

/** Partner Center allows 2 test events a minute (§4.1): one send, then poll its delivery status. */
async function confirmTestEvent(options: SetupOptions): Promise<'delivered' | 'not delivered'> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const { correlationId } = await options.partnerCenter.sendValidationEvent();
  const deadline = Date.now() + (options.testEventTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    const status = await options.partnerCenter.getValidationEvent(correlationId).catch(() => null);
    if (status?.results.some((r) => r.responseCode !== null && r.responseCode >= 200 && r.responseCode < 300))
      return 'delivered';
    await sleep(250);
  }
  return 'not delivered';
}
