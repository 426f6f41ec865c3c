/**
 * `cosell backfill` against the local stack: referrals Partner Center already held (put straight into
 * the simulator, as if received before the relay existed) are brought into Dataverse once. A second
 * run creates nothing, an interrupted run resumes at its checkpoint, and a dry run writes nothing.
 */
import { captureIo } from '../../../Relay/cli/io';
import { main } from '../../../Relay/cli/main';
import { silentLogger } from '../../../Relay/logging/logger';
import { BACKFILL_CHECKPOINT, backfill } from '../../../Relay/sync/backfill';
import { instrumentApi } from '../../../Relay/sync/instrument';
import type { StoredReferral } from '../../../Domain/referral';
import { existingReferrals as seedReferrals, withSandboxCli } from '../../testkit/existingData';
import { RecordingMetrics } from '../../testkit/recording';
import { MICROSOFT_REFERRALS_AS_OPPORTUNITIES, startTestStack } from '../../testkit/stack';
import type { TestStack } from '../../testkit/stack';

const DAY = 24 * 3600 * 1000;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ environmentVariables: MICROSOFT_REFERRALS_AS_OPPORTUNITIES });
});

/** `count` referrals Microsoft sent before the relay was installed, last changed `daysAgo` days ago. */
const existingReferrals = (count: number, daysAgo: number) => seedReferrals(stack, count, daysAgo);

async function linkedRecords(referrals: StoredReferral[]): Promise<number[]> {
  return Promise.all(referrals.map(async (r) => (await stack.opportunitiesOfReferral(r.id)).length));
}

/** `cosell backfill` as an admin runs it: sandbox clients, its own data folder. */
const withSandboxEnv = <T>(run: () => Promise<T>) => withSandboxCli(stack, run);

it('brings every existing referral in once; a second run creates nothing', async () => {
  const referrals = existingReferrals(7, 40);
  const first = await backfill(stack.relay.sync, silentLogger, { since: null });
  expect(first.complete).toBe(true);
  expect(first.counts.created).toBeGreaterThanOrEqual(7);
  expect(await linkedRecords(referrals)).toEqual(referrals.map(() => 1));
  expect(await stack.relay.store.getState(BACKFILL_CHECKPOINT)).toBeNull();

  const second = await backfill(stack.relay.sync, silentLogger, { since: null });
  expect(second.counts).toMatchObject({ created: 0, updated: 0, queued: 0 });
  expect(second.counts.unchanged).toBe(second.counts.read);
  expect(await linkedRecords(referrals)).toEqual(referrals.map(() => 1));
});

it('reads each referral from its list page, not again one by one', async () => {
  const referrals = existingReferrals(5, 50);
  const metrics = new RecordingMetrics();
  const partnerCenter = instrumentApi(stack.relay.sync.partnerCenter, 'partnercenter', metrics);
  const since = new Date(Date.now() - 60 * DAY);
  const run = await backfill({ ...stack.relay.sync, partnerCenter }, silentLogger, { since });
  expect(run.counts.created).toBe(5);
  expect(await linkedRecords(referrals)).toEqual(referrals.map(() => 1));
  const calls = (operation: string) => metrics.apiCalls.total({ api: 'partnercenter', operation });
  expect(calls('getReferral')).toBe(0);
  // The write that links our record (externalReferenceId) still goes out, with the listed eTag.
  expect(calls('patchReferral')).toBe(5);
  expect(calls('listReferralPage')).toBe(run.counts.pages);
});

it('resumes an interrupted run at its checkpoint, and --since stops at older referrals', async () => {
  const older = existingReferrals(3, 300);
  const recent = existingReferrals(25, 10);
  let pages = 0;
  const since = new Date(Date.now() - 20 * DAY);
  const stopped = await backfill(
    stack.relay.sync,
    silentLogger,
    { since },
    { onPage: () => (pages += 1), shouldStop: () => pages === 1 },
  );
  expect(stopped.complete).toBe(false);
  expect(JSON.parse((await stack.relay.store.getState(BACKFILL_CHECKPOINT))!)).toMatchObject({
    since: since.toISOString(),
  });
  const resumed = await backfill(stack.relay.sync, silentLogger, { since });
  expect(resumed).toMatchObject({ resumed: true, complete: true });
  expect(resumed.counts.created).toBe(25);
  expect(await linkedRecords(recent)).toEqual(recent.map(() => 1));
  expect(await linkedRecords(older)).toEqual([0, 0, 0]);
});

it('`cosell backfill --since … --dry-run` writes nothing; without --dry-run it links them, once', async () => {
  const referrals = existingReferrals(2, 1);
  // Referrals linked by the tests above changed today too (their externalReferenceId was set).
  const since = new Date(Date.now() - 3 * DAY).toISOString().slice(0, 10);
  await withSandboxEnv(async () => {
    const dry = captureIo();
    expect(await main(['backfill', '--since', since, '--dry-run'], dry)).toBe(0);
    expect(dry.out).toMatch(
      /^dry run, nothing written: read \d+ referrals in \d+ pages: created 2, updated \d+,/,
    );
    expect(await linkedRecords(referrals)).toEqual([0, 0]);

    const io = captureIo();
    expect(await main(['backfill', '--since', since], io)).toBe(0);
    expect(io.out).toMatch(/^read \d+ referrals in \d+ pages: created 2, /);
    expect(await linkedRecords(referrals)).toEqual([1, 1]);

    const again = captureIo();
    expect(await main(['backfill', '--since', since], again)).toBe(0);
    expect(again.out).toMatch(/^read \d+ referrals in \d+ pages: created 0, /);
  });
});

it('asks for exactly one of --since or --all, and a readable date', async () => {
  const io = captureIo();
  expect(await main(['backfill'], io)).toBe(2);
  expect(io.err).toContain('give exactly one of --since <date> or --all');
  const bad = captureIo();
  expect(await main(['backfill', '--since', 'last tuesday'], bad)).toBe(1);
  expect(bad.err).toContain('is not a date');
});
