/**
 * Environment variable settings: read once, then cached; once the cache has expired a job goes on
 * with the value it has while the new one is read beside it, so no job waits for that read.
 */
import type { DataverseApi } from '../../../Relay/ports';
import { createSettings } from '../../../Relay/sync/settings';

function fakeDataverse() {
  const reads: Array<(value: string | null) => void> = [];
  const dataverse = {
    getEnvironmentVariable: () => new Promise<string | null>((resolve) => reads.push(resolve)),
  } as unknown as DataverseApi;
  return { dataverse, reads };
}

const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

it('reads a variable once, then refreshes it after the TTL without making a job wait', async () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const { dataverse, reads } = fakeDataverse();
  const settings = createSettings(dataverse, { now: () => new Date(now) }, 60_000);

  const first = settings.variable('pcs_X');
  await turns();
  expect(reads).toHaveLength(1);
  reads[0]!('yes');
  expect(await first).toBe('yes');
  expect(await settings.variable('pcs_X')).toBe('yes');
  expect(reads).toHaveLength(1);

  now += 60_000;
  let answered: string | null | undefined;
  void settings.variable('pcs_X').then((value) => (answered = value));
  await turns();
  // Answered from the cache while the refresh is still out; two jobs meanwhile start one read.
  expect(answered).toBe('yes');
  expect(await settings.variable('pcs_X')).toBe('yes');
  expect(reads).toHaveLength(2);
  reads[1]!('no');
  await turns();
  expect(await settings.variable('pcs_X')).toBe('no');
  expect(reads).toHaveLength(2);
});

it('keeps the old value when a refresh fails, and tries again on the next read', async () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  let fail = false;
  let calls = 0;
  const dataverse = {
    getEnvironmentVariable: async () => {
      calls += 1;
      if (fail) throw new Error('503');
      return 'yes';
    },
  } as unknown as DataverseApi;
  const settings = createSettings(dataverse, { now: () => new Date(now) }, 60_000);
  expect(await settings.variable('pcs_X')).toBe('yes');
  now += 60_000;
  fail = true;
  expect(await settings.variable('pcs_X')).toBe('yes');
  await turns();
  expect(await settings.variable('pcs_X')).toBe('yes');
  await turns();
  expect(calls).toBe(3);
});

it('reads at once after invalidate', async () => {
  let value = 'a';
  const dataverse = { getEnvironmentVariable: async () => value } as unknown as DataverseApi;
  const settings = createSettings(dataverse, { now: () => new Date() }, 60_000);
  expect(await settings.variable('pcs_X')).toBe('a');
  value = 'b';
  settings.invalidate();
  expect(await settings.variable('pcs_X')).toBe('b');
});
