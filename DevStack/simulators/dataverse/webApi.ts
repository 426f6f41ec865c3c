/**
 * The Web API surface (`/api/data/v9.2/…`): routes one HTTP request (also each part of a `$batch`)
 * to queries, writes, associations, actions and metadata reads, and shapes the OData responses.
 * HTTP plumbing lives in ./server; row semantics in ./organizationService.
 */
import { randomUUID } from 'node:crypto';
import { buildBatchResponse, parseBatchRequest, statusText } from '../../../Relay/dataverse/multipart';
import type {
  BatchResponseItem,
  HttpRequestPart,
  HttpResponsePart,
} from '../../../Relay/dataverse/multipart';
import type { Clock } from '../../../Relay/ports';
import { badProperty, badRequest, DataverseError, ErrorCodes, notFound } from './errors';
import type { Caller, EventPipeline, Organization } from './events';
import type { ImportService } from './importService';
import type { MetadataStore, TableDef } from './metadata';
import { evaluateFilter, filterProperties } from './odata/filter';
import type { FilterNode } from './odata/filter';
import { parseQueryOptions } from './odata/query';
import type { ExpandOption, QueryOptions } from './odata/query';
import { etagOf } from './organizationService';
import type { OrganizationService, WriteScope } from './organizationService';
import { parsePrefer } from './prefer';
import type { Preferences } from './prefer';
import { findManyToMany } from './manyToMany';
import type { ManyToMany } from './manyToMany';
import { closeOpportunity, qualifyLead } from './salesMessages';
import type { SalesDeps } from './salesMessages';
import type { AccessContext, Security } from './security';
import { ROOT_BUSINESS_UNIT_ID } from './seed';
import { isLookupValue } from './store';
import type { LookupValue, RecordStore, Row } from './store';
import { isGuid } from '../../../Domain/ids';
import { attributeByWireName, bodyToRow, parseEntityReference, rowToJson, wireValue } from './values';

export const API_PATH = '/api/data/v9.2/';

export interface SimRequest {
  method: string;
  /** Path after `/api/data/v9.2/`, percent-decoded. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: string;
  caller: Caller;
  /** The caller's privileges, read once per request. */
  access?: AccessContext;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON value, or a raw string (multipart). */
  body?: unknown;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimResponse => ({
  status,
  headers: { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0', ...headers },
  body,
});
const noContent = (headers: Record<string, string> = {}): SimResponse => ({
  status: 204,
  headers: { 'odata-version': '4.0', ...headers },
});

const SEGMENT = /^([A-Za-z_][A-Za-z0-9_.]*)(?:\((.*)\))?$/;

interface Segment {
  name: string;
  key?: string;
}

function splitPath(path: string): Segment[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((part) => {
      const match = SEGMENT.exec(part);
      if (!match && part !== '$ref' && part !== '$batch' && part !== '$metadata')
        throw badRequest(`Invalid path segment '${part}'`);
      return match
        ? { name: match[1]!, ...(match[2] !== undefined ? { key: match[2] } : {}) }
        : { name: part };
    });
}

function guidKey(key: string | undefined): string {
  const value = (key ?? '').replace(/^'|'$/g, '');
  if (!isGuid(value)) throw badRequest(`Invalid key '${key ?? ''}': a GUID is expected`);
  return value.toLowerCase();
}

function namedKey(key: string | undefined, name: string): string | null {
  const match = new RegExp(`^${name}='([^']*)'$`).exec(key ?? '');
  return match ? match[1]! : null;
}

const ATTRIBUTE_TYPE_NAMES: Record<string, [string, string]> = {
  primarykey: ['Uniqueidentifier', 'UniqueidentifierType'],
  nvarchar: ['String', 'StringType'],
  ntext: ['Memo', 'MemoType'],
  int: ['Integer', 'IntegerType'],
  bigint: ['BigInt', 'BigIntType'],
  decimal: ['Decimal', 'DecimalType'],
  float: ['Double', 'DoubleType'],
  money: ['Money', 'MoneyType'],
  bit: ['Boolean', 'BooleanType'],
  datetime: ['DateTime', 'DateTimeType'],
  picklist: ['Picklist', 'PicklistType'],
  state: ['State', 'StateType'],
  status: ['Status', 'StatusType'],
  multiselectpicklist: ['Virtual', 'MultiSelectPicklistType'],
  lookup: ['Lookup', 'LookupType'],
  owner: ['Owner', 'OwnerType'],
  customer: ['Customer', 'CustomerType'],
  uniqueidentifier: ['Uniqueidentifier', 'UniqueidentifierType'],
  virtual: ['Virtual', 'VirtualType'],
};

/**
 * The metadata class of each column type (the `@odata.type` of an Attributes entry, and the cast
 * `…/Attributes/Microsoft.Dynamics.CRM.<class>` that reads only that kind with its own properties:
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api).
 */
const ATTRIBUTE_METADATA_CLASSES: Record<string, string> = {
  primarykey: 'UniqueIdentifierAttributeMetadata',
  nvarchar: 'StringAttributeMetadata',
  ntext: 'MemoAttributeMetadata',
  int: 'IntegerAttributeMetadata',
  bigint: 'BigIntAttributeMetadata',
  decimal: 'DecimalAttributeMetadata',
  float: 'DoubleAttributeMetadata',
  money: 'MoneyAttributeMetadata',
  bit: 'BooleanAttributeMetadata',
  datetime: 'DateTimeAttributeMetadata',
  picklist: 'PicklistAttributeMetadata',
  state: 'StateAttributeMetadata',
  status: 'StatusAttributeMetadata',
  multiselectpicklist: 'MultiSelectPicklistAttributeMetadata',
  lookup: 'LookupAttributeMetadata',
  owner: 'LookupAttributeMetadata',
  customer: 'LookupAttributeMetadata',
  uniqueidentifier: 'UniqueIdentifierAttributeMetadata',
  virtual: 'AttributeMetadata',
};
const METADATA_NAMESPACE = 'Microsoft.Dynamics.CRM.';

/** AttributeRequiredLevel (https://learn.microsoft.com/dotnet/api/microsoft.xrm.sdk.metadata.attributerequiredlevel). */
const REQUIRED_LEVELS: Record<string, string> = {
  none: 'None',
  recommended: 'Recommended',
  required: 'ApplicationRequired',
  systemrequired: 'SystemRequired',
};

const label = (text: string | undefined) => ({
  LocalizedLabels: text ? [{ Label: text, LanguageCode: 1033 }] : [],
  UserLocalizedLabel: text ? { Label: text, LanguageCode: 1033 } : null,
});

export class WebApi {
  constructor(
    private readonly deps: {
      store: RecordStore;
      metadata: MetadataStore;
      service: OrganizationService;
      pipeline: EventPipeline;
      importer: ImportService;
      clock: Clock;
      organization: Organization;
      security: Security;
      baseUrl: () => string;
    },
  ) {}

  private get apiUrl(): string {
    return this.deps.baseUrl() + API_PATH;
  }

  private access(req: SimRequest): AccessContext {
    req.access ??= this.deps.security.contextOf(req.caller);
    return req.access;
  }

  /** One request. `scope` is set inside a `$batch` change set (already in a transaction). */
  async handle(req: SimRequest, scope?: WriteScope): Promise<SimResponse> {
    const segments = splitPath(req.path);
    const first = segments[0];
    if (!first) return json(200, { '@odata.context': `${this.apiUrl}$metadata`, value: [] });
    const method = req.method.toUpperCase();
    if (first.name === '$batch') {
      if (method !== 'POST')
        throw new DataverseError(405, ErrorCodes.invalidArgument, '$batch requires POST');
      return this.batch(req);
    }
    if (first.name === 'EntityDefinitions') return this.entityDefinitions(segments, req);
    if (first.name === 'WhoAmI') return this.whoAmI(req.caller);
    if (first.name === 'RetrieveEnvironmentVariableValue') return this.environmentVariableValue(first.key);
    if (!first.key && method === 'POST' && !this.deps.metadata.tableByEntitySet(first.name))
      return this.write(req, scope, (s) => this.action(first.name, req, s));

    const table = this.deps.metadata.tableByEntitySet(first.name);
    if (!table)
      throw new DataverseError(
        404,
        ErrorCodes.invalidProperty,
        `Resource not found for the segment '${first.name}'.`,
      );
    const prefer = parsePrefer(req.headers.prefer);

    if (segments.length === 1 && first.key === undefined) {
      if (method === 'GET') return this.retrieveMultiple(table, req, prefer);
      if (method === 'POST') return this.write(req, scope, (s) => this.create(table, req, prefer, s));
      throw new DataverseError(
        405,
        ErrorCodes.invalidArgument,
        `Method ${method} is not allowed on an entity set`,
      );
    }
    const id = guidKey(first.key);
    if (segments.length === 1) {
      if (method === 'GET') return this.retrieve(table, id, req, prefer);
      if (method === 'PATCH') return this.write(req, scope, (s) => this.patch(table, id, req, prefer, s));
      if (method === 'DELETE')
        return this.write(req, scope, async (s) => {
          await this.deps.service.delete(table, id, s, this.conditions(req));
          return noContent();
        });
      throw new DataverseError(
        405,
        ErrorCodes.invalidArgument,
        `Method ${method} is not allowed on an entity`,
      );
    }
    const second = segments[1]!;
    if (second.name.startsWith('Microsoft.Dynamics.CRM.') && method === 'POST')
      return this.write(req, scope, (s) =>
        this.boundAction(table, id, second.name.slice('Microsoft.Dynamics.CRM.'.length), req, s),
      );
    if (second.name === 'Microsoft.Dynamics.CRM.RetrievePrincipalAccess' && method === 'GET')
      return this.retrievePrincipalAccess(table, id, second.key, req);
    const manyToMany = findManyToMany(table.logicalName, second.name);
    if (manyToMany)
      return this.manyToMany(manyToMany, id, second.key, segments[2]?.name === '$ref', req, scope);
    const navigation = this.deps.metadata.navigation(table.logicalName, second.name);
    if (!navigation) throw badProperty(table.logicalName, second.name);
    if (segments[2]?.name === '$ref')
      return this.write(req, scope, (s) => this.reference(table, id, navigation.name, second.key, req, s));
    if (method !== 'GET')
      throw new DataverseError(405, ErrorCodes.invalidArgument, `Method ${method} is not allowed here`);
    const row = this.requireRow(table, id);
    this.deps.security.requireAccess(this.access(req), table, row, 'Read');
    const query = this.query(req.query);
    const expanded = this.expandOne(
      table,
      row,
      { navigation: navigation.name, query },
      prefer,
      this.access(req),
    );
    return json(
      200,
      navigation.kind === 'collection'
        ? {
            '@odata.context': `${this.apiUrl}$metadata#${this.deps.metadata.requireTable(navigation.target).entitySetName}`,
            value: expanded,
          }
        : expanded,
    );
  }

  // ------------------------------------------------------------------ writes

  private async write(
    req: SimRequest,
    scope: WriteScope | undefined,
    work: (scope: WriteScope) => Promise<SimResponse>,
  ): Promise<SimResponse> {
    if (scope) return work(scope);
    const own: WriteScope = {
      caller: req.caller,
      correlationId: req.headers['x-ms-correlation-request-id'] ?? randomUUID(),
      events: [],
      access: this.access(req),
    };
    const response = await this.deps.store.transaction(() => work(own));
    this.deps.pipeline.enqueueAsynchronous(own.events);
    return response;
  }

  private conditions(req: SimRequest): { ifMatch?: string; ifNoneMatch?: string } {
    const conditions: { ifMatch?: string; ifNoneMatch?: string } = {};
    if (req.headers['if-match']) conditions.ifMatch = req.headers['if-match'];
    // `If-None-Match: null` is the documented cache-buster, not a condition.
    if (req.headers['if-none-match'] && req.headers['if-none-match'] !== 'null')
      conditions.ifNoneMatch = req.headers['if-none-match'];
    return conditions;
  }

  private parseBody(req: SimRequest): Record<string, unknown> {
    if (!req.body.trim()) return {};
    try {
      return JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      throw badRequest('The request body is not valid JSON.');
    }
  }

  private entityUrl(table: TableDef, id: string): string {
    return `${this.apiUrl}${table.entitySetName}(${id})`;
  }

  private representation(
    table: TableDef,
    row: Row,
    req: SimRequest,
    prefer: Preferences,
  ): Record<string, unknown> {
    const query = this.query(req.query);
    return {
      '@odata.context': `${this.apiUrl}$metadata#${table.entitySetName}/$entity`,
      ...this.format(table, row, query, prefer, this.access(req)),
    };
  }

  private async create(
    table: TableDef,
    req: SimRequest,
    prefer: Preferences,
    scope: WriteScope,
  ): Promise<SimResponse> {
    const values = bodyToRow(this.deps.metadata, table, this.parseBody(req));
    const row = await this.deps.service.create(table, values, scope);
    const id = String(row[table.primaryIdAttribute]);
    const headers = { 'odata-entityid': this.entityUrl(table, id), etag: etagOf(row) };
    if (prefer.returnRepresentation)
      return json(201, this.representation(table, row, req, prefer), {
        ...headers,
        'preference-applied': 'return=representation',
      });
    return noContent(headers);
  }

  private async patch(
    table: TableDef,
    id: string,
    req: SimRequest,
    prefer: Preferences,
    scope: WriteScope,
  ): Promise<SimResponse> {
    const values = bodyToRow(this.deps.metadata, table, this.parseBody(req));
    const { row } = await this.deps.service.upsert(table, id, values, scope, this.conditions(req));
    const headers = { 'odata-entityid': this.entityUrl(table, id), etag: etagOf(row) };
    if (prefer.returnRepresentation)
      return json(200, this.representation(table, row, req, prefer), {
        ...headers,
        'preference-applied': 'return=representation',
      });
    return noContent(headers);
  }

  /** Associate / disassociate through `$ref` (1:N: the child's lookup is what changes). */
  private async reference(
    table: TableDef,
    id: string,
    navigationName: string,
    childKey: string | undefined,
    req: SimRequest,
    scope: WriteScope,
  ): Promise<SimResponse> {
    const { metadata, service } = this.deps;
    const navigation = metadata.navigation(table.logicalName, navigationName)!;
    const column = navigation.relationship.referencingAttribute;
    const method = req.method.toUpperCase();
    this.requireRow(table, id);
    const target = (): LookupValue => {
      const ref = this.parseBody(req)['@odata.id'] ?? req.query.get('$id');
      if (typeof ref !== 'string') throw badRequest('@odata.id is required');
      const parsed = parseEntityReference(metadata, ref);
      if (parsed.logicalName !== navigation.target)
        throw badRequest(`@odata.id must reference a ${navigation.target}`);
      return parsed;
    };
    if (navigation.kind === 'single') {
      if (method === 'PUT') await service.update(table, id, { [column]: target() }, scope);
      else if (method === 'DELETE') await service.update(table, id, { [column]: null }, scope);
      else
        throw new DataverseError(
          405,
          ErrorCodes.invalidArgument,
          `Method ${method} is not allowed on a single-valued $ref`,
        );
      return noContent();
    }
    const childTable = metadata.requireTable(navigation.target);
    if (method === 'POST') {
      const child = target();
      await service.update(childTable, child.id, { [column]: { id, logicalName: table.logicalName } }, scope);
      return noContent();
    }
    if (method === 'DELETE') {
      const childId = childKey ? guidKey(childKey) : target().id;
      const child = this.requireRow(childTable, childId);
      const current = child[column];
      if (!isLookupValue(current) || current.id !== id) throw notFound(childTable.logicalName, childId);
      await service.update(childTable, childId, { [column]: null }, scope);
      return noContent();
    }
    throw new DataverseError(
      405,
      ErrorCodes.invalidArgument,
      `Method ${method} is not allowed on a collection $ref`,
    );
  }

  // ------------------------------------------------------------------ reads

  private query(params: URLSearchParams): QueryOptions {
    try {
      return parseQueryOptions(params.entries());
    } catch (error) {
      if (error instanceof DataverseError) throw error;
      throw badRequest((error as Error).message);
    }
  }

  private requireRow(table: TableDef, id: string): Row {
    const row = this.deps.store.get(table.logicalName, id);
    if (!row) throw notFound(table.logicalName, id);
    return row;
  }

  private nameOf = (ref: LookupValue): string | null => {
    const table = this.deps.metadata.table(ref.logicalName);
    const row = table ? this.deps.store.get(ref.logicalName, ref.id) : undefined;
    const name = table && row ? row[table.primaryNameAttribute] : null;
    return typeof name === 'string' ? name : null;
  };

  private format(
    table: TableDef,
    row: Row,
    query: QueryOptions,
    prefer: Preferences,
    access: AccessContext,
  ): Record<string, unknown> {
    const out = rowToJson(
      this.deps.metadata,
      table,
      row,
      { annotations: prefer.annotations, ...(query.select ? { select: query.select } : {}) },
      this.nameOf,
    );
    for (const expand of query.expand)
      out[expand.navigation] = this.expandOne(table, row, expand, prefer, access);
    return out;
  }

  /** Related rows the caller may not read are left out (a single-valued one reads as null). */
  private expandOne(
    table: TableDef,
    row: Row,
    expand: ExpandOption,
    prefer: Preferences,
    access: AccessContext,
  ): unknown {
    const { metadata, store, security } = this.deps;
    const navigation = metadata.navigation(table.logicalName, expand.navigation);
    if (!navigation) throw badProperty(table.logicalName, expand.navigation);
    const target = metadata.requireTable(navigation.target);
    const nested: QueryOptions = expand.query;
    // "Nested $expand on collection-valued navigation properties": $orderby and $top are "Not
    // supported with nested $expand" (learn.microsoft.com/power-apps/developer/data-platform/webapi/query/join-tables).
    if (
      navigation.kind !== 'single' &&
      nested.expand.length > 0 &&
      (nested.orderby.length > 0 || nested.top !== undefined)
    ) {
      throw badRequest(
        `$orderby and $top are not supported with a nested $expand of the collection-valued navigation property '${expand.navigation}'.`,
      );
    }
    if (navigation.kind === 'single') {
      const value = row[navigation.relationship.referencingAttribute];
      if (!isLookupValue(value) || value.logicalName !== target.logicalName) return null;
      const related = store.get(target.logicalName, value.id);
      return related && security.can(access, target, related, 'Read')
        ? this.format(target, related, nested, prefer, access)
        : null;
    }
    const id = row[table.primaryIdAttribute];
    const referencing = navigation.relationship.referencingAttribute;
    const children = store.findByLookup(target.logicalName, referencing, String(id)).filter((child) => {
      const value = child[navigation.relationship.referencingAttribute];
      return (
        isLookupValue(value) &&
        value.id === id &&
        value.logicalName === table.logicalName &&
        security.can(access, target, child, 'Read')
      );
    });
    return this.select(target, children, nested).map((child) =>
      this.format(target, child, nested, prefer, access),
    );
  }

  private reader(table: TableDef, row: Row): (path: string) => unknown {
    return (path) => {
      const [first, second] = path.split('/');
      if (second !== undefined) {
        const navigation = this.deps.metadata.navigation(table.logicalName, first!);
        if (!navigation || navigation.kind !== 'single') throw badProperty(table.logicalName, first!);
        const ref = row[navigation.relationship.referencingAttribute];
        if (!isLookupValue(ref)) return null;
        const target = this.deps.metadata.requireTable(navigation.target);
        const related = this.deps.store.get(target.logicalName, ref.id);
        return related ? this.reader(target, related)(second) : null;
      }
      const attribute = attributeByWireName(table, first!);
      if (!attribute) throw badProperty(table.logicalName, first!);
      return wireValue(attribute, row[attribute.logicalName]);
    };
  }

  /**
   * The rows an index finds for `filter`, or null when it names no indexed column: a conjunct
   * `<primary key> eq <guid>`, `_<lookup>_value eq <guid>` or `<text column> eq '<text>'` (what
   * Dataverse indexes, store.ts). The whole filter still runs over what comes back.
   */
  private seek(table: TableDef, filter: FilterNode | undefined): Row[] | null {
    if (!filter) return null;
    if (filter.kind === 'and') return this.seek(table, filter.left) ?? this.seek(table, filter.right);
    if (filter.kind !== 'compare' || filter.op !== 'eq') return null;
    const { left, right } = filter;
    if (left.kind !== 'property' || right.kind !== 'literal') return null;
    const attribute = attributeByWireName(table, left.path);
    if (!attribute) return null;
    if (right.type === 'string' && attribute.type === 'nvarchar')
      return this.deps.store.findByText(table.logicalName, attribute.logicalName, right.value);
    if (right.type !== 'guid') return null;
    if (attribute.logicalName === table.primaryIdAttribute) {
      const row = this.deps.store.get(table.logicalName, right.value);
      return row ? [row] : [];
    }
    if (!['lookup', 'owner', 'customer'].includes(attribute.type)) return null;
    return this.deps.store.findByLookup(table.logicalName, attribute.logicalName, right.value);
  }

  /** $filter, $orderby and $top over rows. */
  private select(table: TableDef, rows: Row[], query: QueryOptions): Row[] {
    let result = rows;
    if (query.filter) {
      const probe: Row = {};
      for (const p of filterProperties(query.filter)) this.reader(table, probe)(p); // validate names up front
      result = result.filter((row) => evaluateFilter(query.filter!, this.reader(table, row)));
    }
    if (query.orderby.length > 0) {
      const keyed = result.map((row) => ({
        row,
        keys: query.orderby.map((o) => this.reader(table, row)(o.path)),
      }));
      keyed.sort((a, b) => {
        for (let i = 0; i < query.orderby.length; i++) {
          const x = a.keys[i] as string | number | null;
          const y = b.keys[i] as string | number | null;
          if (x === y) continue;
          const order = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
          return query.orderby[i]!.descending ? -order : order;
        }
        return 0;
      });
      result = keyed.map((k) => k.row);
    }
    if (query.top !== undefined) result = result.slice(0, query.top);
    return result;
  }

  private retrieve(table: TableDef, id: string, req: SimRequest, prefer: Preferences): SimResponse {
    const row = this.requireRow(table, id);
    this.deps.security.requireAccess(this.access(req), table, row, 'Read');
    const etag = etagOf(row);
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch !== 'null' && ifNoneMatch === etag)
      return { status: 304, headers: { etag } };
    return json(200, this.representation(table, row, req, prefer), { etag });
  }

  private retrieveMultiple(table: TableDef, req: SimRequest, prefer: Preferences): SimResponse {
    const query = this.query(req.query);
    const { security } = this.deps;
    const access = this.access(req);
    // No privilege at all is an error; a depth that reaches only some rows filters the others out.
    security.requirePrivilege(access, table, 'Read');
    const readable = (this.seek(table, query.filter) ?? this.deps.store.list(table.logicalName)).filter(
      (row) => security.can(access, table, row, 'Read'),
    );
    const all = this.select(table, readable, { ...query, top: undefined });
    const limited = query.top !== undefined ? all.slice(0, query.top) : all;
    const skip = Number(req.query.get('$skiptoken') ?? 0) || 0;
    const pageSize = prefer.maxPageSize ?? 5000;
    const page = limited.slice(skip, skip + pageSize);
    const body: Record<string, unknown> = {
      '@odata.context': `${this.apiUrl}$metadata#${table.entitySetName}`,
    };
    if (query.count) body['@odata.count'] = Math.min(all.length, 5000);
    body.value = page.map((row) => this.format(table, row, query, prefer, access));
    if (skip + pageSize < limited.length) {
      // Dataverse's skiptoken is an opaque paging cookie; ours is the offset.
      const next = new URLSearchParams(req.query);
      next.set('$skiptoken', String(skip + pageSize));
      body['@odata.nextLink'] = `${this.apiUrl}${table.entitySetName}?${next.toString()}`;
    }
    const headers: Record<string, string> = {};
    const applied = [
      prefer.annotations ? 'odata.include-annotations="*"' : '',
      prefer.maxPageSize ? `odata.maxpagesize=${prefer.maxPageSize}` : '',
    ]
      .filter(Boolean)
      .join(',');
    if (applied) headers['preference-applied'] = applied;
    return json(200, body, headers);
  }

  private whoAmI(caller: Caller): SimResponse {
    return json(200, {
      '@odata.context': `${this.apiUrl}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      BusinessUnitId: ROOT_BUSINESS_UNIT_ID,
      UserId: caller.systemuserid,
      OrganizationId: this.deps.organization.id,
    });
  }

  private environmentVariableValue(key: string | undefined): SimResponse {
    const name = namedKey(key, 'DefinitionSchemaName');
    if (!name) throw badRequest('DefinitionSchemaName is required');
    const definition = this.deps.store
      .list('environmentvariabledefinition')
      .find((d) => String(d.schemaname).toLowerCase() === name.toLowerCase());
    if (!definition)
      throw new DataverseError(404, ErrorCodes.notFound, `Environment variable ${name} does not exist`);
    const value = this.deps.store
      .list('environmentvariablevalue')
      .find(
        (v) =>
          isLookupValue(v.environmentvariabledefinitionid) &&
          v.environmentvariabledefinitionid.id === definition.environmentvariabledefinitionid,
      );
    return json(200, {
      '@odata.context': `${this.apiUrl}$metadata#Microsoft.Dynamics.CRM.RetrieveEnvironmentVariableValueResponse`,
      Value: (value?.value as string | undefined) ?? (definition.defaultvalue as string | null) ?? null,
    });
  }

  private entityDefinitions(segments: Array<{ name: string; key?: string }>, req: SimRequest): SimResponse {
    const { metadata } = this.deps;
    const describeAttribute = (table: TableDef, name: string) => {
      const a = table.attributes[name]!;
      const [type, typeName] = ATTRIBUTE_TYPE_NAMES[a.type] ?? ['Virtual', 'VirtualType'];
      const result: Record<string, unknown> = {
        '@odata.type': `#${METADATA_NAMESPACE}${ATTRIBUTE_METADATA_CLASSES[a.type] ?? 'AttributeMetadata'}`,
        MetadataId: `${table.logicalName}:${a.logicalName}`,
        LogicalName: a.logicalName,
        SchemaName: a.schemaName,
        EntityLogicalName: table.logicalName,
        AttributeType: type,
        AttributeTypeName: { Value: typeName },
        IsCustomAttribute: a.isCustom ?? false,
        IsValidForRead: a.readable !== false,
        RequiredLevel: { Value: REQUIRED_LEVELS[a.requiredLevel ?? 'none'] ?? 'None' },
        DisplayName: label(a.label),
      };
      if (a.maxLength !== undefined) result.MaxLength = a.maxLength;
      if (a.targets) result.Targets = a.targets;
      if (a.options)
        result.OptionSet = {
          Options: a.options.map((o) => ({
            Value: o.value,
            Label: label(o.label),
            ...(o.state !== undefined ? { State: o.state } : {}),
          })),
        };
      return result;
    };
    const describe = (table: TableDef, withAttributes: boolean) => ({
      MetadataId: table.logicalName,
      LogicalName: table.logicalName,
      SchemaName: table.schemaName,
      EntitySetName: table.entitySetName,
      PrimaryIdAttribute: table.primaryIdAttribute,
      PrimaryNameAttribute: table.primaryNameAttribute,
      IsCustomEntity: table.isCustom,
      DisplayName: label(table.label),
      ...(withAttributes
        ? { Attributes: Object.keys(table.attributes).map((n) => describeAttribute(table, n)) }
        : {}),
      ManyToOneRelationships: withAttributes
        ? metadata
            .allRelationships()
            .filter((r) => r.referencingEntity === table.logicalName)
            .map((r) => ({
              SchemaName: r.schemaName,
              ReferencingEntity: r.referencingEntity,
              ReferencingAttribute: r.referencingAttribute,
              ReferencedEntity: r.referencedEntity,
              ReferencingEntityNavigationPropertyName: r.referencingNavigation,
              ReferencedEntityNavigationPropertyName: r.referencedNavigation,
            }))
        : undefined,
    });
    const first = segments[0]!;
    const context = `${this.apiUrl}$metadata#EntityDefinitions`;
    if (first.key === undefined) {
      const query = this.query(req.query);
      let tables = metadata.allTables();
      if (query.filter)
        tables = tables.filter((t) =>
          evaluateFilter(query.filter!, (p) =>
            p === 'LogicalName'
              ? t.logicalName
              : p === 'EntitySetName'
                ? t.entitySetName
                : p === 'SchemaName'
                  ? t.schemaName
                  : null,
          ),
        );
      return json(200, {
        '@odata.context': context,
        value: tables.map((t) => describe(t, query.expand.length > 0)),
      });
    }
    const logicalName = namedKey(first.key, 'LogicalName');
    const table = logicalName ? metadata.table(logicalName) : undefined;
    if (!table)
      throw new DataverseError(
        404,
        ErrorCodes.notFound,
        `Could not find entity with LogicalName ${first.key}`,
      );
    const second = segments[1];
    if (second?.name === 'Attributes') {
      if (second.key === undefined) {
        const cast = segments[2]?.name;
        const className = cast?.startsWith(METADATA_NAMESPACE) ? cast.slice(METADATA_NAMESPACE.length) : null;
        if (cast && (!className || !Object.values(ATTRIBUTE_METADATA_CLASSES).includes(className)))
          throw badRequest(`Invalid cast segment '${cast}': an attribute metadata type is expected`);
        return json(200, {
          '@odata.context': `${context}('${table.logicalName}')/Attributes${cast ? `/${cast}` : ''}`,
          value: Object.keys(table.attributes)
            .filter(
              (n) =>
                !className ||
                className === 'AttributeMetadata' ||
                ATTRIBUTE_METADATA_CLASSES[table.attributes[n]!.type] === className,
            )
            .map((n) => describeAttribute(table, n)),
        });
      }
      const name = namedKey(second.key, 'LogicalName');
      if (!name || !table.attributes[name])
        throw new DataverseError(
          404,
          ErrorCodes.notFound,
          `Could not find attribute ${second.key} on ${table.logicalName}`,
        );
      return json(200, {
        '@odata.context': `${context}('${table.logicalName}')/Attributes/$entity`,
        ...describeAttribute(table, name),
      });
    }
    return json(200, { '@odata.context': `${context}/$entity`, ...describe(table, true) });
  }

  // ------------------------------------------------------------------ actions

  private async action(name: string, req: SimRequest, scope: WriteScope): Promise<SimResponse> {
    const body = this.parseBody(req);
    switch (name) {
      case 'ImportSolution':
      case 'ImportSolutionAsync': {
        // Importing needs the Import Customizations privilege (System Administrator / Customizer roles).
        this.deps.security.requireMiscPrivilege(
          scope.access ?? this.deps.security.contextOf(scope.caller),
          'prvImportCustomization',
        );
        const file = body.CustomizationFile;
        if (typeof file !== 'string' || !file) throw badRequest('CustomizationFile (base64 zip) is required');
        const parsed = await this.deps.importer.parse(Buffer.from(file, 'base64'));
        this.deps.importer.apply(parsed, {
          overwriteUnmanagedCustomizations: body.OverwriteUnmanagedCustomizations === true,
          holdingSolution: body.HoldingSolution === true,
        });
        if (name === 'ImportSolution') return noContent();
        return json(200, {
          '@odata.context': `${this.apiUrl}$metadata#Microsoft.Dynamics.CRM.ImportSolutionAsyncResponse`,
          AsyncOperationId: randomUUID(),
          ImportJobKey: typeof body.ImportJobId === 'string' ? body.ImportJobId : randomUUID(),
        });
      }
      case 'DeleteAndPromote': {
        this.deps.security.requireMiscPrivilege(
          scope.access ?? this.deps.security.contextOf(scope.caller),
          'prvImportCustomization',
        );
        if (typeof body.UniqueName !== 'string' || !body.UniqueName)
          throw badRequest('UniqueName (the solution to upgrade) is required');
        return json(200, {
          '@odata.context': `${this.apiUrl}$metadata#Microsoft.Dynamics.CRM.DeleteAndPromoteResponse`,
          SolutionId: this.deps.importer.deleteAndPromote(body.UniqueName),
        });
      }
      case 'PublishAllXml':
      case 'PublishXml':
        return noContent();
      case 'WinOpportunity':
      case 'LoseOpportunity':
        return this.closeOpportunity(name === 'WinOpportunity', body, scope);
      default:
        throw new DataverseError(
          404,
          ErrorCodes.invalidProperty,
          `Resource not found for the segment '${name}'.`,
        );
    }
  }

  /** WinOpportunity / LoseOpportunity (salesMessages.ts). */
  private async closeOpportunity(
    win: boolean,
    body: Record<string, unknown>,
    scope: WriteScope,
  ): Promise<SimResponse> {
    await closeOpportunity(this.salesDeps(), win, body, scope);
    return noContent();
  }

  private salesDeps(): SalesDeps {
    const { metadata, service, store, clock } = this.deps;
    return { metadata, service, store, clock };
  }

  private async boundAction(
    table: TableDef,
    id: string,
    name: string,
    req: SimRequest,
    scope: WriteScope,
  ): Promise<SimResponse> {
    if (name !== 'QualifyLead' || table.logicalName !== 'lead')
      throw new DataverseError(
        404,
        ErrorCodes.invalidProperty,
        `Resource not found for the segment 'Microsoft.Dynamics.CRM.${name}'.`,
      );
    const created = await qualifyLead(this.salesDeps(), table, id, this.parseBody(req), scope);
    return json(200, {
      '@odata.context': `${this.apiUrl}$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)`,
      value: created,
    });
  }

  // ------------------------------------------------------------------ security

  /**
   * `systemusers(<id>)/Microsoft.Dynamics.CRM.RetrievePrincipalAccess(Target=@p)?@p={'@odata.id':'opportunities(<id>)'}`
   * → `{ AccessRights: "ReadAccess, WriteAccess, …" }` (web-api-functions-actions-sample.md). The
   * alias may use single or double quotes, URL-encoded or not; the caller needs read on the target's table.
   * A user's rights include those of their teams' roles; `teams(<id>)/…` answers for the team itself
   * (the function is bound to systemuser and team: RetrievePrincipalAccess Function, CRM 2016 Web API
   * reference, https://learn.microsoft.com/previous-versions/dynamicscrm-2016/developers-guide/mt683539(v=crm.8)).
   */
  private retrievePrincipalAccess(
    table: TableDef,
    id: string,
    key: string | undefined,
    req: SimRequest,
  ): SimResponse {
    const { metadata, security } = this.deps;
    if (table.logicalName !== 'systemuser' && table.logicalName !== 'team')
      throw new DataverseError(
        404,
        ErrorCodes.invalidProperty,
        `RetrievePrincipalAccess is bound to systemusers and teams, not ${table.entitySetName}.`,
      );
    this.requireRow(table, id);
    const parameter = /^Target=(.+)$/.exec(key ?? '')?.[1];
    if (!parameter) throw badRequest('RetrievePrincipalAccess needs the Target parameter.');
    const raw = parameter.startsWith('@') ? req.query.get(parameter) : parameter;
    if (!raw) throw badRequest(`The parameter alias ${parameter} has no value.`);
    let reference: unknown;
    try {
      reference = JSON.parse(raw);
    } catch {
      try {
        reference = JSON.parse(raw.replace(/'/g, '"'));
      } catch {
        throw badRequest(`Target must be {"@odata.id":"<entityset>(<id>)"}, not ${raw}`);
      }
    }
    const odataId = (reference as Record<string, unknown> | null)?.['@odata.id'];
    if (typeof odataId !== 'string') throw badRequest('Target must carry @odata.id.');
    const target = parseEntityReference(metadata, odataId);
    const targetTable = metadata.requireTable(target.logicalName);
    const row = this.requireRow(targetTable, target.id);
    security.requirePrivilege(this.access(req), targetTable, 'Read');
    const principal =
      table.logicalName === 'team'
        ? security.contextOfTeam(id)
        : security.contextOf({ systemuserid: id, aadObjectId: null });
    const rights = security.accessRights(principal, targetTable, row);
    return json(200, {
      '@odata.context': `${this.apiUrl}$metadata#Microsoft.Dynamics.CRM.RetrievePrincipalAccessResponse`,
      AccessRights: rights.length ? rights.join(', ') : 'None',
    });
  }

  /** One of the N:N navigations above: list, associate or disassociate. */
  private async manyToMany(
    relationship: ManyToMany,
    id: string,
    targetKey: string | undefined,
    isRef: boolean,
    req: SimRequest,
    scope: WriteScope | undefined,
  ): Promise<SimResponse> {
    const { metadata, security, store } = this.deps;
    const fromTable = metadata.requireTable(relationship.from);
    const targetTable = metadata.requireTable(relationship.target);
    const row = this.requireRow(fromTable, id);
    const links = relationship.links(security);
    const method = req.method.toUpperCase();
    const access = this.access(req);
    if (method === 'GET' && !isRef) {
      security.requireAccess(access, fromTable, row, 'Read');
      if (relationship.readTarget) security.requirePrivilege(access, targetTable, 'Read');
      const query = this.query(req.query);
      const related = links
        .list(id)
        .map((targetId) => store.get(targetTable.logicalName, targetId))
        .filter((r): r is Row => r !== undefined);
      return json(200, {
        '@odata.context': `${this.apiUrl}$metadata#${targetTable.entitySetName}`,
        value: this.select(targetTable, related, query).map((r) =>
          this.format(targetTable, r, query, parsePrefer(req.headers.prefer), access),
        ),
      });
    }
    if (!isRef || (method !== 'POST' && method !== 'DELETE'))
      throw new DataverseError(405, ErrorCodes.invalidArgument, `Method ${method} is not allowed here`);
    const targetId = (): string => {
      if (targetKey) return guidKey(targetKey);
      const ref = this.parseBody(req)['@odata.id'] ?? req.query.get('$id');
      if (typeof ref !== 'string') throw badRequest('@odata.id is required');
      const parsed = parseEntityReference(metadata, ref);
      if (parsed.logicalName !== targetTable.logicalName)
        throw badRequest(`@odata.id must reference a ${targetTable.logicalName}`);
      return parsed.id;
    };
    return this.write(req, scope, async () => {
      if (relationship.guard === 'assignRole') security.requireMiscPrivilege(access, 'prvAssignRole');
      const other = targetId();
      this.requireRow(targetTable, other);
      if (relationship.guard === 'writeTeam') {
        const team = relationship.from === 'team' ? row : this.requireRow(targetTable, other);
        security.requireAccess(access, metadata.requireTable('team'), team, 'Write');
      }
      if (method === 'POST') links.link(id, other);
      else if (!links.unlink(id, other)) throw notFound(targetTable.logicalName, other);
      return noContent();
    });
  }

  // ------------------------------------------------------------------ $batch

  private async batch(req: SimRequest): Promise<SimResponse> {
    let items;
    try {
      items = parseBatchRequest(req.body, req.headers['content-type']);
    } catch (error) {
      throw badRequest(`Invalid $batch body: ${(error as Error).message}`);
    }
    if (items.length > 1000) throw badRequest('The number of requests in a $batch cannot exceed 1000.');
    // "When an error occurs for a request within a batch, the error for that request is returned for
    // the batch and no additional requests are processed", unless the batch carries
    // `Prefer: odata.continue-on-error` (Handling errors,
    // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api).
    // Requests outside a change set (GETs among them) run one by one, each on its own.
    const continueOnError = parsePrefer(req.headers.prefer).continueOnError;
    const responses: BatchResponseItem[] = [];
    for (const item of items) {
      const response =
        'changeset' in item
          ? await this.changeset(item.changeset, req)
          : await this.batchPart(item, req, undefined, new Map());
      responses.push(response);
      if (!continueOnError && !('changeset' in response) && response.status >= 400) break;
    }
    const boundary = `batchresponse_${randomUUID()}`;
    return {
      status: 200,
      headers: {
        'content-type': `multipart/mixed; boundary=${boundary}`,
        'odata-version': '4.0',
        ...(continueOnError ? { 'preference-applied': 'odata.continue-on-error' } : {}),
      },
      body: buildBatchResponse(boundary, responses, () => `changesetresponse_${randomUUID()}`),
    };
  }

  /** All or nothing: the first failure rolls back the change set and is its only response. */
  private async changeset(parts: HttpRequestPart[], outer: SimRequest): Promise<BatchResponseItem> {
    const scope: WriteScope = {
      caller: outer.caller,
      correlationId: outer.headers['x-ms-correlation-request-id'] ?? randomUUID(),
      events: [],
    };
    const locations = new Map<string, string>();
    let failure: HttpResponsePart | null = null;
    const responses: HttpResponsePart[] = [];
    try {
      await this.deps.store.transaction(async () => {
        for (const part of parts) {
          const response = await this.batchPart(part, outer, scope, locations);
          if (response.status >= 400) {
            failure = response;
            throw new Error('changeset failed');
          }
          responses.push(response);
        }
      });
    } catch (error) {
      if (!failure) throw error;
      return failure;
    }
    this.deps.pipeline.enqueueAsynchronous(scope.events);
    return { changeset: responses };
  }

  private async batchPart(
    part: HttpRequestPart,
    outer: SimRequest,
    scope: WriteScope | undefined,
    locations: Map<string, string>,
  ): Promise<HttpResponsePart> {
    let url = part.url;
    const reference = /^\$([^/?]+)(.*)$/.exec(url);
    if (reference) {
      const location = locations.get(reference[1]!);
      if (!location)
        return this.partError(part, badRequest(`Content-ID reference $${reference[1]} is unknown`));
      url = location + reference[2];
    }
    const parsed = new URL(url, this.deps.baseUrl() + API_PATH);
    const index = parsed.pathname.indexOf(API_PATH);
    const path = decodeURIComponent(
      index >= 0 ? parsed.pathname.slice(index + API_PATH.length) : parsed.pathname.replace(/^\//, ''),
    );
    const headers: Record<string, string | undefined> = { ...outer.headers, 'content-type': undefined };
    for (const [k, v] of Object.entries(part.headers)) headers[k.toLowerCase()] = v;
    try {
      const response = await this.handle(
        {
          method: part.method,
          path,
          query: parsed.searchParams,
          headers,
          body: this.resolveBindReferences(part.body ?? '', locations),
          caller: outer.caller,
        },
        scope,
      );
      if (part.contentId && response.headers['odata-entityid'])
        locations.set(part.contentId, response.headers['odata-entityid']);
      return {
        status: response.status,
        statusText: statusText(response.status),
        headers: response.headers,
        body: response.body === undefined ? '' : JSON.stringify(response.body),
        ...(part.contentId ? { contentId: part.contentId } : {}),
      };
    } catch (error) {
      if (!(error instanceof DataverseError)) throw error;
      return this.partError(part, error);
    }
  }

  /** `"nav@odata.bind": "$1"` inside a change set points at the row created by Content-ID 1. */
  private resolveBindReferences(body: string, locations: Map<string, string>): string {
    if (locations.size === 0 || !body.includes('"$')) return body;
    try {
      const record = JSON.parse(body) as Record<string, unknown>;
      for (const [key, value] of Object.entries(record)) {
        const id =
          typeof value === 'string' && key.endsWith('@odata.bind') ? /^\$(.+)$/.exec(value)?.[1] : undefined;
        const location = id ? locations.get(id) : undefined;
        if (location) record[key] = location;
      }
      return JSON.stringify(record);
    } catch {
      return body;
    }
  }

  private partError(part: HttpRequestPart, error: DataverseError): HttpResponsePart {
    return {
      status: error.status,
      statusText: statusText(error.status),
      headers: { 'content-type': 'application/json; odata.metadata=minimal', 'odata-version': '4.0' },
      body: JSON.stringify(error.toBody()),
      ...(part.contentId ? { contentId: part.contentId } : {}),
    };
  }
}
