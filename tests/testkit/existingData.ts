/**
 * What the `cosell backfill` and `cosell migrate` end-to-end tests share: referrals Partner Center held
 * before the relay existed (put straight into the simulator's store, as if received long ago), and a
 * `cosell` command run the way an admin runs it — sandbox clients pointed at the stack, its own data
 * folder, the process environment restored afterwards.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoredReferral } from '../../Domain/referral';
import { wireDate } from '../../DevStack/simulators/partnercenter/referralService';
import { SANDBOX_WEBHOOK_KEY } from '../../DevStack/sandbox/stack';
import type { LocalStack } from '../../DevStack/sandbox/stack';
import { referralSample } from './referrals';

const DAY = 24 * 3600 * 1000;

/**
 * `count` referrals Microsoft sent before the relay was installed, last changed `daysAgo` days ago
 * (one second apart), with `overrides` (e.g. a status, or the record id in externalReferenceId).
 */
export function existingReferrals(
  stack: Pick<LocalStack, 'partnerCenter'>,
  count: number,
  daysAgo: number,
  overrides: Record<string, unknown> = {},
): StoredReferral[] {
  const sample = referralSample();
  const now = Date.now();
  const referrals = Array.from({ length: count }, (_, i) => {
    const at = wireDate(new Date(now - daysAgo * DAY - i * 1000));
    return {
      ...structuredClone(sample),
      name: `Existing deal ${daysAgo}-${i}`,
      id: randomUUID(),
      engagementId: randomUUID(),
      eTag: `"${randomUUID()}"`,
      createdDateTime: at,
      updatedDateTime: at,
      externalReferenceId: null,
      ...overrides,
    } as unknown as StoredReferral;
  });
  stack.partnerCenter.store.state.referrals.push(...referrals);
  return referrals;
}

/** Runs `run` (a `main([...])` call) with the environment `cosell` reads, pointed at the stack. */
export function withSandboxCli<T>(
  stack: Pick<LocalStack, 'dataverse' | 'partnerCenter'>,
  run: () => Promise<T>,
): Promise<T> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cosell-cli-'));
  const saved = { ...process.env };
  Object.assign(process.env, {
    COSELL_SANDBOX: 'true',
    COSELL_HOST: '127.0.0.1',
    COSELL_DATAVERSE_URL: stack.dataverse.url,
    COSELL_DATAVERSE_WEBHOOK_KEY: SANDBOX_WEBHOOK_KEY,
    COSELL_PC_BASE_URL: stack.partnerCenter.url,
    COSELL_PC_WEBHOOK_BASE_URL: stack.partnerCenter.url,
    COSELL_DATA_DIR: dataDir,
  });
  return run().finally(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    rmSync(dataDir, { recursive: true, force: true });
  });
}
