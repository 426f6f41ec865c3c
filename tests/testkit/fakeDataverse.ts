/**
 * An in-memory Dataverse behind the DataverseApi port, for unit tests of code that reads and writes
 * through it. Rows are stored as the Web API returns them (lookups as `_x_value`); the typed query
 * options are answered as Dataverse would: `$filter` with case-insensitive text, GUIDs by value and
 * dates by instant, `$select` (plus the primary key), `$expand` of single- and collection-valued
 * navigations, `$orderby`, `$top`. Every query goes through the product's own builder first, so a
 * query the real client would refuse (a non-GUID where a GUID belongs) fails here too. Writes bind
 * `nav@odata.bind` references, `update` never creates, a `$batch` change set is all or nothing.
 * Faults: `failNext(operation, status)`. The end-to-end tests use the Dataverse simulator instead.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  AccountColumns,
  ContactColumns,
  EntitySets,
  EnvironmentVariableColumns,
  LeadColumns,
  LeadCustomerColumns,
  LeadState,
  LeadStatus,
  OpportunityCloseColumns,
  OpportunityCloseMessage,
  OpportunityColumns,
  OpportunityNavigation,
  OpportunityState,
  QualifyLeadParameters,
  RegistrationEntitySets,
  Relationships,
  SalesActions,
  SystemColumns,
  Tables,
  UserSettings,
} from '../../Domain/constants';
import { columnName, guid, lookup, odataQueryString, requireGuid, where } from '../../Domain/odataQuery';
import type { Column, ExpandQuery, Filter, ODataQuery, ODataValue, OrderBy } from '../../Domain/odataQuery';
import { SYSTEM_FORMS } from '../../Domain/formXmlControls';
import type { DataverseRecord } from '../../Domain/opportunity';
import { ApiError } from '../../Relay/ports';
import type {
  AccessRight,
  BatchOperation,
  BatchRead,
  BatchReadResult,
  BatchResult,
  Clock,
  ColumnDefinition,
  DataverseApi,
  RecordReference,
  WhoAmIResponse,
  RetrieveOptions,
  WebApiRecord,
  WriteOptions,
} from '../../Relay/ports';

export type DataverseOperation = keyof DataverseApi;

export interface DataverseCall {
  operation: DataverseOperation;
  entitySet?: string;
  id?: string;
  /** The OData query text the real client would send. */
  query?: string;
  record?: DataverseRecord;
  options?: RetrieveOptions | WriteOptions;
}

/** Collection-valued navigation → the child rows' entity set and the lookup pointing back. */
interface CollectionNavigation {
  entitySet: string;
  lookup: string;
}

const DEFAULT_COLLECTIONS: Record<string, CollectionNavigation> = {
  ...Object.fromEntries(
    Object.values(Relationships).map((r) => [
      r.collection,
      { entitySet: EntitySets[r.referencing], lookup: r.navigation },
    ]),
  ),
  [EnvironmentVariableColumns.valuesNavigation]: {
    entitySet: RegistrationEntitySets.environmentVariableValues,
    lookup: 'environmentvariabledefinitionid',
  },
};

/** Single-valued navigations whose target is known before any row binds them. */
const DEFAULT_TARGETS: Record<string, string> = {
  [OpportunityNavigation.parentAccount]: EntitySets.account,
  [OpportunityNavigation.parentContact]: EntitySets.contact,
  [OpportunityNavigation.transactionCurrency]: EntitySets.transactioncurrency,
  [SystemColumns.ownerId]: EntitySets.systemuser,
  ...Object.fromEntries(Object.values(Relationships).map((r) => [r.navigation, EntitySets[r.referenced]])),
};

/** Entity set of the opportunityclose activities WinOpportunity / LoseOpportunity create. */
export const OPPORTUNITY_CLOSES = 'opportunitycloses';

const SET_TO_TABLE = new Map(Object.entries(EntitySets).map(([table, set]) => [set, table]));
/** Entity sets whose key does not follow the `<table>id` pattern. */
const PRIMARY_KEYS: Record<string, string> = {
  [UserSettings.entitySet]: UserSettings.systemUserId,
  // opportunityclose is an activity: its key is activityid.
  [OPPORTUNITY_CLOSES]: 'activityid',
};

/** `opportunities` → `opportunityid`, `transactioncurrencies` → `transactioncurrencyid`. */
export function primaryKeyOf(entitySet: string): string {
  if (PRIMARY_KEYS[entitySet]) return PRIMARY_KEYS[entitySet];
  const table = SET_TO_TABLE.get(entitySet) ?? entitySet.replace(/ies$/, 'y').replace(/(?<!s)s$/, '');
  return `${table}id`;
}

/** A 400 as the client raises it for a request Dataverse refuses. */
const badRequest = (method: string, url: string, message: string) =>
  new ApiError(`dataverse: ${method} ${url} → 400: ${message}`, {
    service: 'dataverse',
    status: 400,
    method,
    url,
    code: '0x80040203',
  });

/** `/opportunities(<id>)` (or a full URL ending so) → the id. */
const boundId = (value: unknown): string | null =>
  /\(([0-9a-fA-F-]{36})\)$/.exec(String(value ?? ''))?.[1] ?? null;

const notFound = (entitySet: string, id: string, method: string) =>
  new ApiError(`dataverse: ${method} ${entitySet}(${id}) → 404: Does Not Exist`, {
    service: 'dataverse',
    status: 404,
    method,
    url: `${entitySet}(${id})`,
    code: '0x80040217',
  });

/** As the client: rows are addressed by GUID only. */
const keyOf = (entitySet: string, id: string): string => requireGuid(id, `The ${entitySet} key`);

// ---- evaluating a typed filter the way Dataverse compares ----

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;

/** A comparable form: text lower-cased (SQL collation), GUIDs lower-cased, instants in ms. */
function literal(value: ODataValue): unknown {
  if (value instanceof Date) return value.getTime();
  if (value !== null && typeof value === 'object')
    return 'guid' in value ? value.guid.toLowerCase() : value.dateOnly;
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function cell(row: WebApiRecord, column: Column, like: unknown): unknown {
  const value = row[columnName(column)] ?? null;
  if (typeof like === 'number' && typeof value === 'string' && DATE_TEXT.test(value))
    return Date.parse(value);
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (op === 'eq') return a === b;
  if (op === 'ne') return a !== b;
  if (a === null || b === null) return false;
  const [x, y] = [a as number | string, b as number | string];
  return op === 'gt' ? x > y : op === 'ge' ? x >= y : op === 'lt' ? x < y : x <= y;
}

export function matches(row: WebApiRecord, filter: Filter): boolean {
  switch (filter.op) {
    case 'and':
      return filter.filters.every((f) => matches(row, f));
    case 'or':
      return filter.filters.some((f) => matches(row, f));
    case 'not':
      return !matches(row, filter.filter);
    case 'in':
      return filter.values.some((v) => matches(row, { op: 'eq', column: filter.column, value: v }));
    case 'startswith':
    case 'contains':
    case 'endswith': {
      const text = cell(row, filter.column, '');
      const needle = filter.value.toLowerCase();
      if (typeof text !== 'string') return false;
      if (filter.op === 'startswith') return text.startsWith(needle);
      return filter.op === 'endswith' ? text.endsWith(needle) : text.includes(needle);
    }
    default: {
      const b = literal(filter.value);
      return compare(filter.op, cell(row, filter.column, b), b);
    }
  }
}

function sortRows(rows: WebApiRecord[], orderBy: readonly OrderBy[]): WebApiRecord[] {
  return [...rows].sort((r1, r2) => {
    for (const { column, descending } of orderBy) {
      const a = cell(r1, column, null) as string | number | null;
      const b = cell(r2, column, null) as string | number | null;
      if (a === b) continue;
      const order = a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;
      return descending ? -order : order;
    }
    return 0;
  });
}

export interface FakeDataverseOptions {
  clock?: Clock;
  /** Collection-valued navigations beyond ours (navigation → child entity set and lookup). */
  collections?: Record<string, CollectionNavigation>;
}

export class FakeDataverse implements DataverseApi {
  /** entity set → id → row (Web API JSON shape). */
  private tables = new Map<string, Map<string, WebApiRecord>>();
  private readonly targets = new Map(Object.entries(DEFAULT_TARGETS));
  private readonly collections: Record<string, CollectionNavigation>;
  private readonly faults: Array<{ operation: DataverseOperation; error: Error }> = [];
  private readonly clock: Clock;
  readonly calls: DataverseCall[] = [];
  /** Every change set sent, in order (failed ones too). */
  readonly batches: BatchOperation[][] = [];
  /** Actions executed (`WinOpportunity`, `ImportSolution`…) with their parameters. */
  readonly actions: Array<{ name: string; parameters: Record<string, unknown> }> = [];
  readonly environmentVariables = new Map<string, string | null>();
  forms: Array<{ formid: string; name: string; formxml: string }> = [];
  /** The application user whoAmI answers without a user assertion. */
  appUserId = 'a9911ca7-0000-4000-8000-0000000000a1';
  /**
   * Who creates and updates rows through this fake (their createdby / modifiedby): the application
   * user unless a test makes a seller's edit.
   */
  writerId: string | null = null;
  /** systemuserid per user assertion (a signed-in user's token); unknown assertions are 401. */
  readonly usersByAssertion = new Map<string, string>();
  /** RetrievePrincipalAccess answers: `userId|entitySet|id` → rights; unset = no rights. */
  private readonly accessRights = new Map<string, AccessRight[]>();

  constructor(options: FakeDataverseOptions = {}) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.collections = { ...DEFAULT_COLLECTIONS, ...options.collections };
  }

  /** The next call of `operation` fails with this status (an ApiError) or error. */
  failNext(operation: DataverseOperation, failure: number | Error, message = 'injected fault'): void {
    const error =
      typeof failure === 'number'
        ? new ApiError(`dataverse: ${operation} → ${failure}: ${message}`, {
            service: 'dataverse',
            status: failure,
            method: operation,
            url: operation,
          })
        : failure;
    this.faults.push({ operation, error });
  }

  /** What `userId` may do with one record (what RetrievePrincipalAccess will answer). */
  grantAccess(userId: string, entitySet: string, id: string, rights: AccessRight[]): void {
    this.accessRights.set(`${userId.toLowerCase()}|${entitySet}|${keyOf(entitySet, id)}`, [...rights]);
  }

  /** A stored row as it is now (for assertions), or undefined. */
  row(entitySet: string, id: string): WebApiRecord | undefined {
    const row = this.table(entitySet).get(keyOf(entitySet, id));
    return row && structuredClone(row);
  }

  rows(entitySet: string): WebApiRecord[] {
    return [...this.table(entitySet).values()].map((r) => structuredClone(r));
  }

  /** Calls of one operation (optionally on one entity set). */
  callsOf(operation: DataverseOperation, entitySet?: string): DataverseCall[] {
    return this.calls.filter((c) => c.operation === operation && (!entitySet || c.entitySet === entitySet));
  }

  private table(entitySet: string): Map<string, WebApiRecord> {
    let table = this.tables.get(entitySet);
    if (!table) this.tables.set(entitySet, (table = new Map()));
    return table;
  }

  private begin(call: DataverseCall): void {
    this.calls.push(call);
    const i = this.faults.findIndex((f) => f.operation === call.operation);
    if (i >= 0) throw this.faults.splice(i, 1)[0]!.error;
  }

  /** `nav@odata.bind: /set(id)` → `_nav_value: id`; remembers where the navigation points. */
  private toRow(entitySet: string, record: DataverseRecord, base: WebApiRecord = {}): WebApiRecord {
    const row: WebApiRecord = { ...base };
    for (const [key, value] of Object.entries(record)) {
      const bind = /^(.+)@odata\.bind$/.exec(key);
      if (!bind) {
        row[key] = value;
        continue;
      }
      const navigation = bind[1]!.toLowerCase();
      const reference = /^\/?([A-Za-z_][\w]*)\(([^()]+)\)$/.exec(String(value));
      if (!reference) throw new Error(`${entitySet}: cannot bind ${key} to ${String(value)}`);
      const [, target, id] = reference;
      if (!this.table(target!).has(keyOf(target!, id!))) throw notFound(target!, id!, 'POST');
      this.targets.set(navigation, target!);
      row[`_${navigation}_value`] = keyOf(target!, id!);
    }
    return row;
  }

  private insert(entitySet: string, record: DataverseRecord): string {
    const key = primaryKeyOf(entitySet);
    const id = keyOf(entitySet, typeof record[key] === 'string' ? (record[key] as string) : randomUUID());
    if (this.table(entitySet).has(id))
      throw new ApiError(`dataverse: duplicate ${entitySet}(${id})`, {
        service: 'dataverse',
        status: 412,
        method: 'POST',
        url: entitySet,
        code: '0x80040237',
      });
    const now = this.clock.now().toISOString();
    const writer = this.writerId ?? this.appUserId;
    const row = this.toRow(entitySet, record, {
      [key]: id,
      createdon: now,
      modifiedon: now,
      _createdby_value: writer,
      _modifiedby_value: writer,
    });
    row['@odata.etag'] = `W/"${randomUUID()}"`;
    this.table(entitySet).set(id, row);
    return id;
  }

  private patch(entitySet: string, id: string, record: DataverseRecord, method: string): void {
    const key = keyOf(entitySet, id);
    const current = this.table(entitySet).get(key);
    if (!current) throw notFound(entitySet, id, method);
    const row = this.toRow(entitySet, record, current);
    row.modifiedon = this.clock.now().toISOString();
    row._modifiedby_value = this.writerId ?? this.appUserId;
    row['@odata.etag'] = `W/"${randomUUID()}"`;
    this.table(entitySet).set(key, row);
  }

  /** Projection of one row: `$select` (primary key always), then `$expand`. */
  private shape(entitySet: string, row: WebApiRecord, query: Omit<ODataQuery, 'filter'> = {}): WebApiRecord {
    const select = query.select?.map(columnName);
    const key = primaryKeyOf(entitySet);
    // Selected columns the row has no value for come back as null, as the Web API answers them.
    const out: WebApiRecord = select
      ? Object.fromEntries(
          [key, '@odata.etag', ...select].map((column) => [column, structuredClone(row[column] ?? null)]),
        )
      : structuredClone(row);
    for (const expand of query.expand ?? []) out[expand.navigation] = this.expanded(entitySet, row, expand);
    return out;
  }

  private expanded(entitySet: string, row: WebApiRecord, expand: ExpandQuery): unknown {
    const navigation = expand.navigation;
    const collection = this.collections[navigation];
    if (collection) {
      const parent = row[primaryKeyOf(entitySet)];
      const ofParent: Filter = where.eq(lookup(collection.lookup), guid(String(parent)));
      return this.query(collection.entitySet, {
        ...expand,
        filter: expand.filter ? where.and(ofParent, expand.filter) : ofParent,
      });
    }
    const id = row[`_${navigation}_value`];
    const target = this.targets.get(navigation);
    if (typeof id !== 'string' || !target) return null;
    const related = this.table(target).get(id);
    return related ? this.shape(target, related, { select: expand.select, expand: expand.expand }) : null;
  }

  private query(entitySet: string, query: ODataQuery = {}): WebApiRecord[] {
    // The forms live in `forms`; their row version follows their FormXml (a changed form, a new one).
    if (entitySet === SYSTEM_FORMS)
      return this.forms.map((f) => ({
        formid: f.formid,
        name: f.name,
        versionnumber: createHash('sha1').update(f.formxml).digest('hex').slice(0, 12),
      }));
    let rows = [...this.table(entitySet).values()];
    if (query.filter) rows = rows.filter((r) => matches(r, query.filter!));
    if (query.orderBy) rows = sortRows(rows, query.orderBy);
    if (query.top !== undefined) rows = rows.slice(0, query.top);
    return rows.map((r) => this.shape(entitySet, r, query));
  }

  // ---- the port ----

  async retrieve(entitySet: string, id: string, query?: ODataQuery, options?: RetrieveOptions) {
    this.begin({ operation: 'retrieve', entitySet, id, query: odataQueryString(query), options });
    const row = this.table(entitySet).get(keyOf(entitySet, id));
    if (!row) throw notFound(entitySet, id, 'GET');
    return this.shape(entitySet, row, query);
  }

  async retrieveMultiple(entitySet: string, query?: ODataQuery, options?: RetrieveOptions) {
    this.begin({ operation: 'retrieveMultiple', entitySet, query: odataQueryString(query), options });
    return this.query(entitySet, query);
  }

  async retrieveBatch(reads: BatchRead[]): Promise<BatchReadResult[]> {
    const urls = reads.map(
      (r) => `${r.entitySet}${r.id === undefined ? '' : `(${r.id})`}${odataQueryString(r.query)}`,
    );
    this.begin({ operation: 'retrieveBatch', query: urls.join('\n') });
    return reads.map((read) => {
      if (read.id === undefined) return this.query(read.entitySet, read.query);
      const row = this.table(read.entitySet).get(keyOf(read.entitySet, read.id));
      return row ? this.shape(read.entitySet, row, read.query) : null;
    });
  }

  async create(entitySet: string, record: DataverseRecord, options?: WriteOptions) {
    this.begin({ operation: 'create', entitySet, record, options });
    return this.insert(entitySet, record);
  }

  async update(entitySet: string, id: string, record: DataverseRecord, options?: WriteOptions) {
    this.begin({ operation: 'update', entitySet, id, record, options });
    this.patch(entitySet, id, record, 'PATCH');
  }

  async upsert(entitySet: string, id: string, record: DataverseRecord, options?: WriteOptions) {
    this.begin({ operation: 'upsert', entitySet, id, record, options });
    if (this.table(entitySet).has(keyOf(entitySet, id))) this.patch(entitySet, id, record, 'PATCH');
    else this.insert(entitySet, { ...record, [primaryKeyOf(entitySet)]: id });
  }

  async delete(entitySet: string, id: string, options?: WriteOptions) {
    this.begin({ operation: 'delete', entitySet, id, options });
    if (!this.table(entitySet).delete(keyOf(entitySet, id))) throw notFound(entitySet, id, 'DELETE');
  }

  async executeBatch(operations: BatchOperation[]): Promise<BatchResult[]> {
    this.batches.push(structuredClone(operations));
    this.begin({ operation: 'executeBatch' });
    const before = structuredClone(this.tables);
    try {
      return operations.map((op): BatchResult => {
        if (op.method === 'POST') return { status: 204, id: this.insert(op.entitySet, op.record) };
        if (op.method === 'PATCH') {
          this.patch(op.entitySet, op.id, op.record, 'PATCH');
          return { status: 204, id: keyOf(op.entitySet, op.id) };
        }
        if (!this.table(op.entitySet).delete(keyOf(op.entitySet, op.id)))
          throw notFound(op.entitySet, op.id, 'DELETE');
        return { status: 204 };
      });
    } catch (error) {
      this.tables = before;
      throw error;
    }
  }

  async associate(
    entitySet: string,
    id: string,
    navigation: string,
    targetEntitySet: string,
    targetId: string,
  ) {
    this.begin({ operation: 'associate', entitySet, id });
    const collection = this.collections[navigation];
    if (!collection || collection.entitySet !== targetEntitySet)
      throw new Error(`${entitySet}: no collection navigation ${navigation} to ${targetEntitySet}`);
    this.patch(
      targetEntitySet,
      targetId,
      { [`${collection.lookup}@odata.bind`]: `/${entitySet}(${id})` },
      'POST',
    );
  }

  async disassociate(entitySet: string, id: string, navigation: string, targetId: string) {
    this.begin({ operation: 'disassociate', entitySet, id });
    const collection = this.collections[navigation];
    if (!collection) throw new Error(`${entitySet}: no collection navigation ${navigation}`);
    this.patch(collection.entitySet, targetId, { [`_${collection.lookup}_value`]: null }, 'DELETE');
  }

  async getEnvironmentVariable(schemaName: string): Promise<string | null> {
    this.begin({ operation: 'getEnvironmentVariable', id: schemaName });
    return this.environmentVariables.get(schemaName) ?? null;
  }

  async executeAction(name: string, parameters: Record<string, unknown>): Promise<unknown> {
    this.begin({ operation: 'executeAction', id: name });
    this.actions.push({ name, parameters: structuredClone(parameters) });
    if (name === SalesActions.winOpportunity || name === SalesActions.loseOpportunity) {
      this.closeOpportunity(name === SalesActions.winOpportunity, parameters);
      return undefined;
    }
    return {};
  }

  /** As the Dataverse simulator: an opportunityclose activity (completed), then the state change. */
  private closeOpportunity(win: boolean, parameters: Record<string, unknown>): void {
    const name = win ? SalesActions.winOpportunity : SalesActions.loseOpportunity;
    const close = parameters[OpportunityCloseMessage.closeParameter] as Record<string, unknown> | undefined;
    const id = boundId(close?.[`${OpportunityCloseColumns.opportunityNavigation}@odata.bind`]);
    if (!close || !id) throw badRequest('POST', name, 'OpportunityClose must bind opportunityid');
    const opportunity = this.table(EntitySets.opportunity).get(keyOf(EntitySets.opportunity, id));
    if (!opportunity) throw notFound(EntitySets.opportunity, id, 'POST');
    if ((opportunity[OpportunityColumns.stateCode] ?? OpportunityState.open) !== OpportunityState.open)
      throw badRequest('POST', name, 'The opportunity is already closed.');
    const requested = parameters[OpportunityCloseMessage.statusParameter];
    const status =
      requested === -1 ? (win ? OpportunityState.statusWon : OpportunityState.statusCanceled) : requested;
    const allowed: unknown[] = win
      ? [OpportunityState.statusWon]
      : [OpportunityState.statusCanceled, OpportunityState.statusOutSold];
    if (!allowed.includes(status)) throw badRequest('POST', name, `${String(status)} is not a valid status`);
    this.insert(OPPORTUNITY_CLOSES, { ...close, statecode: 1, statuscode: 2 });
    const revenue = close[OpportunityCloseColumns.actualRevenue];
    this.patch(
      EntitySets.opportunity,
      id,
      {
        [OpportunityColumns.stateCode]: win ? OpportunityState.won : OpportunityState.lost,
        [OpportunityColumns.statusCode]: status,
        actualclosedate: close[OpportunityCloseColumns.actualEnd] ?? this.clock.now().toISOString(),
        ...(typeof revenue === 'number'
          ? { actualvalue: revenue }
          : win
            ? { actualvalue: opportunity[OpportunityColumns.estimatedValue] ?? null }
            : {}),
      },
      'POST',
    );
  }

  async executeBoundAction(
    entitySet: string,
    id: string,
    name: string,
    parameters: Record<string, unknown>,
  ): Promise<unknown> {
    this.begin({ operation: 'executeBoundAction', entitySet, id: name });
    this.actions.push({
      name,
      parameters: structuredClone({ ...parameters, boundTo: `${entitySet}(${id})` }),
    });
    if (entitySet !== EntitySets.lead || name !== SalesActions.qualifyLead)
      throw badRequest(
        'POST',
        `${entitySet}(${id})/${name}`,
        `Resource not found for the segment '${name}'.`,
      );
    return this.qualifyLead(id, parameters);
  }

  /** As the Dataverse simulator: account, contact and opportunity from the lead, linked; lead qualified. */
  private qualifyLead(leadId: string, parameters: Record<string, unknown>): { value: WebApiRecord[] } {
    const lead = this.table(EntitySets.lead).get(keyOf(EntitySets.lead, leadId));
    if (!lead) throw notFound(EntitySets.lead, leadId, 'POST');
    const url = `leads(${leadId})/${SalesActions.qualifyLead}`;
    if ((lead[LeadState.stateCode] ?? LeadState.open) !== LeadState.open)
      throw badRequest('POST', url, 'The lead is already closed.');
    if (parameters[QualifyLeadParameters.status] !== LeadStatus.qualified)
      throw badRequest('POST', url, 'Status must be a status of the Qualified state');
    const bind = (set: string, rowId: string | null | undefined) => (rowId ? `/${set}(${rowId})` : undefined);
    const binds = (pairs: Record<string, string | undefined>) =>
      Object.fromEntries(
        Object.entries(pairs)
          .filter(([, v]) => v)
          .map(([k, v]) => [`${k}@odata.bind`, v]),
      );
    const customer = parameters[QualifyLeadParameters.opportunityCustomer] as
      Record<string, unknown> | undefined;
    const currency = parameters[QualifyLeadParameters.opportunityCurrency] as
      Record<string, unknown> | undefined;
    const created: WebApiRecord[] = [];
    const text = (column: string) => (typeof lead[column] === 'string' && lead[column] ? lead[column] : null);
    let accountId = (customer?.[AccountColumns.id] as string | undefined) ?? null;
    if (parameters[QualifyLeadParameters.createAccount] === true && text(LeadColumns.companyName)) {
      accountId = this.insert(EntitySets.account, {
        [AccountColumns.name]: text(LeadColumns.companyName),
        ...binds({ [LeadState.originatingLead]: bind(EntitySets.lead, leadId) }),
      });
      created.push({ '@odata.type': '#Microsoft.Dynamics.CRM.account', [AccountColumns.id]: accountId });
    }
    accountId ??= (lead[`_${LeadCustomerColumns.parentAccount}_value`] as string | undefined) ?? null;
    let contactId = (lead[`_${LeadCustomerColumns.parentContact}_value`] as string | undefined) ?? null;
    if (parameters[QualifyLeadParameters.createContact] === true) {
      contactId = this.insert(EntitySets.contact, {
        [ContactColumns.firstName]: text(LeadColumns.firstName),
        [ContactColumns.lastName]: text(LeadColumns.lastName),
        [ContactColumns.email]: text(LeadColumns.email),
        [ContactColumns.phone]: text(LeadColumns.phone),
        ...(accountId ? { [`_${ContactColumns.parentCustomer}_value`]: accountId } : {}),
        ...binds({ [LeadState.originatingLead]: bind(EntitySets.lead, leadId) }),
      });
      created.push({ '@odata.type': '#Microsoft.Dynamics.CRM.contact', [ContactColumns.id]: contactId });
    }
    let opportunityId: string | null = null;
    if (parameters[QualifyLeadParameters.createOpportunity] === true) {
      opportunityId = this.insert(EntitySets.opportunity, {
        [OpportunityColumns.name]: text(LeadColumns.subject),
        [OpportunityColumns.stateCode]: OpportunityState.open,
        ...binds({
          [LeadState.originatingLead]: bind(EntitySets.lead, leadId),
          [OpportunityNavigation.parentAccount]: bind(EntitySets.account, accountId),
          [OpportunityNavigation.parentContact]: bind(EntitySets.contact, contactId),
          [OpportunityNavigation.transactionCurrency]:
            bind(EntitySets.transactioncurrency, currency?.transactioncurrencyid as string | undefined) ??
            bind(EntitySets.transactioncurrency, lead._transactioncurrencyid_value as string | undefined),
        }),
      });
      created.push({
        '@odata.type': '#Microsoft.Dynamics.CRM.opportunity',
        [OpportunityColumns.id]: opportunityId,
      });
    }
    this.patch(
      EntitySets.lead,
      leadId,
      {
        [LeadState.stateCode]: LeadState.qualified,
        [LeadState.statusCode]: LeadStatus.qualified,
        ...binds({ qualifyingopportunityid: bind(EntitySets.opportunity, opportunityId) }),
      },
      'POST',
    );
    return { value: created };
  }

  async whoAmI(options?: RetrieveOptions): Promise<WhoAmIResponse> {
    this.begin({ operation: 'whoAmI', options });
    const userId = options?.userAssertion ? this.usersByAssertion.get(options.userAssertion) : this.appUserId;
    if (!userId)
      throw new ApiError('dataverse: GET WhoAmI → 401: the user assertion is not accepted', {
        service: 'dataverse',
        status: 401,
        method: 'GET',
        url: 'WhoAmI',
      });
    return {
      UserId: userId,
      BusinessUnitId: 'b0000000-0000-4000-8000-000000000001',
      OrganizationId: 'c0000000-0000-4000-8000-000000000001',
    };
  }

  async retrievePrincipalAccess(
    userId: string,
    target: RecordReference,
    options?: RetrieveOptions,
  ): Promise<AccessRight[]> {
    this.begin({ operation: 'retrievePrincipalAccess', entitySet: target.entitySet, id: target.id, options });
    if (!this.table(target.entitySet).has(keyOf(target.entitySet, target.id)))
      throw notFound(target.entitySet, target.id, 'GET');
    return [
      ...(this.accessRights.get(
        `${requireGuid(userId, 'userId').toLowerCase()}|${target.entitySet}|${keyOf(target.entitySet, target.id)}`,
      ) ?? []),
    ];
  }

  /** getColumnDefinitions answers: table → columns; an absent table is null (no such table). */
  readonly columnDefinitions = new Map<string, ColumnDefinition[]>();

  async getColumnDefinitions(table: string) {
    this.begin({ operation: 'getColumnDefinitions', entitySet: table });
    return structuredClone(this.columnDefinitions.get(table) ?? null);
  }

  async getSystemForms(entity: string) {
    this.begin({ operation: 'getSystemForms', entitySet: entity });
    return entity === Tables.opportunity ? structuredClone(this.forms) : [];
  }
}
