/** Reads the sync handlers share. */
import type { ODataQuery } from '../../Domain/odataQuery';
import { ApiError } from '../ports';
import type { DataverseApi, WebApiRecord } from '../ports';

/** A row by id, or null when Dataverse answers 404: a record deleted meanwhile is nothing to sync. */
export async function retrieveOrNull(
  dataverse: DataverseApi,
  entitySet: string,
  id: string,
  query?: ODataQuery,
): Promise<WebApiRecord | null> {
  try {
    return await dataverse.retrieve(entitySet, id, query);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
