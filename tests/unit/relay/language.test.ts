/** Owner language resolution: supported UI languages pass, everything else (and every failure) is 1033. */
import { EntitySets, SystemColumns, UserSettings } from '../../../Domain/constants';
import { odataQueryString, type ODataQuery } from '../../../Domain/odataQuery';
import { ApiError } from '../../../Relay/ports';
import type { DataverseApi } from '../../../Relay/ports';
import { createLanguageResolver } from '../../../Relay/sync/language';

const OWNER_COLUMN = `_${SystemColumns.ownerId}_value`;
const OWNER = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

function fake(languages: Record<string, number | 'fail'>) {
  const queries: string[] = [];
  const api = {
    retrieve: async (_set: string, id: string, query: ODataQuery) => {
      queries.push(`${id}${odataQueryString(query)}`);
      if (id === 'missing')
        throw new ApiError('not found', { service: 'dataverse', status: 404, method: 'GET', url: 'x' });
      return { [OWNER_COLUMN]: id };
    },
    retrieveMultiple: async (set: string, query: ODataQuery) => {
      queries.push(`${set}${odataQueryString(query)}`);
      const id = /systemuserid eq (\S+)/.exec(odataQueryString(query))![1]!;
      const lcid = languages[id];
      if (lcid === 'fail')
        throw new ApiError('boom', { service: 'dataverse', status: 500, method: 'GET', url: 'x' });
      return lcid === undefined ? [] : [{ [UserSettings.uiLanguageId]: lcid }];
    },
  } as unknown as DataverseApi;
  return { api, queries };
}

it('maps the owner’s UI language to one of the three shipped, else 1033, and caches per owner', async () => {
  const { api, queries } = fake({ [OWNER(1)]: 1046, [OWNER(2)]: 3082, [OWNER(3)]: 1031, [OWNER(4)]: 'fail' });
  const now = { t: 0 };
  const resolver = createLanguageResolver(api, { now: () => new Date(now.t) }, { ttlMs: 1000 });
  expect(await resolver.ofRecordOwner(EntitySets.opportunity, OWNER(1))).toBe(1046);
  expect(queries).toEqual([
    `${OWNER(1)}?$select=${OWNER_COLUMN}`,
    `${UserSettings.entitySet}?$select=${UserSettings.uiLanguageId}&$filter=${UserSettings.systemUserId} eq ${OWNER(1)}`,
  ]);
  expect(await resolver.ofUser(OWNER(2))).toBe(3082);
  expect(await resolver.ofUser(OWNER(3))).toBe(1033); // German: not shipped
  expect(await resolver.ofUser(OWNER(4))).toBe(1033); // settings unreadable
  expect(await resolver.ofUser(OWNER(5))).toBe(1033); // a team: no usersettings row
  expect(await resolver.ofRecordOwner(EntitySets.opportunity, 'missing')).toBe(1033);
  expect(await resolver.ofUser(null)).toBe(1033);

  const before = queries.length;
  expect(await resolver.ofUser(OWNER(1).toUpperCase())).toBe(1046);
  expect(queries.length).toBe(before);
  now.t = 1000;
  await resolver.ofUser(OWNER(1));
  expect(queries.length).toBe(before + 1);
});
