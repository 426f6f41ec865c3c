/**
 * The Dataverse side of the wiring: our service endpoint posts to this relay with the configured key,
 * and every step of the manifest is registered on it, as `cosell setup` would register it, and enabled.
 * The step comparison is setup's own dry run, so "drift" means exactly "setup would change something".
 */
import {
  EnvironmentVariables,
  RegistrationColumns,
  RegistrationEntitySets,
  WiringColumns,
} from '../../../Domain/constants';
import { applyOverrides } from '../../../Domain/fieldMap';
import { where } from '../../../Domain/odataQuery';
import { WebhookPaths } from '../../../Domain/relayApi';
import { buildStepManifest, SERVICE_ENDPOINT_NAME } from '../../../Plugins/manifest';
import { registerSteps } from '../../../Plugins/registration';
import { AUTH_WEBHOOK_KEY, keyFingerprint } from '../../config/setup';
import { loadFieldMap } from '../../sync/fieldMapSource';
import { createSettings } from '../../sync/settings';
import type { DataverseApi, WebApiRecord } from '../../ports';
import type { DoctorCheck, DoctorContext } from '../check';
import { fail, pass } from '../check';

const E = RegistrationColumns.serviceEndpoint;
const S = RegistrationColumns.step;
const SETUP = 'run `cosell setup` (it registers the endpoint and steps for this relay)';
const NO_PUBLIC_URL = 'set COSELL_PUBLIC_URL to the https address Dataverse and Partner Center call';

async function findEndpoint(dataverse: DataverseApi): Promise<WebApiRecord | undefined> {
  const [endpoint] = await dataverse.retrieveMultiple(RegistrationEntitySets.serviceEndpoints, {
    select: [E.id, E.url, E.authType, E.description],
    filter: where.eq(E.name, SERVICE_ENDPOINT_NAME),
  });
  return endpoint;
}

export const serviceEndpoint: DoctorCheck = {
  id: 'service-endpoint',
  title: 'Dataverse service endpoint points at this relay',
  async run({ config, dataverse }) {
    if (!config.publicUrl) return fail('COSELL_PUBLIC_URL is not set', NO_PUBLIC_URL);
    const url = `${config.publicUrl.replace(/\/+$/, '')}${WebhookPaths.dataverse}`;
    const endpoint = await findEndpoint(dataverse);
    if (!endpoint) return fail(`no service endpoint "${SERVICE_ENDPOINT_NAME}"`, SETUP);
    if (endpoint[E.url] !== url)
      return fail(`"${SERVICE_ENDPOINT_NAME}" posts to ${String(endpoint[E.url])}, not ${url}`, SETUP);
    if (Number(endpoint[E.authType]) !== AUTH_WEBHOOK_KEY)
      return fail(`"${SERVICE_ENDPOINT_NAME}" does not authenticate with a webhook key`, SETUP);
    // The key itself is write-only; setup leaves its fingerprint in the description.
    if (!String(endpoint[E.description] ?? '').includes(keyFingerprint(config.dataverse.webhookKey)))
      return fail(
        `"${SERVICE_ENDPOINT_NAME}" was registered with another key than COSELL_DATAVERSE_WEBHOOK_KEY`,
        SETUP,
      );
    return pass(`"${SERVICE_ENDPOINT_NAME}" posts to ${url} with this relay's key`);
  },
};

/** The map the relay works with now (the forms' map when valid), with the environment overrides. */
async function currentMap(context: DoctorContext) {
  const settings = createSettings(context.dataverse, context.clock);
  const state = await loadFieldMap(context.dataverse, settings);
  if (state.ok) return state.map;
  return applyOverrides(context.defaultFieldMap, {
    dealValueFieldName: await settings.variable(EnvironmentVariables.dealValueFieldName),
    countryCodeFieldName: await settings.variable(EnvironmentVariables.countryCodeFieldName),
  });
}

export const steps: DoctorCheck = {
  id: 'steps',
  title: 'Dataverse steps registered and enabled',
  async run(context) {
    const { dataverse } = context;
    const endpoint = await findEndpoint(dataverse);
    if (!endpoint) return fail(`no service endpoint "${SERVICE_ENDPOINT_NAME}" to register steps on`, SETUP);
    const manifest = buildStepManifest(await currentMap(context));
    const plan = await registerSteps(dataverse, manifest, {
      dryRun: true,
      endpointId: String(endpoint[E.id]),
    });
    const drift = plan
      .filter((item) => item.action !== 'unchanged')
      .map(
        (item) =>
          `${item.name} ${item.action === 'create' ? 'missing' : `differs (${item.detail ?? 'images'})`}`,
      );
    const registered = await dataverse.retrieveMultiple(RegistrationEntitySets.steps, {
      select: [S.name, WiringColumns.step.stateCode],
      filter: where.in(
        S.name,
        manifest.map((s) => s.name),
      ),
    });
    const disabled = registered
      .filter((row) => Number(row[WiringColumns.step.stateCode]) !== WiringColumns.step.enabled)
      .map((row) => `${String(row[S.name])} disabled`);
    const problems = [...drift, ...disabled];
    if (problems.length)
      return fail(
        problems.join('; '),
        disabled.length && !drift.length
          ? "enable the steps (Plug-in Registration Tool, or the solution's Processing steps), then run `cosell doctor` again"
          : SETUP,
      );
    return pass(`${manifest.length} steps registered on "${SERVICE_ENDPOINT_NAME}" and enabled`);
  },
};
