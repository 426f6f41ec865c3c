/**
 * The relay's schedule of registration checks: the first a minute after start (setup may be
 * registering the relay right then), then every interval; only the leader checks; stop ends it.
 * Driven with jest's fake timers; the checks themselves run against the simulators in tests/e2e/doctor.
 */
import { Registry } from 'prom-client';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import { loadConfig } from '../../../Relay/config/config';
import type { DoctorContext } from '../../../Relay/doctor';
import { ApiError } from '../../../Relay/ports';
import type { DataverseApi, PartnerCenterApi } from '../../../Relay/ports';
import {
  createWiringMonitor,
  FIRST_WIRING_CHECK_DELAY_MS,
  WIRING_CHECK_INTERVAL_MS,
} from '../../../Relay/server/wiringMonitor';
import { RecordingLogger } from '../../testkit/recording';

const unreachable = () =>
  Promise.reject(
    new ApiError('connect ECONNREFUSED', { service: 'dataverse', status: null, method: 'GET', url: 'x' }),
  );
/** Every call fails: each registration check is ✖, which is what the gauges then say. */
const down = new Proxy({}, { get: () => unreachable }) as DataverseApi & PartnerCenterApi;

function monitor(isLeader = () => true) {
  let calls = 0;
  const registry = new Registry();
  const context = (): DoctorContext => {
    calls += 1;
    return {
      config: {
        ...loadConfig({
          COSELL_DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
          COSELL_DATAVERSE_WEBHOOK_KEY: 'k'.repeat(32),
        }),
        publicUrl: 'https://relay.contoso.example',
      },
      dataverse: down,
      partnerCenter: down,
      signIn: null,
      relay: null,
      clock: { now: () => new Date() },
      defaultFieldMap: DEFAULT_FIELD_MAP,
    };
  };
  const logger = new RecordingLogger();
  const wiring = createWiringMonitor({ context, registry, logger, isLeader });
  return { wiring, registry, logger, calls: () => calls };
}

beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
afterEach(() => jest.useRealTimers());

it('checks a minute after start, then every interval, until stopped', async () => {
  const { wiring, registry, calls } = monitor();
  wiring.start();
  await jest.advanceTimersByTimeAsync(FIRST_WIRING_CHECK_DELAY_MS - 1);
  expect(calls()).toBe(0);
  await jest.advanceTimersByTimeAsync(1);
  await wiring.checkNow();
  expect(calls()).toBeGreaterThanOrEqual(1);
  expect(await registry.metrics()).toContain('cosell_wiring_drift{check="service-endpoint"} 1');
  const after = calls();
  await jest.advanceTimersByTimeAsync(WIRING_CHECK_INTERVAL_MS);
  expect(calls()).toBeGreaterThan(after);
  await wiring.stop();
  const stopped = calls();
  await jest.advanceTimersByTimeAsync(3 * WIRING_CHECK_INTERVAL_MS);
  expect(calls()).toBe(stopped);
});

it('a replica that is not the leader leaves the checks to the leader', async () => {
  const { wiring, calls } = monitor(() => false);
  wiring.start();
  await jest.advanceTimersByTimeAsync(FIRST_WIRING_CHECK_DELAY_MS + 2 * WIRING_CHECK_INTERVAL_MS);
  expect(calls()).toBe(0);
  await wiring.stop();
});
