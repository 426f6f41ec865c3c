/**
 * `cosell doctor`'s checks against the local stack (both simulators, the relay, `cosell setup` done):
 * all ✔ as set up, then each ✖ provoked the way it happens for real, each naming its fix.
 */
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import {
  EnvironmentVariables,
  RegistrationColumns,
  RegistrationEntitySets,
  SOLUTION_UNIQUE_NAME,
} from '../../../Domain/constants';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import { setFieldMapInFormXml } from '../../../Domain/formXmlControls';
import { where } from '../../../Domain/odataQuery';
import { WebhookPaths } from '../../../Domain/relayApi';
import { buildStepManifest } from '../../../Plugins/manifest';
import { registerSteps } from '../../../Plugins/registration';
import { PARTNER_CENTER_EVENTS } from '../../../Relay/config/setup';
import { createDataverseClient, staticTokenProvider } from '../../../Relay/dataverse';
import { DOCTOR_CHECKS, runChecks } from '../../../Relay/doctor';
import type { CheckResult, DoctorCheck, DoctorContext } from '../../../Relay/doctor';
import { relayHealthReader } from '../../../Relay/doctor/relayHealth';
import { REQUIRED_SOLUTION_VERSION } from '../../../Relay/doctor/checks/solution';
import { captureIo } from '../../../Relay/cli/io';
import { main } from '../../../Relay/cli/main';
import { SANDBOX_WEBHOOK_KEY } from '../../../DevStack/sandbox/stack';
import { createLogger } from '../../../Relay/logging/logger';
import { createPartnerCenterClient, credentialError } from '../../../Relay/partnercenter';
import type { SignInStatus } from '../../../Relay/ports';
import { createWiringMonitor } from '../../../Relay/server/wiringMonitor';
import { FakeClock } from '../../testkit/clock';
import { startTestStack } from '../../testkit/stack';
import type { TestStack } from '../../testkit/stack';

const DAY = 24 * 3600 * 1000;
const clock = new FakeClock('2026-03-01T12:00:00Z');
const signedIn = (days: number): SignInStatus => ({
  username: 'referrals-admin@contoso.example',
  signedInAt: new Date(clock.now().getTime() - DAY),
  expiresAt: new Date(clock.now().getTime() + days * DAY),
});

let stack: TestStack;
const logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  stack = await startTestStack({ logger: createLogger({ level: 'info', destination }) });
});

/** The doctor's view of the stack: the relay's own identities, as `cosell doctor` uses them. */
function context(overrides: Partial<DoctorContext> = {}): DoctorContext {
  return {
    // Not the sandbox for the sign-in check: a stored sign-in 60 days from expiry.
    config: { ...stack.config, sandbox: false, publicUrl: stack.relayUrl },
    dataverse: stack.dataverseClient,
    partnerCenter: stack.partnerCenterClient,
    signIn: { read: async () => signedIn(60) },
    relay: relayHealthReader(stack.relayUrl),
    clock,
    defaultFieldMap: DEFAULT_FIELD_MAP,
    ...overrides,
  };
}

const check = (id: string): DoctorCheck => DOCTOR_CHECKS.find((c) => c.id === id)!;
const run = async (id: string, overrides: Partial<DoctorContext> = {}): Promise<CheckResult> =>
  (await runChecks([check(id)], context(overrides)))[0]!;

it('every check passes against the stack as `cosell setup` left it', async () => {
  const results = await runChecks(DOCTOR_CHECKS, context());
  expect(results.filter((r) => !r.ok)).toEqual([]);
  expect(results.map((r) => r.id)).toEqual([
    'dataverse',
    'partner-center',
    'sign-in',
    'application-user',
    'solution',
    'environment-variables',
    'service-endpoint',
    'steps',
    'partner-center-webhook',
    'field-maps',
    'queue',
  ]);
  expect(results.find((r) => r.id === 'application-user')!.detail).toContain(
    'Partner Center Sync Integration',
  );
  expect(results.find((r) => r.id === 'sign-in')!.detail).toMatch(/expires on 2026-04-30 \(in 60 days\)/);
});

describe('each ✖ names its fix', () => {
  it('Dataverse out of reach', async () => {
    const unreachable = createDataverseClient({
      environmentUrl: 'http://127.0.0.1:9',
      tokens: staticTokenProvider('t'),
      http: { retry: { maxRetries: 0 } },
    });
    const result = await run('dataverse', { dataverse: unreachable });
    expect(result).toMatchObject({
      ok: false,
      fix: expect.stringMatching(/reach the Dataverse environment URL/),
    });
  });

  it('Partner Center refuses the sign-in', async () => {
    const refused = createPartnerCenterClient({
      tokens: {
        getToken: async (audience) => {
          throw credentialError(
            { errorCode: 'invalid_grant', errorMessage: 'AADSTS700082: expired' },
            audience,
            'x',
          );
        },
      },
      referralsUrl: stack.partnerCenter.referralsUrl,
      webhooksUrl: stack.partnerCenter.webhooksUrl,
    });
    const result = await run('partner-center', { partnerCenter: refused });
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/AADSTS700082/);
    expect(result.fix).toMatch(/cosell login partner-center/);
  });

  it('the sign-in expires within 14 days, has expired, or was never stored', async () => {
    expect(await run('sign-in', { signIn: { read: async () => signedIn(10) } })).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/expires in 10 day\(s\), on 2026-03-11/),
      fix: 'run `cosell login partner-center` as the Referrals-admin account before 2026-03-11',
    });
    expect(await run('sign-in', { signIn: { read: async () => signedIn(-1) } })).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/expired on 2026-02-28/),
    });
    expect(await run('sign-in', { signIn: { read: async () => null } })).toMatchObject({
      ok: false,
      detail: 'nobody signed in to Partner Center',
      fix: expect.stringMatching(/cosell login partner-center/),
    });
  });

  it('the application user lost its role, or is not the configured integration user', async () => {
    stack.dataverse.setUserRoles(stack.integrationUserId, ['Salesperson']);
    try {
      const result = await run('application-user');
      expect(result).toMatchObject({
        ok: false,
        detail: expect.stringMatching(/may not read its roles: it lacks "Partner Center Sync Integration"/),
        fix: expect.stringMatching(/assign the "Partner Center Sync Integration" role/),
      });
    } finally {
      stack.dataverse.setUserRoles(stack.integrationUserId, ['Partner Center Sync Integration']);
    }
    const other = '00000000-0000-4000-8000-000000000001';
    const result = await run('application-user', {
      config: { ...context().config, dataverse: { ...stack.config.dataverse, integrationUserId: other } },
    });
    expect(result).toMatchObject({
      ok: false,
      fix: `set COSELL_DATAVERSE_INTEGRATION_USER_ID=${stack.integrationUserId} (or leave it empty: the relay asks Dataverse)`,
    });
  });

  it('the solution is missing, or older than the relay needs', async () => {
    // A Dataverse where the solution was never imported (or was uninstalled) answers no row.
    const withoutSolution: DoctorContext['dataverse'] = {
      ...stack.dataverseClient,
      whoAmI: (o) => stack.dataverseClient.whoAmI(o),
      retrieveMultiple: async (entitySet, query, options) =>
        entitySet === RegistrationEntitySets.solutions
          ? []
          : stack.dataverseClient.retrieveMultiple(entitySet, query, options),
    };
    expect(await run('solution', { dataverse: withoutSolution })).toMatchObject({
      ok: false,
      detail: 'PartnerCenterCoSell is not installed',
      fix: expect.stringMatching(/cosell setup --solution/),
    });
    const older: DoctorContext['dataverse'] = {
      ...withoutSolution,
      retrieveMultiple: async (entitySet, query, options) =>
        entitySet === RegistrationEntitySets.solutions
          ? [{ version: '0.9.0.0', ismanaged: true }]
          : stack.dataverseClient.retrieveMultiple(entitySet, query, options),
    };
    expect(await run('solution', { dataverse: older })).toMatchObject({
      ok: false,
      detail: `${SOLUTION_UNIQUE_NAME} 0.9.0.0 is installed; this relay needs ${REQUIRED_SOLUTION_VERSION} or later`,
    });
  });

  it('the relay moved: environment variable, service endpoint and Partner Center webhook point at the old address', async () => {
    const moved = { config: { ...context().config, publicUrl: 'https://relay.contoso.example' } };
    expect(await run('environment-variables', moved)).toMatchObject({
      ok: false,
      detail: `${EnvironmentVariables.relayBaseUrl} is ${stack.relayUrl}, not this relay (https://relay.contoso.example)`,
      fix: expect.stringMatching(/cosell setup --relay-url/),
    });
    expect(await run('service-endpoint', moved)).toMatchObject({
      ok: false,
      fix: expect.stringMatching(/cosell setup/),
    });
    expect(await run('partner-center-webhook', moved)).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/another tool took it over/),
    });
  });

  it('another tool took the Partner Center webhook registration over', async () => {
    await stack.partnerCenterClient.putWebhookRegistration({
      webhookUrl: 'https://flows.contoso.example/referrals',
      webhookEvents: PARTNER_CENTER_EVENTS,
    });
    try {
      const result = await run('partner-center-webhook');
      expect(result.detail).toBe(
        `the tenant's webhook registration now points at https://flows.contoso.example/referrals, not this relay (${stack.relayUrl}${WebhookPaths.partnerCenter}): another tool took it over`,
      );
      expect(result.fix).toMatch(/turn the other tool's referral sync off .*then run `cosell setup`/);
    } finally {
      await stack.partnerCenterClient.putWebhookRegistration({
        webhookUrl: `${stack.relayUrl}${WebhookPaths.partnerCenter}`,
        webhookEvents: PARTNER_CENTER_EVENTS,
      });
    }
  });

  it('a step disabled, and one deleted', async () => {
    const endpointId = String(
      (
        await stack.adminClient.retrieveMultiple(RegistrationEntitySets.serviceEndpoints, {
          select: [RegistrationColumns.serviceEndpoint.id],
        })
      )[0]![RegistrationColumns.serviceEndpoint.id],
    );
    const S = RegistrationColumns.step;
    const steps = await stack.adminClient.retrieveMultiple(RegistrationEntitySets.steps, {
      select: [S.id, S.name],
      filter: where.startsWith(S.name, 'pcs: opportunity'),
    });
    const win = steps.find((s) => String(s[S.name]).includes('Win'))!;
    await stack.adminClient.update(RegistrationEntitySets.steps, String(win[S.id]), {
      statecode: 1,
      statuscode: 2,
    });
    const disabled = await run('steps');
    expect(disabled).toMatchObject({
      ok: false,
      detail: `${String(win[S.name])} disabled`,
      fix: expect.stringMatching(/^enable the steps/),
    });
    await stack.adminClient.update(RegistrationEntitySets.steps, String(win[S.id]), {
      statecode: 0,
      statuscode: 1,
    });
    expect((await run('steps')).ok).toBe(true);

    await stack.adminClient.delete(RegistrationEntitySets.steps, String(win[S.id]));
    expect(await run('steps')).toMatchObject({
      ok: false,
      detail: `${String(win[S.name])} missing`,
      fix: 'run `cosell setup` (it registers the endpoint and steps for this relay)',
    });
    // What `cosell setup` does: the missing step comes back.
    await registerSteps(stack.adminClient, buildStepManifest(DEFAULT_FIELD_MAP), {
      dryRun: false,
      endpointId,
    });
    expect((await run('steps')).ok).toBe(true);
  });

  it('two forms carry different field maps', async () => {
    const [form] = await stack.adminClient.getSystemForms('opportunity');
    const other = {
      version: 1,
      entries: DEFAULT_FIELD_MAP.entries.filter((e) => e.referral !== 'details.notes'),
    };
    const id = await stack.adminClient.create('systemforms', {
      name: 'Co-sell (sales team)',
      objecttypecode: 'opportunity',
      type: 2,
      formactivationstate: 1,
      formxml: setFieldMapInFormXml(form!.formxml, JSON.stringify(other)),
    });
    try {
      const result = await run('field-maps');
      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(/different field maps/);
      expect(result.fix).toBe(
        `fix the fieldMap property of the Partner Center sync control on "${form!.name}" and publish`,
      );
    } finally {
      await stack.adminClient.delete('systemforms', id);
    }
  });

  it('dead letters, a reconciliation that stopped, and a relay that does not answer', async () => {
    const reconciling = {
      config: { ...context().config, worker: { ...stack.config.worker, reconcileIntervalSec: 300 } },
    };
    // Reconciliation on, but none ran yet.
    expect(await run('queue', reconciling)).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/no reconciliation yet, expected every 300 s/),
      fix: expect.stringMatching(/reconciliation failed/),
    });
    await stack.relay.reconcileNow();
    expect(await run('queue', { ...reconciling, clock: { now: () => new Date() } })).toMatchObject({
      ok: true,
    });

    await stack.relay.store.enqueue([{ kind: 'doctor.test', key: 'doctor:1', payload: {} }]);
    const job = await stack.relay.store.claim(new Date(Date.now() + 1000));
    await stack.relay.store.fail(job!.id, 'gave up', null);
    expect(await run('queue')).toMatchObject({
      ok: false,
      detail: '0 queued, 0 running, 1 dead',
      fix: expect.stringMatching(/cosell dead-letters list/),
    });
    // Retried and done: the queue is clean again for the tests after this one.
    await stack.relay.store.retryDeadLetter(job!.id, new Date());
    await stack.relay.store.complete((await stack.relay.store.claim(new Date(Date.now() + 1000)))!.id);
    expect((await run('queue')).ok).toBe(true);

    expect(await run('queue', { relay: relayHealthReader('http://127.0.0.1:9') })).toMatchObject({
      ok: false,
      fix: expect.stringMatching(/start the relay/),
    });
  });
});

it('the relay reports registration drift on /metrics and in the log', async () => {
  await stack.partnerCenterClient.putWebhookRegistration({
    webhookUrl: 'https://flows.contoso.example/referrals',
    webhookEvents: PARTNER_CENTER_EVENTS,
  });
  try {
    await stack.relay.wiring.checkNow();
    const metrics = await stack.relay.metrics.registry.metrics();
    expect(metrics).toContain('cosell_wiring_drift{check="partner-center-webhook"} 1');
    expect(metrics).toContain('cosell_wiring_drift{check="service-endpoint"} 0');
    expect(metrics).toContain('cosell_wiring_drift{check="steps"} 0');
    expect(logLines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        check: 'partner-center-webhook',
        msg: expect.stringMatching(/^wiring drift: .*another tool took it over/),
      }),
    );
  } finally {
    await stack.partnerCenterClient.putWebhookRegistration({
      webhookUrl: `${stack.relayUrl}${WebhookPaths.partnerCenter}`,
      webhookEvents: PARTNER_CENTER_EVENTS,
    });
  }
  await stack.relay.wiring.checkNow();
  expect(await stack.relay.metrics.registry.metrics()).toContain(
    'cosell_wiring_drift{check="partner-center-webhook"} 0',
  );
});

it('the relay warns on /metrics and in the log 14 days before the Partner Center sign-in expires', async () => {
  const registry = new Registry();
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }),
  });
  let status = signedIn(20);
  const monitor = createWiringMonitor({
    context: () => context({ signIn: { read: async () => status } }),
    registry,
    logger,
  });
  await monitor.checkNow();
  expect(await registry.metrics()).toContain('cosell_partner_center_sign_in_expiring 0');
  expect(lines.filter((l) => l.level === 'warn')).toEqual([]);

  status = signedIn(13);
  await monitor.checkNow();
  const metrics = await registry.metrics();
  expect(metrics).toContain('cosell_partner_center_sign_in_expiring 1');
  expect(metrics).toContain(
    `cosell_partner_center_sign_in_expiry_timestamp_seconds ${status.expiresAt.getTime() / 1000}`,
  );
  expect(lines).toContainEqual(
    expect.objectContaining({
      level: 'warn',
      msg: 'Partner Center sign-in: the sign-in of referrals-admin@contoso.example expires in 13 day(s), on 2026-03-14',
      fix: 'run `cosell login partner-center` as the Referrals-admin account before 2026-03-14',
    }),
  );
  await monitor.stop();
});

it('`cosell doctor` is all ✔ against the sandbox (COSELL_SANDBOX: the simulators and the relay), exit 0', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, {
    COSELL_SANDBOX: 'true',
    COSELL_HOST: '127.0.0.1',
    COSELL_DATAVERSE_URL: stack.dataverse.url,
    COSELL_DATAVERSE_WEBHOOK_KEY: SANDBOX_WEBHOOK_KEY,
    COSELL_PC_BASE_URL: stack.partnerCenter.url,
    COSELL_PC_WEBHOOK_BASE_URL: stack.partnerCenter.url,
    COSELL_PUBLIC_URL: stack.relayUrl,
    COSELL_RECONCILE_INTERVAL_SEC: '0',
  });
  try {
    const io = captureIo();
    const code = await main(['doctor', '--relay-url', stack.relayUrl], io);
    expect(io.err).toBe('');
    expect(io.out).not.toContain('✖');
    expect(io.out).toMatch(/^✔ Configuration/);
    expect(io.out).toMatch(/all 12 checks passed\n$/);
    expect(code).toBe(0);
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
});
