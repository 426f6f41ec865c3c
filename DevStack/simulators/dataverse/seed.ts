/**
 * Rows every environment has before anyone touches it: the root business unit, the SYSTEM user,
 * the base currency (USD), platform SDK messages and their per-table filters. Ids are stable.
 */
import { FilterableMessages, SdkMessageIds } from './baseSchema';
import type { SdkMessageName } from './baseSchema';
import { stableGuid } from './ids';
import type { MetadataStore } from './metadata';
import { SALESPERSON, SYSTEM_ADMINISTRATOR } from './security';
import type { Security } from './security';
import type { RecordStore, Row } from './store';

export const SYSTEM_USER_ID = stableGuid('systemuser', 'SYSTEM');
export const ROOT_BUSINESS_UNIT_ID = stableGuid('businessunit', 'root');
export const USD_CURRENCY_ID = stableGuid('transactioncurrency', 'USD');

function putIfMissing(
  store: RecordStore,
  entity: string,
  id: string,
  row: Row,
  now: string,
  version: () => number,
): void {
  if (store.get(entity, id)) return;
  store.put(entity, id, { createdon: now, modifiedon: now, ...row, versionnumber: version() });
}

export function seedBaseRows(store: RecordStore, now: string, orgName: string): void {
  const version = () => store.nextVersion();
  putIfMissing(
    store,
    'businessunit',
    ROOT_BUSINESS_UNIT_ID,
    { businessunitid: ROOT_BUSINESS_UNIT_ID, name: orgName },
    now,
    version,
  );
  putIfMissing(
    store,
    'systemuser',
    SYSTEM_USER_ID,
    {
      systemuserid: SYSTEM_USER_ID,
      fullname: 'SYSTEM',
      isdisabled: false,
      businessunitid: { id: ROOT_BUSINESS_UNIT_ID, logicalName: 'businessunit' },
    },
    now,
    version,
  );
  putIfMissing(
    store,
    'transactioncurrency',
    USD_CURRENCY_ID,
    {
      transactioncurrencyid: USD_CURRENCY_ID,
      currencyname: 'US Dollar',
      isocurrencycode: 'USD',
      currencysymbol: '$',
      exchangerate: 1,
      currencyprecision: 2,
      statecode: 0,
      statuscode: 1,
    },
    now,
    version,
  );
  for (const [name, id] of Object.entries(SdkMessageIds))
    putIfMissing(store, 'sdkmessage', id, { sdkmessageid: id, name, isprivate: false }, now, version);
}

/** One sdkmessagefilter per (message, table), created for new tables on import like the platform does. */
export function ensureMessageFilters(store: RecordStore, metadata: MetadataStore, now: string): void {
  for (const table of metadata.allTables()) {
    if (table.isSystem) continue;
    for (const [message, tables] of Object.entries(FilterableMessages) as Array<
      [SdkMessageName, string[] | undefined]
    >) {
      if (tables && !tables.includes(table.logicalName)) continue;
      const id = stableGuid('sdkmessagefilter', message, table.logicalName);
      putIfMissing(
        store,
        'sdkmessagefilter',
        id,
        {
          sdkmessagefilterid: id,
          name: `${message} of ${table.logicalName}`,
          sdkmessageid: { id: SdkMessageIds[message], logicalName: 'sdkmessage' },
          primaryobjecttypecode: table.logicalName,
          secondaryobjecttypecode: 'none',
          iscustomprocessingstepallowed: true,
        },
        now,
        () => store.nextVersion(),
      );
    }
  }
}

const SECURITY_MODEL_KEY = 'securityModel';

/**
 * The platform's System Administrator role and the simulator's seller role. Users a data dir kept
 * from before roles were simulated get the first-use roles once, so an old sandbox keeps working.
 */
export function seedSecurity(
  security: Security,
  store: RecordStore,
  now: string,
  firstUse: { user: string[]; application: string[] },
): void {
  for (const role of [SYSTEM_ADMINISTRATOR, SALESPERSON])
    if (!store.get('role', role.id)) security.putRole(role, ROOT_BUSINESS_UNIT_ID, now);
  if (store.getMeta<number>(SECURITY_MODEL_KEY)) return;
  for (const user of store.list('systemuser')) {
    const id = String(user.systemuserid);
    if (id === SYSTEM_USER_ID || security.roleIdsOf(id).length > 0) continue;
    security.assignByName(id, user.applicationid ? firstUse.application : firstUse.user);
  }
  store.setMeta(SECURITY_MODEL_KEY, 1);
}
