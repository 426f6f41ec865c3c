/**
 * The relay's Dataverse Web API client (implements DataverseApi from Relay/ports.ts).
 *
 * Why not `xrm-webapi-client` (installed): it is built for form scripts — it sends through
 * XMLHttpRequest (absent in Node), keeps the URL and token in module-global settings (one
 * environment and one identity per process, so app-only and on-behalf-of calls would race), has no
 * Retry-After handling for service-protection 429s and reports failures as message strings rather
 * than status + error code. A thin client on the shared Relay/http helpers (undici, Retry-After,
 * backoff, redaction, ApiError) is smaller than adapting it.
 *
 * Web API behaviours handled (dataverse-solution-format.md §6): OData headers, Prefer
 * return=representation / odata.include-annotations / odata.maxpagesize with @odata.nextLink paging,
 * If-Match (update = If-Match: *, so it never creates), @odata.bind by navigation name (callers put
 * them in the record), $batch with one change set or with GETs only, environment variable values,
 * FormXml reads, column metadata (./columnDefinitions.ts).
 */
import { randomUUID } from 'node:crypto';
import { AccessRights, EntitySets, PcfControl, RegistrationEntitySets } from '../../Domain/constants';
import type { AccessRight } from '../../Domain/constants';
import { environmentVariableQuery, environmentVariableValue } from '../../Domain/environmentVariables';
import type { DataverseRecord } from '../../Domain';
import { activeMainFormsQuery, SYSTEM_FORMS } from '../../Domain/formXmlControls';
import { guidOfEntityUrl } from '../../Domain/ids';
import { odataQueryString, requireGuid } from '../../Domain/odataQuery';
import { createHttpClient } from '../http';
import type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from '../http';
import { ApiError } from '../ports';
import type {
  BatchOperation,
  BatchRead,
  BatchReadResult,
  BatchResult,
  DataverseApi,
  RetrieveOptions,
  WebApiRecord,
  WhoAmIResponse,
  WriteOptions,
} from '../ports';
import type { DataverseTokenProvider } from './auth';
import { columnMetadataRequests, parseColumnDefinitions } from './columnDefinitions';
import { buildBatchRequest, parseBatchResponse } from './multipart';
import type { BatchRequestItem, BatchResponseItem, HttpRequestPart, HttpResponsePart } from './multipart';

export const WEB_API_PATH = '/api/data/v9.2/';

export interface DataverseClientOptions {
  /** `https://<org>.crm.dynamics.com` (or the simulator's `http://127.0.0.1:<port>`). */
  environmentUrl: string;
  tokens: DataverseTokenProvider;
  /** The seam to the shared HTTP helpers; built from `http` options when absent. */
  httpClient?: HttpClient;
  http?: Omit<HttpClientOptions, 'service'>;
}

/** Optional extras beyond the port. */
export interface DataverseClient extends DataverseApi {
  readonly apiUrl: string;
}

/**
 * RetrievePrincipalAccess's `AccessRights`: enum-flag names joined by ", " (or "None"), e.g.
 * "ReadAccess, WriteAccess" (AccessRights EnumType). Names this client does not know are ignored.
 */
export function parseAccessRights(text: unknown): AccessRight[] {
  if (typeof text !== 'string') return [];
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name): name is AccessRight => Object.hasOwn(AccessRights, name));
}

const idFromEntityUrl = (url: string | undefined): string | undefined => guidOfEntityUrl(url) ?? undefined;

/** Rows are addressed by GUID only: anything else would be read as an alternate key or break the URL. */
const recordKey = (entitySet: string, id: string): string => requireGuid(id, `The ${entitySet} key`);

function parseJson(response: HttpResponse): unknown {
  return response.text.trim() ? (JSON.parse(response.text) as unknown) : undefined;
}

export function createDataverseClient(options: DataverseClientOptions): DataverseClient {
  const origin = new URL(options.environmentUrl).origin;
  const apiUrl = origin + WEB_API_PATH;
  const http = options.httpClient ?? createHttpClient({ service: 'dataverse', ...options.http });

  async function headersFor(
    extra: Record<string, string | undefined>,
    userAssertion?: string,
  ): Promise<Record<string, string>> {
    const token = userAssertion
      ? await options.tokens.getTokenOnBehalfOf(userAssertion)
      : await options.tokens.getToken();
    const headers: Record<string, string> = {
      accept: 'application/json',
      'odata-maxversion': '4.0',
      'odata-version': '4.0',
      authorization: `Bearer ${token}`,
    };
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) headers[k] = v;
    return headers;
  }

  const prefer = (...parts: Array<string | false | undefined>): string | undefined => {
    const list = parts.filter((p): p is string => typeof p === 'string' && p.length > 0);
    return list.length > 0 ? list.join(',') : undefined;
  };

  async function send(req: HttpRequest): Promise<HttpResponse> {
    // new URL() percent-encodes the spaces of OData query text (`$filter=name eq 'x'`).
    return http.send({ ...req, url: new URL(req.url).toString() });
  }

  async function get(url: string, retrieve: RetrieveOptions = {}): Promise<HttpResponse> {
    const headers = await headersFor(
      {
        // Documented cache-buster for expanded collections.
        'if-none-match': 'null',
        prefer: prefer(
          retrieve.annotations && 'odata.include-annotations="*"',
          retrieve.maxPageSize !== undefined && `odata.maxpagesize=${retrieve.maxPageSize}`,
        ),
      },
      retrieve.userAssertion,
    );
    return send({ method: 'GET', url, headers });
  }

  function writeHeaders(write: WriteOptions, ifMatch: string | undefined): Promise<Record<string, string>> {
    return headersFor({
      'content-type': 'application/json',
      prefer: prefer(write.returnRepresentation && 'return=representation'),
      'if-match': ifMatch,
      'mscrm.solutionuniquename': write.solutionUniqueName,
    });
  }

  const entityUrl = (entitySet: string, id: string): string =>
    `${apiUrl}${entitySet}(${recordKey(entitySet, id)})`;

  async function patch(
    entitySet: string,
    id: string,
    record: DataverseRecord,
    write: WriteOptions,
    ifMatch?: string,
  ) {
    await send({
      method: 'PATCH',
      url: entityUrl(entitySet, id),
      headers: await writeHeaders(write, ifMatch),
      json: record,
      // A PATCH with a condition can be repeated safely; a blind upsert too (same values).
      idempotent: true,
    });
  }

  function batchError(part: HttpResponsePart, url: string): ApiError {
    let code: string | null = null;
    let message = part.body;
    try {
      const body = JSON.parse(part.body) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? null;
      message = body.error?.message ?? message;
    } catch {
      // not JSON: keep the text
    }
    return new ApiError(`dataverse: $batch change set failed → ${part.status}: ${message}`, {
      service: 'dataverse',
      status: part.status,
      method: 'POST',
      url,
      requestId: part.headers['req_id'] ?? part.headers['x-ms-service-request-id'] ?? null,
      code,
      cause: { status: part.status, code, body: part.body.slice(0, 2000), retryAfterMs: null },
    });
  }

  const batchUrl = `${apiUrl}$batch`;

  /** POST one `$batch` (multipart/mixed) and parse its parts. */
  async function postBatch(
    items: BatchRequestItem[],
    options: { prefer?: string; readOnly?: boolean } = {},
  ): Promise<{ items: BatchResponseItem[]; response: HttpResponse }> {
    const boundary = `batch_${randomUUID()}`;
    const body = buildBatchRequest(boundary, items, () => `changeset_${randomUUID()}`);
    const response = await send({
      method: 'POST',
      url: batchUrl,
      headers: await headersFor({
        'content-type': `multipart/mixed; boundary=${boundary}`,
        prefer: options.prefer,
      }),
      body,
      // A batch of GETs changes nothing: it can be sent again after a 5xx like a single GET.
      idempotent: options.readOnly === true,
    });
    return { items: parseBatchResponse(response.text, response.headers['content-type']), response };
  }

  const emptyBatch = (response: HttpResponse) =>
    new ApiError('dataverse: empty $batch response', {
      service: 'dataverse',
      status: response.status,
      method: 'POST',
      url: batchUrl,
    });

  return {
    apiUrl,

    async retrieve(entitySet, id, query, retrieve = {}) {
      const response = await get(`${entityUrl(entitySet, id)}${odataQueryString(query)}`, retrieve);
      return parseJson(response) as WebApiRecord;
    },

    async retrieveMultiple(entitySet, query, retrieve = {}) {
      const rows: WebApiRecord[] = [];
      let url: string | undefined = `${apiUrl}${entitySet}${odataQueryString(query)}`;
      while (url) {
        const page = parseJson(await get(url, retrieve)) as {
          value: WebApiRecord[];
          '@odata.nextLink'?: string;
        };
        rows.push(...page.value);
        url = page['@odata.nextLink'];
      }
      return rows;
    },

    async create(entitySet, record, write = {}) {
      const response = await send({
        method: 'POST',
        url: `${apiUrl}${entitySet}`,
        headers: await writeHeaders(write, undefined),
        json: record,
      });
      const id = idFromEntityUrl(response.headers['odata-entityid']);
      if (!id)
        throw new ApiError('dataverse: create returned no OData-EntityId', {
          service: 'dataverse',
          status: response.status,
          method: 'POST',
          url: `${apiUrl}${entitySet}`,
          requestId: response.requestId,
        });
      return id;
    },

    async update(entitySet, id, record, write = {}) {
      // If-Match: * turns the PATCH into update-only (no upsert-create of a deleted row).
      await patch(entitySet, id, record, write, write.ifMatch ?? '*');
    },

    async upsert(entitySet, id, record, write = {}) {
      await patch(entitySet, id, record, write, write.ifMatch ?? (write.updateOnly ? '*' : undefined));
    },

    async delete(entitySet, id, write = {}) {
      await send({
        method: 'DELETE',
        url: entityUrl(entitySet, id),
        headers: await headersFor({ 'if-match': write.ifMatch }),
      });
    },

    async retrieveBatch(reads: BatchRead[]): Promise<BatchReadResult[]> {
      if (reads.length === 0) return [];
      if (reads.length > 1000) throw new RangeError('A $batch holds at most 1000 requests');
      const parts: HttpRequestPart[] = reads.map((read) => ({
        method: 'GET',
        // Percent-encoded like a single request's URL (the spaces of $filter text).
        url: new URL(
          `${read.id === undefined ? `${apiUrl}${read.entitySet}` : entityUrl(read.entitySet, read.id)}${odataQueryString(read.query)}`,
        ).toString(),
        headers: { Accept: 'application/json' },
      }));
      // Every GET answers even when one fails (a 404 of a row that is gone is an answer, not a stop).
      const { items, response } = await postBatch(parts, {
        prefer: 'odata.continue-on-error',
        readOnly: true,
      });
      if (items.length !== reads.length) throw emptyBatch(response);
      return Promise.all(
        items.map(async (item, index): Promise<BatchReadResult> => {
          if ('changeset' in item) throw emptyBatch(response);
          const read = reads[index]!;
          if (read.id !== undefined && item.status === 404) return null;
          if (item.status >= 400) throw batchError(item, batchUrl);
          const body = JSON.parse(item.body) as WebApiRecord;
          if (read.id !== undefined) return body;
          const page = body as { value: WebApiRecord[]; '@odata.nextLink'?: string };
          const rows = [...page.value];
          // A collection longer than one page: the rest along @odata.nextLink, as retrieveMultiple does.
          let next = page['@odata.nextLink'];
          while (next) {
            const more = parseJson(await get(next)) as typeof page;
            rows.push(...more.value);
            next = more['@odata.nextLink'];
          }
          return rows;
        }),
      );
    },

    async executeBatch(operations: BatchOperation[]): Promise<BatchResult[]> {
      if (operations.length === 0) return [];
      if (operations.length > 1000) throw new RangeError('A $batch holds at most 1000 requests');
      const parts: HttpRequestPart[] = operations.map((op, index) => {
        const contentId = op.contentId ?? String(index + 1);
        const headers: Record<string, string> = { 'Content-Type': 'application/json; type=entry' };
        if (op.method === 'POST')
          return {
            method: 'POST',
            url: `${apiUrl}${op.entitySet}`,
            headers,
            body: JSON.stringify(op.record),
            contentId,
          };
        if (op.method === 'PATCH') {
          headers['If-Match'] = op.ifMatch ?? '*';
          return {
            method: 'PATCH',
            url: entityUrl(op.entitySet, op.id),
            headers,
            body: JSON.stringify(op.record),
            contentId,
          };
        }
        return { method: 'DELETE', url: entityUrl(op.entitySet, op.id), headers: {}, contentId };
      });
      const { items, response } = await postBatch([{ changeset: parts }]);
      const first = items[0];
      if (!first) throw emptyBatch(response);
      // A failed change set answers with the one failing request instead of a change set.
      if (!('changeset' in first)) throw batchError(first, batchUrl);
      return first.changeset.map((part) => {
        if (part.status >= 400) throw batchError(part, batchUrl);
        const result: BatchResult = { status: part.status };
        const id = idFromEntityUrl(part.headers['odata-entityid']);
        if (id) result.id = id;
        if (part.headers['etag']) result.etag = part.headers['etag'];
        return result;
      });
    },

    async associate(entitySet, id, navigation, targetEntitySet, targetId) {
      await send({
        method: 'POST',
        url: `${entityUrl(entitySet, id)}/${navigation}/$ref`,
        headers: await headersFor({ 'content-type': 'application/json' }),
        json: { '@odata.id': entityUrl(targetEntitySet, targetId) },
        idempotent: true,
      });
    },

    async disassociate(entitySet, id, navigation, targetId) {
      await send({
        method: 'DELETE',
        url: `${entityUrl(entitySet, id)}/${navigation}(${targetId})/$ref`,
        headers: await headersFor({}),
      });
    },

    async getEnvironmentVariable(schemaName) {
      const [definition] = await this.retrieveMultiple(
        RegistrationEntitySets.environmentVariableDefinitions,
        environmentVariableQuery(schemaName),
      );
      return environmentVariableValue(definition);
    },

    async executeAction(name, parameters) {
      const response = await send({
        method: 'POST',
        url: `${apiUrl}${name}`,
        headers: await headersFor({ 'content-type': 'application/json' }),
        json: parameters,
      });
      return parseJson(response);
    },

    async executeBoundAction(entitySet, id, name, parameters) {
      const response = await send({
        method: 'POST',
        url: `${entityUrl(entitySet, id)}/Microsoft.Dynamics.CRM.${name}`,
        headers: await headersFor({ 'content-type': 'application/json' }),
        json: parameters,
      });
      return parseJson(response);
    },

    async getSystemForms(entity) {
      const rows = await this.retrieveMultiple(
        SYSTEM_FORMS,
        activeMainFormsQuery(entity, ['formid', 'name', 'formxml']),
      );
      return rows
        .filter((row) => typeof row.formxml === 'string' && row.formxml.includes(PcfControl.fullName))
        .map((row) => ({ formid: String(row.formid), name: String(row.name), formxml: String(row.formxml) }));
    },

    async getColumnDefinitions(table) {
      const answers: WebApiRecord[][] = [];
      for (const request of columnMetadataRequests(table)) {
        try {
          answers.push(await this.retrieveMultiple(request.path, request.query));
        } catch (error) {
          // The first request reads the table itself: 404 = the environment has no such table.
          if (answers.length === 0 && error instanceof ApiError && error.status === 404) return null;
          throw error;
        }
      }
      return parseColumnDefinitions(answers);
    },

    async whoAmI(retrieve = {}) {
      const response = await get(`${apiUrl}WhoAmI`, retrieve);
      return parseJson(response) as WhoAmIResponse;
    },

    async retrievePrincipalAccess(userId, target, retrieve = {}) {
      // Bound function on the principal; the target goes in a parameter alias, as in Microsoft's
      // Web API sample: …/RetrievePrincipalAccess(Target=@tid)?@tid={"@odata.id":"opportunities(<id>)"}.
      const principal = entityUrl(EntitySets.systemuser, userId);
      const targetRef = `${target.entitySet}(${recordKey(target.entitySet, target.id)})`;
      const alias = encodeURIComponent(JSON.stringify({ '@odata.id': targetRef }));
      const response = await get(
        `${principal}/Microsoft.Dynamics.CRM.RetrievePrincipalAccess(Target=@tid)?@tid=${alias}`,
        retrieve,
      );
      return parseAccessRights((parseJson(response) as { AccessRights?: unknown }).AccessRights);
    },
  };
}
