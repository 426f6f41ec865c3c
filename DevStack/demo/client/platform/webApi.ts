/**
 * The browser's Dataverse Web API client behind Xrm.WebApi and the PCF context's webAPI: real OData
 * requests against `<clientUrl>/api/data/v9.2/` (the demo server forwards them to the Dataverse
 * simulator, or to a real org), with the headers and Prefer annotations the platform's own client sends.
 */
import { EntitySets, type TableName } from '../../../../Domain/constants';
import type { DataverseRecord } from '../../../../Domain/opportunity';
import { guidOfEntityUrl } from '../../../../Domain/ids';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** A failed Web API call, shaped like the errors Xrm.WebApi rejects with (`errorCode`, `message`). */
export class WebApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'WebApiError';
  }
}

/** Platform tables the scripts may read whose entity set names are not in our constants. */
const PLATFORM_SETS: Record<string, string> = {
  environmentvariabledefinition: 'environmentvariabledefinitions',
  environmentvariablevalue: 'environmentvariablevalues',
  systemform: 'systemforms',
  webresource: 'webresourceset',
  savedquery: 'savedqueries',
};

export const entitySetOf = (table: string): string =>
  EntitySets[table as TableName] ?? PLATFORM_SETS[table] ?? `${table}s`;

const stripBraces = (id: string): string => id.replace(/[{}]/g, '');

export interface RetrieveMultipleResult {
  entities: DataverseRecord[];
  nextLink?: string;
}

export class DataverseWebApi {
  readonly base: string;

  constructor(
    clientUrl: string,
    private readonly fetchImpl: FetchLike,
  ) {
    this.base = `${clientUrl.replace(/\/$/, '')}/api/data/v9.2/`;
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const response = await this.fetchImpl(path.startsWith('http') ? path : this.base + path, {
      method,
      headers: {
        Accept: 'application/json',
        'OData-MaxVersion': '4.0',
        'OData-Version': '4.0',
        // Formatted values and lookup table names, as the platform's client requests them.
        Prefer: 'odata.include-annotations="*"',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      let code = String(response.status);
      let message = `${method} ${path} failed with HTTP ${response.status}`;
      try {
        const error = ((await response.json()) as { error?: { code?: string; message?: string } }).error;
        code = error?.code ?? code;
        message = error?.message ?? message;
      } catch {
        // Not a Dataverse error body (proxy or network error page): keep the generic message.
      }
      throw new WebApiError(response.status, code, message);
    }
    return response;
  }

  async getJson<T = DataverseRecord>(path: string): Promise<T> {
    return (await (await this.request('GET', path)).json()) as T;
  }

  /** `options` is the OData query string as Xrm.WebApi takes it: `?$select=…`. */
  retrieveRecord(table: string, id: string, options = ''): Promise<DataverseRecord> {
    return this.getJson(`${entitySetOf(table)}(${stripBraces(id)})${normalizeQuery(options)}`);
  }

  async retrieveMultipleRecords(
    table: string,
    options = '',
    maxPageSize?: number,
  ): Promise<RetrieveMultipleResult> {
    const headers: Record<string, string> = maxPageSize
      ? { Prefer: `odata.include-annotations="*",odata.maxpagesize=${maxPageSize}` }
      : {};
    const path = options.startsWith('http') ? options : `${entitySetOf(table)}${normalizeQuery(options)}`;
    const page = (await (await this.request('GET', path, undefined, headers)).json()) as {
      value: DataverseRecord[];
      '@odata.nextLink'?: string;
    };
    return { entities: page.value, nextLink: page['@odata.nextLink'] };
  }

  async createRecord(table: string, data: DataverseRecord): Promise<{ id: string; entityType: string }> {
    const response = await this.request('POST', entitySetOf(table), data);
    // 204 + OData-EntityId: https://org/api/data/v9.2/accounts(00000000-…)
    const entityId = response.headers.get('OData-EntityId') ?? '';
    const id = guidOfEntityUrl(entityId) ?? '';
    return { id, entityType: table };
  }

  async updateRecord(
    table: string,
    id: string,
    data: DataverseRecord,
  ): Promise<{ id: string; entityType: string }> {
    await this.request('PATCH', `${entitySetOf(table)}(${stripBraces(id)})`, data, { 'If-Match': '*' });
    return { id: stripBraces(id), entityType: table };
  }

  async deleteRecord(table: string, id: string): Promise<{ id: string; entityType: string }> {
    await this.request('DELETE', `${entitySetOf(table)}(${stripBraces(id)})`);
    return { id: stripBraces(id), entityType: table };
  }
}

/** Xrm.WebApi accepts options with or without the leading `?`. */
const normalizeQuery = (options: string): string =>
  !options ? '' : options.startsWith('?') ? options : `?${options}`;
