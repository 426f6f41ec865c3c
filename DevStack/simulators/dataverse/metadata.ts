/**
 * The simulator's schema: tables, columns, choices and relationships. Standard tables come from
 * ./baseSchema; everything with our publisher prefix arrives only through solution import
 * (./solutionImport), exactly like a real environment learns it.
 */

export type AttributeType =
  | 'primarykey'
  | 'nvarchar'
  | 'ntext'
  | 'int'
  | 'bigint'
  | 'decimal'
  | 'float'
  | 'money'
  | 'bit'
  | 'datetime'
  | 'picklist'
  | 'state'
  | 'status'
  | 'multiselectpicklist'
  | 'lookup'
  | 'owner'
  | 'customer'
  | 'uniqueidentifier'
  | 'virtual';

export interface OptionDef {
  value: number;
  label: string;
  /** statuscode options: the statecode they belong to. */
  state?: number;
}

export interface AttributeDef {
  logicalName: string;
  schemaName: string;
  type: AttributeType;
  label?: string;
  options?: OptionDef[];
  /** Lookup targets (logical names). */
  targets?: string[];
  maxLength?: number;
  isCustom?: boolean;
  /** False for columns the Web API never returns (serviceendpoint.authvalue). */
  readable?: boolean;
  requiredLevel?: 'none' | 'recommended' | 'required' | 'systemrequired';
  /** Value the platform stores on create when none is given (AppDefaultValue; Yes/No always has one). */
  defaultValue?: number | boolean;
}

export interface TableDef {
  logicalName: string;
  schemaName: string;
  entitySetName: string;
  primaryIdAttribute: string;
  primaryNameAttribute: string;
  isCustom: boolean;
  /** Set for entities whose rows are platform metadata (no webhook events are raised for them). */
  isSystem?: boolean;
  attributes: Record<string, AttributeDef>;
  label?: string;
}

/** A 1:N relationship; `referencing` holds the lookup. */
export interface RelationshipDef {
  schemaName: string;
  referencingEntity: string;
  referencedEntity: string;
  referencingAttribute: string;
  /** Single-valued navigation on the referencing table (used in @odata.bind and $expand). */
  referencingNavigation: string;
  /** Collection-valued navigation on the referenced table. */
  referencedNavigation: string;
  isCustom?: boolean;
}

export interface SchemaSnapshot {
  tables: TableDef[];
  relationships: RelationshipDef[];
}

export interface NavigationDef {
  name: string;
  kind: 'single' | 'collection';
  relationship: RelationshipDef;
  /** The table at the other end. */
  target: string;
}

export class MetadataStore {
  private readonly tables = new Map<string, TableDef>();
  private readonly entitySets = new Map<string, string>();
  private readonly relationships = new Map<string, RelationshipDef>();

  constructor(snapshot?: SchemaSnapshot) {
    if (snapshot) this.load(snapshot);
  }

  load(snapshot: SchemaSnapshot): void {
    for (const table of snapshot.tables) this.putTable(structuredClone(table));
    for (const relationship of snapshot.relationships) this.putRelationship({ ...relationship });
  }

  snapshot(): SchemaSnapshot {
    return {
      tables: [...this.tables.values()].map((t) => structuredClone(t)),
      relationships: [...this.relationships.values()].map((r) => ({ ...r })),
    };
  }

  putTable(table: TableDef): void {
    const existing = this.tables.get(table.logicalName);
    if (existing) {
      // Importing columns onto an existing table merges them (unmodified="1" entity shells).
      Object.assign(existing.attributes, table.attributes);
      return;
    }
    this.tables.set(table.logicalName, table);
    this.entitySets.set(table.entitySetName, table.logicalName);
  }

  putAttribute(table: string, attribute: AttributeDef): void {
    this.requireTable(table).attributes[attribute.logicalName] = attribute;
  }

  putRelationship(relationship: RelationshipDef): void {
    this.relationships.set(relationship.schemaName, relationship);
  }

  /** Deletes a table with its relationships (an uninstalled or upgraded-away component). */
  removeTable(logicalName: string): void {
    const table = this.tables.get(logicalName);
    if (!table) return;
    this.tables.delete(logicalName);
    this.entitySets.delete(table.entitySetName);
    for (const r of [...this.relationships.values()])
      if (r.referencingEntity === logicalName || r.referencedEntity === logicalName)
        this.relationships.delete(r.schemaName);
  }

  /** Deletes a column, and the relationship it is the lookup of. */
  removeAttribute(table: string, logicalName: string): void {
    delete this.tables.get(table)?.attributes[logicalName];
    for (const r of [...this.relationships.values()])
      if (r.referencingEntity === table && r.referencingAttribute === logicalName)
        this.relationships.delete(r.schemaName);
  }

  removeRelationship(schemaName: string): void {
    this.relationships.delete(schemaName);
  }

  table(logicalName: string): TableDef | undefined {
    return this.tables.get(logicalName);
  }

  requireTable(logicalName: string): TableDef {
    const table = this.tables.get(logicalName);
    if (!table) throw new Error(`unknown table ${logicalName}`);
    return table;
  }

  tableByEntitySet(entitySet: string): TableDef | undefined {
    const name = this.entitySets.get(entitySet);
    return name ? this.tables.get(name) : undefined;
  }

  allTables(): TableDef[] {
    return [...this.tables.values()];
  }

  allRelationships(): RelationshipDef[] {
    return [...this.relationships.values()];
  }

  relationship(schemaName: string): RelationshipDef | undefined {
    return this.relationships.get(schemaName);
  }

  /** Every navigation property of a table, single- and collection-valued. */
  navigations(table: string): NavigationDef[] {
    const result: NavigationDef[] = [];
    for (const r of this.relationships.values()) {
      if (r.referencingEntity === table)
        result.push({
          name: r.referencingNavigation,
          kind: 'single',
          relationship: r,
          target: r.referencedEntity,
        });
      if (r.referencedEntity === table)
        result.push({
          name: r.referencedNavigation,
          kind: 'collection',
          relationship: r,
          target: r.referencingEntity,
        });
    }
    return result;
  }

  navigation(table: string, name: string): NavigationDef | undefined {
    return this.navigations(table).find((n) => n.name === name);
  }
}
