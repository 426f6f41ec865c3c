/**
 * The Dataverse Web API as browser code reads it. `WebApiReader` is the port: both `Xrm.WebApi` (form
 * scripts) and PCF's `context.webAPI` offer these two calls with these shapes, so the snapshot loader
 * and the relay client's settings reads run unchanged in either host and against a typed fake in tests.
 */
import { normalizeGuid } from './ids';
import { columnName, lookup, odataQueryString } from './odataQuery';
import type { DataverseRecord } from './opportunity';

export interface WebApiReader {
  retrieveRecord(entityLogicalName: string, id: string, options?: string): PromiseLike<DataverseRecord>;
  retrieveMultipleRecords(
    entityLogicalName: string,
    options?: string,
    maxPageSize?: number,
  ): PromiseLike<{ entities: DataverseRecord[]; nextLink?: string }>;
}

/** Web API name of a lookup's value column (`parentaccountid` → `_parentaccountid_value`). */
export const lookupValue = (column: string): string => columnName(lookup(column));

/**
 * Dataverse ids arrive braced and upper-case from some hosts (`{7D0A…}`); OData filters want the bare
 * GUID. Anything else is refused, so an id can never carry query text into a filter.
 */
export function bareRecordId(id: string): string {
  const bare = normalizeGuid(id);
  if (!bare) throw new Error(`Not a record id: ${id}`);
  return bare;
}

/** `?$select=a,b`: each column once, in first-mention order. */
export const selectOption = (columns: string[]): string => odataQueryString({ select: columns });
