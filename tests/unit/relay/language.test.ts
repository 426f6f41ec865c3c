/** Owner language resolution: supported UI languages pass, everything else (and every failure) is 1033. */
import { EntitySets, OpportunityColumns, SystemColumns, UserSettings } from '../../../Domain/constants';
import { columnName, lookup } from '../../../Domain/odataQuery';
import { createLanguageResolver } from '../../../Relay/sync/language';
import { FakeClock } from '../../testkit/clock';
import { FakeDataverse } from '../../testkit/fakeDataverse';

const OWNER = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const RECORD = (n: number) => `0000000${n}-aaaa-4000-8000-000000000000`;

/** Opportunity n owned by user n, whose UI language is `languages[n]` (no settings row when absent). */
async function dataverseWith(languages: Record<number, number>): Promise<FakeDataverse> {
  const dataverse = new FakeDataverse();
  for (const n of [1, 2, 3, 4, 5]) {
    await dataverse.create(EntitySets.opportunity, {
      [OpportunityColumns.id]: RECORD(n),
      [columnName(lookup(SystemColumns.ownerId))]: OWNER(n),
    });
    const lcid = languages[n];
    if (lcid !== undefined)
      await dataverse.create(UserSettings.entitySet, {
        [UserSettings.systemUserId]: OWNER(n),
        [UserSettings.uiLanguageId]: lcid,
      });
  }
  dataverse.calls.length = 0;
  return dataverse;
}

it('maps the owner’s UI language to one of the three shipped, else 1033, and caches per owner', async () => {
  const dataverse = await dataverseWith({ 1: 1046, 2: 3082, 3: 1031, 4: 1046 });
  const clock = new FakeClock('2026-01-01T00:00:00Z');
  const resolver = createLanguageResolver(dataverse, clock, { ttlMs: 1000 });
  const reads = () => dataverse.calls.map((c) => `${c.entitySet}${c.id ? `(${c.id})` : ''}${c.query}`);

  expect(await resolver.ofRecordOwner(EntitySets.opportunity, RECORD(1))).toBe(1046);
  expect(reads()).toEqual([
    `${EntitySets.opportunity}(${RECORD(1)})?$select=_ownerid_value`,
    `${UserSettings.entitySet}?$select=${UserSettings.uiLanguageId}&$filter=${UserSettings.systemUserId} eq ${OWNER(1)}`,
  ]);
  expect(await resolver.ofUser(OWNER(2))).toBe(3082);
  expect(await resolver.ofUser(OWNER(3))).toBe(1033); // German: not shipped
  dataverse.failNext('retrieveMultiple', 500);
  expect(await resolver.ofUser(OWNER(4))).toBe(1033); // settings unreadable
  expect(await resolver.ofUser(OWNER(5))).toBe(1033); // a team: no usersettings row
  expect(await resolver.ofRecordOwner(EntitySets.opportunity, RECORD(9))).toBe(1033); // no such record
  expect(await resolver.ofUser('not-a-user-id')).toBe(1033);
  expect(await resolver.ofUser(null)).toBe(1033);

  const before = dataverse.calls.length;
  expect(await resolver.ofUser(OWNER(1).toUpperCase())).toBe(1046);
  expect(dataverse.calls.length).toBe(before);
  clock.advance(1000);
  await resolver.ofUser(OWNER(1));
  expect(dataverse.calls.length).toBe(before + 1);
});
