/**
 * Create / Update / Delete of rows with the platform's side effects: system columns, owner, state
 * defaults, row versions, lookup target checks, RemoveLink cascade, and the event pipeline
 * (synchronous steps inside the transaction; asynchronous ones collected for after commit).
 * Callers run these inside `RecordStore.transaction` through a WriteScope.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../Relay/ports';
import { DataverseError, ErrorCodes, notFound } from './errors';
import type { Caller, EventMessage, EventPipeline, PipelineEvent } from './events';
import type { MetadataStore, TableDef } from './metadata';
import type { KeyValue } from './remoteExecutionContext';
import type { AccessContext, Security } from './security';
import { isLookupValue } from './store';
import type { LookupValue, RecordStore, Row } from './store';

export interface WriteScope {
  caller: Caller;
  correlationId: string;
  /** Events whose asynchronous steps run after commit. */
  events: PipelineEvent[];
  /** The caller's privileges, read once per request. */
  access?: AccessContext;
}

export interface WriteConditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

export const etagOf = (row: Row): string => `W/"${String(row.versionnumber)}"`;

const FULL_NAME_TABLES = new Set(['contact', 'lead', 'systemuser']);

export class OrganizationService {
  constructor(
    private readonly deps: {
      store: RecordStore;
      metadata: MetadataStore;
      pipeline: EventPipeline;
      clock: Clock;
      security: Security;
    },
  ) {}

  private access(scope: WriteScope): AccessContext {
    scope.access ??= this.deps.security.contextOf(scope.caller);
    return scope.access;
  }

  /**
   * owninguser / owningbusinessunit follow ownerid (set by the platform, whatever the caller sent):
   * a user owner's business unit owns the record too.
   */
  private withOwnership(table: TableDef, row: Row): void {
    if (!table.attributes.ownerid) return;
    const owner = row.ownerid;
    if (!isLookupValue(owner)) return;
    if (table.attributes.owninguser)
      row.owninguser = owner.logicalName === 'systemuser' ? { ...owner } : null;
    if (table.attributes.owningbusinessunit) {
      const bu = this.deps.store.get('systemuser', owner.id)?.businessunitid;
      row.owningbusinessunit = isLookupValue(bu) ? ({ ...bu } as LookupValue) : null;
    }
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private userRef(scope: WriteScope): { id: string; logicalName: string } {
    return { id: scope.caller.systemuserid, logicalName: 'systemuser' };
  }

  private checkLookups(table: TableDef, row: Row): void {
    for (const [column, value] of Object.entries(row)) {
      if (!isLookupValue(value)) continue;
      if (!this.deps.store.get(value.logicalName, value.id))
        throw new DataverseError(
          404,
          ErrorCodes.notFound,
          `${value.logicalName} With Id = ${value.id} Does Not Exist (referenced by ${table.logicalName}.${column})`,
        );
    }
  }

  private defaultStatus(table: TableDef, state: number): number | undefined {
    return (
      table.attributes.statuscode?.options?.find((o) => o.state === state)?.value ?? (state === 0 ? 1 : 2)
    );
  }

  private withFullName(table: TableDef, row: Row, merged: Row): void {
    if (!FULL_NAME_TABLES.has(table.logicalName) || 'fullname' in row) return;
    if (!('firstname' in row) && !('lastname' in row)) return;
    row.fullname = [merged.firstname, merged.lastname].filter((x) => typeof x === 'string' && x).join(' ');
  }

  private async raise(event: PipelineEvent, scope: WriteScope): Promise<void> {
    await this.deps.pipeline.runSynchronous(event);
    scope.events.push(event);
  }

  private event(
    message: EventMessage,
    table: TableDef,
    id: string,
    scope: WriteScope,
    parts: Partial<PipelineEvent>,
  ): PipelineEvent {
    return {
      message,
      table,
      id,
      target: null,
      pre: null,
      post: null,
      extraInputs: [],
      changedColumns: [],
      caller: scope.caller,
      correlationId: scope.correlationId,
      requestId: randomUUID(),
      ...parts,
    };
  }

  async create(table: TableDef, values: Row, scope: WriteScope, requestedId?: string): Promise<Row> {
    const { store } = this.deps;
    const id = (
      requestedId ??
      (values[table.primaryIdAttribute] as string | undefined) ??
      randomUUID()
    ).toLowerCase();
    if (store.get(table.logicalName, id))
      throw new DataverseError(
        412,
        ErrorCodes.duplicateRecord,
        `A record with matching key values already exists.`,
      );
    this.checkLookups(table, values);
    const now = this.now();
    const user = this.userRef(scope);
    const row: Row = { ...values, [table.primaryIdAttribute]: id };
    for (const attribute of Object.values(table.attributes))
      if (attribute.defaultValue !== undefined && row[attribute.logicalName] === undefined)
        row[attribute.logicalName] = attribute.defaultValue;
    // Records created by a user are owned by them unless the caller names another owner.
    if (table.attributes.ownerid && !row.ownerid) row.ownerid = user;
    this.withOwnership(table, row);
    this.deps.security.requireAccess(this.access(scope), table, row, 'Create');
    if (table.attributes.statecode && row.statecode === undefined) row.statecode = 0;
    if (table.attributes.statuscode && row.statuscode === undefined)
      row.statuscode = this.defaultStatus(table, Number(row.statecode ?? 0));
    this.withFullName(table, row, row);
    Object.assign(row, { createdon: now, modifiedon: now, createdby: user, modifiedby: user });
    row.versionnumber = store.nextVersion();
    store.put(table.logicalName, id, row);
    const target = { ...row };
    delete target.versionnumber;
    await this.raise(
      this.event('Create', table, id, scope, { target, post: row, changedColumns: Object.keys(values) }),
      scope,
    );
    return row;
  }

  private checkConditions(
    table: TableDef,
    id: string,
    existing: Row | undefined,
    conditions: WriteConditions,
  ): void {
    if (conditions.ifMatch !== undefined) {
      if (!existing) throw notFound(table.logicalName, id);
      if (conditions.ifMatch !== '*' && conditions.ifMatch !== etagOf(existing))
        throw new DataverseError(
          412,
          ErrorCodes.concurrencyMismatch,
          "The version of the existing record doesn't match the RowVersion property provided.",
        );
    }
    if (conditions.ifNoneMatch === '*' && existing)
      throw new DataverseError(
        412,
        ErrorCodes.duplicateRecord,
        'A record with matching key values already exists.',
      );
  }

  async update(
    table: TableDef,
    id: string,
    changes: Row,
    scope: WriteScope,
    conditions: WriteConditions = {},
    message: EventMessage = 'Update',
    extraInputs: KeyValue[] = [],
  ): Promise<Row> {
    const { store } = this.deps;
    const existing = store.get(table.logicalName, id);
    this.checkConditions(table, id, existing, conditions);
    if (!existing) throw notFound(table.logicalName, id);
    const access = this.access(scope);
    this.deps.security.requireAccess(access, table, existing, 'Write');
    this.checkLookups(table, changes);
    const values: Row = { ...changes };
    delete values[table.primaryIdAttribute];
    delete values.owninguser;
    delete values.owningbusinessunit;
    const newOwner = values.ownerid;
    if (
      isLookupValue(newOwner) &&
      (!isLookupValue(existing.ownerid) || existing.ownerid.id !== newOwner.id)
    ) {
      // Changing the owner is an Assign (security-sharing-assigning.md).
      this.deps.security.requireAccess(access, table, existing, 'Assign');
      this.withOwnership(table, values);
    }
    if ('statecode' in values && !('statuscode' in values) && table.attributes.statuscode)
      values.statuscode = this.defaultStatus(table, Number(values.statecode));
    this.withFullName(table, values, { ...existing, ...values });
    const user = this.userRef(scope);
    const row: Row = {
      ...existing,
      ...values,
      modifiedon: this.now(),
      modifiedby: user,
      versionnumber: store.nextVersion(),
    };
    store.put(table.logicalName, id, row);
    // Update Target = changed columns + key + modified* (as in real payloads).
    const target: Row =
      message === 'Update'
        ? {
            ...values,
            [table.primaryIdAttribute]: id,
            modifiedon: row.modifiedon,
            modifiedby: user,
            modifiedonbehalfby: null,
          }
        : {};
    await this.raise(
      this.event(message, table, id, scope, {
        target: message === 'Update' ? target : null,
        pre: existing,
        post: row,
        changedColumns: Object.keys(values),
        extraInputs,
      }),
      scope,
    );
    return row;
  }

  /**
   * The main event of a message that changed rows through create/update (Win, Lose, QualifyLead):
   * steps registered on it see `pre` (the row before the message) and the row as it is now.
   */
  async raiseMessage(
    message: EventMessage,
    table: TableDef,
    id: string,
    scope: WriteScope,
    pre: Row,
    extraInputs: KeyValue[],
  ): Promise<void> {
    const post = this.deps.store.get(table.logicalName, id) ?? null;
    await this.raise(this.event(message, table, id, scope, { pre, post, extraInputs }), scope);
  }

  /** PATCH semantics: update when present, create otherwise (unless conditions forbid). */
  async upsert(
    table: TableDef,
    id: string,
    values: Row,
    scope: WriteScope,
    conditions: WriteConditions,
  ): Promise<{ row: Row; created: boolean }> {
    const existing = this.deps.store.get(table.logicalName, id);
    this.checkConditions(table, id, existing, conditions);
    if (existing) return { row: await this.update(table, id, values, scope), created: false };
    return { row: await this.create(table, values, scope, id), created: true };
  }

  async delete(
    table: TableDef,
    id: string,
    scope: WriteScope,
    conditions: WriteConditions = {},
  ): Promise<void> {
    const { store, metadata } = this.deps;
    const existing = store.get(table.logicalName, id);
    this.checkConditions(table, id, existing, conditions);
    if (!existing) throw notFound(table.logicalName, id);
    this.deps.security.requireAccess(this.access(scope), table, existing, 'Delete');
    store.delete(table.logicalName, id);
    // Cascade: RemoveLink for every relationship pointing at this row.
    for (const r of metadata.allRelationships()) {
      if (r.referencedEntity !== table.logicalName) continue;
      for (const child of store.list(r.referencingEntity)) {
        const value = child[r.referencingAttribute];
        if (isLookupValue(value) && value.id === id && value.logicalName === table.logicalName) {
          const childTable = metadata.requireTable(r.referencingEntity);
          store.put(r.referencingEntity, String(child[childTable.primaryIdAttribute]), {
            ...child,
            [r.referencingAttribute]: null,
            versionnumber: store.nextVersion(),
          });
        }
      }
    }
    await this.raise(this.event('Delete', table, id, scope, { pre: existing }), scope);
  }
}
