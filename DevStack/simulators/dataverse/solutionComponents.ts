/**
 * Which components each installed solution brought, and what `DeleteAndPromote` deletes: the
 * components of the old version that its holding solution (the new version) no longer contains
 * (https://learn.microsoft.com/power-platform/alm/update-solutions-alm, "Upgrade": components of the
 * previous version that the new version does not contain are deleted;
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/deleteandpromote).
 *
 * - A component still in another installed solution stays (a component is deleted with the last
 *   solution that holds it, https://learn.microsoft.com/power-platform/alm/solution-layers-alm).
 * - Only custom columns and tables are ours to delete: a solution that lists a standard column or
 *   table (an `unmodified` shell of `opportunity`) never deletes it.
 * - An update without a holding solution deletes nothing: the components of both versions stay in the
 *   solution (the "Update" import option of the same page).
 * - Deleting a column deletes its values; deleting a form deletes its unmanaged layer too.
 * - A column a remaining form still binds (a customizer put it on their form) cannot be deleted: the
 *   promotion fails and changes nothing
 *   (https://learn.microsoft.com/power-platform/alm/dependency-tracking-solution-components).
 */
import { DataverseError, ErrorCodes } from './errors';
import { stableGuid } from './ids';
import type { MetadataStore } from './metadata';
import type { ParsedSolution } from './solutionImport';
import type { FormLayers } from './solutionLayers';
import type { RecordStore } from './store';

/** Component keys per kind; columns are `<table>.<column>`. */
export interface SolutionComponents {
  tables: string[];
  columns: string[];
  relationships: string[];
  forms: string[];
  environmentVariables: string[];
  roles: string[];
  fieldSecurityProfiles: string[];
  serviceEndpoints: string[];
  steps: string[];
}

type Kind = keyof SolutionComponents;
const KINDS: Kind[] = [
  'tables',
  'columns',
  'relationships',
  'forms',
  'environmentVariables',
  'roles',
  'fieldSecurityProfiles',
  'serviceEndpoints',
  'steps',
];

/** solution unique name → its components. */
const COMPONENTS_META_KEY = 'solutionComponents';

/** What an imported package contains (custom tables and columns only; see the header). */
export function componentsOf(parsed: ParsedSolution): SolutionComponents {
  return {
    tables: parsed.tables.filter((t) => !t.shell).map((t) => t.logicalName),
    columns: parsed.tables.flatMap((t) =>
      Object.values(t.attributes)
        .filter((a) => a.isCustom)
        .map((a) => `${t.logicalName}.${a.logicalName}`),
    ),
    relationships: parsed.relationships.map((r) => r.schemaName),
    forms: parsed.forms.map((f) => f.formid),
    environmentVariables: parsed.environmentVariables.map((v) => v.schemaname),
    roles: parsed.roles.map((r) => r.id),
    fieldSecurityProfiles: parsed.fieldSecurityProfiles.map((p) => p.id),
    serviceEndpoints: parsed.serviceEndpoints.map((e) => e.serviceendpointid),
    steps: parsed.steps.map((s) => s.sdkmessageprocessingstepid),
  };
}

const union = (a: SolutionComponents, b: SolutionComponents): SolutionComponents =>
  Object.fromEntries(
    KINDS.map((k) => [k, [...new Set([...a[k], ...b[k]])]]),
  ) as unknown as SolutionComponents;

export class SolutionComponentRegistry {
  constructor(
    private readonly deps: { store: RecordStore; metadata: MetadataStore; formLayers: FormLayers },
  ) {}

  private all(): Record<string, SolutionComponents> {
    return this.deps.store.getMeta<Record<string, SolutionComponents>>(COMPONENTS_META_KEY) ?? {};
  }

  /**
   * Records an import. A holding solution holds exactly the new version; any other import adds to
   * what the solution already holds.
   */
  recordImport(uniqueName: string, components: SolutionComponents, holding: boolean): void {
    const all = this.all();
    const previous = all[uniqueName];
    all[uniqueName] = previous && !holding ? union(previous, components) : components;
    this.deps.store.setMeta(COMPONENTS_META_KEY, all);
  }

  /**
   * `DeleteAndPromote`: deletes what `uniqueName` holds and `holdingName` does not (unless another
   * solution holds it), then the holding solution's components become the solution's.
   * Returns the deleted component keys per kind.
   */
  promote(uniqueName: string, holdingName: string): SolutionComponents {
    const all = this.all();
    const empty = Object.fromEntries(KINDS.map((k) => [k, []])) as unknown as SolutionComponents;
    const old = all[uniqueName] ?? empty;
    const next = all[holdingName] ?? empty;
    const others = Object.entries(all)
      .filter(([name]) => name !== uniqueName && name !== holdingName)
      .reduce((acc, [, c]) => union(acc, c), empty);
    const removed = Object.fromEntries(
      KINDS.map((k) => [k, old[k].filter((key) => !next[k].includes(key) && !others[k].includes(key))]),
    ) as unknown as SolutionComponents;
    this.refuseDependencies(removed);
    this.delete(removed);
    all[uniqueName] = next;
    delete all[holdingName];
    this.deps.store.setMeta(COMPONENTS_META_KEY, all);
    return removed;
  }

  /** A column bound by a form that stays (data-bound control or onchange event) blocks the deletion. */
  private refuseDependencies(removed: SolutionComponents): void {
    const forms = this.deps.store.list('systemform').filter((f) => !removed.forms.includes(String(f.formid)));
    for (const key of removed.columns) {
      const [table, column] = key.split('.') as [string, string];
      if (removed.tables.includes(table)) continue;
      const binding = new RegExp(`(datafieldname|attribute)="${column}"`, 'i');
      const users = forms.filter((f) => f.objecttypecode === table && binding.test(String(f.formxml ?? '')));
      if (users.length > 0)
        throw new DataverseError(
          400,
          ErrorCodes.importFailed,
          `The Attribute(${table}.${column}) component cannot be deleted because it is referenced by ${users.length} ` +
            `other components (${users.map((f) => `form '${String(f.name)}'`).join(', ')}).`,
        );
    }
  }

  private delete(removed: SolutionComponents): void {
    const { store, metadata, formLayers } = this.deps;
    for (const key of removed.columns) {
      const [table, column] = key.split('.') as [string, string];
      if (removed.tables.includes(table)) continue;
      const primaryId = metadata.table(table)?.primaryIdAttribute;
      metadata.removeAttribute(table, column);
      if (!primaryId) continue;
      for (const row of store.list(table)) {
        if (!(column in row)) continue;
        const { [column]: _dropped, ...rest } = row;
        store.put(table, String(row[primaryId]), rest);
      }
    }
    for (const table of removed.tables) {
      const definition = metadata.table(table);
      if (definition)
        for (const row of store.list(table)) store.delete(table, String(row[definition.primaryIdAttribute]));
      metadata.removeTable(table);
    }
    for (const name of removed.relationships) metadata.removeRelationship(name);
    for (const formId of removed.forms) {
      store.delete('systemform', formId);
      formLayers.forget(formId);
    }
    for (const schemaName of removed.environmentVariables) {
      const definitionId = stableGuid('environmentvariabledefinition', schemaName);
      for (const value of store.findByLookup(
        'environmentvariablevalue',
        'environmentvariabledefinitionid',
        definitionId,
      ))
        store.delete('environmentvariablevalue', String(value.environmentvariablevalueid));
      store.delete('environmentvariabledefinition', definitionId);
    }
    for (const id of removed.roles) store.delete('role', id);
    for (const id of removed.fieldSecurityProfiles) store.delete('fieldsecurityprofile', id);
    for (const id of removed.steps) {
      for (const image of store.findByLookup(
        'sdkmessageprocessingstepimage',
        'sdkmessageprocessingstepid',
        id,
      ))
        store.delete('sdkmessageprocessingstepimage', String(image.sdkmessageprocessingstepimageid));
      store.delete('sdkmessageprocessingstep', id);
    }
    for (const id of removed.serviceEndpoints) store.delete('serviceendpoint', id);
  }
}
