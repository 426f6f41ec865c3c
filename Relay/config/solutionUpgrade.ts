/**
 * How `cosell setup` brings our solution to a new version without losing what customizers changed
 * (docs/operations.md "Upgrading", Solution/README.md):
 *
 * - never `OverwriteUnmanagedCustomizations`: that option replaces the unmanaged layer of every
 *   component in the solution, the field map on our form included
 *   (https://learn.microsoft.com/power-platform/alm/update-solutions-alm);
 * - an installed managed version is upgraded in two steps, staging the new version as a holding
 *   solution (`ImportSolution` with `HoldingSolution`) and then `DeleteAndPromote`, which removes
 *   components the new version dropped (https://learn.microsoft.com/power-platform/alm/solution-concepts-alm);
 * - a package older than the installed version is refused (Dataverse cannot downgrade a managed
 *   solution in place; it has to be uninstalled), as is a managed package over an unmanaged install
 *   and the reverse;
 * - before anything is imported, the plan lists what the new version adds, updates and removes:
 *   environment variables, columns (./solutionColumns.ts) and forms.
 */
import { randomUUID } from 'node:crypto';
import JSZip from 'jszip';
import { XMLParser } from 'fast-xml-parser';
import {
  EnvironmentVariableColumns,
  PUBLISHER,
  RegistrationColumns,
  RegistrationEntitySets,
  SOLUTION_UNIQUE_NAME,
} from '../../Domain/constants';
import { where } from '../../Domain/odataQuery';
import type { PlanItem } from '../../Plugins/registration';
import type { DataverseApi } from '../ports';
import { columnChanges, installedColumns, list, node, packageColumns } from './solutionColumns';
import type { PackageTable } from './solutionColumns';

/** Root component types in solution.xml (https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/solutioncomponent). */
const ComponentType = { entity: 1, role: 20, environmentVariableDefinition: 380 } as const;

export interface SolutionPackage {
  uniqueName: string;
  version: string;
  managed: boolean;
  environmentVariables: string[];
  /** Forms in customizations.xml: id (lower case, no braces), name and table. */
  forms: Array<{ id: string; name: string; entity: string }>;
  /** Tables in customizations.xml with their columns (./solutionColumns.ts). */
  tables: PackageTable[];
}

export interface InstalledSolution {
  version: string;
  managed: boolean;
}

export type SolutionImportAction = 'create' | 'unchanged' | 'update' | 'upgrade';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  isArray: (name) => ['RootComponent', 'Entity', 'systemform', 'LocalizedName'].includes(name),
});
const bareGuid = (id: unknown) =>
  String(id ?? '')
    .replace(/[{}]/g, '')
    .toLowerCase();

export async function readSolutionPackage(zip: Uint8Array): Promise<SolutionPackage> {
  const archive = await JSZip.loadAsync(zip);
  const solutionXml = await archive.file('solution.xml')?.async('string');
  if (!solutionXml) throw new Error('The solution zip has no solution.xml: is it a Dataverse solution?');
  const manifest = node(node(parser.parse(solutionXml)).ImportExportXml).SolutionManifest;
  const m = node(manifest);
  if (!m.Version) throw new Error('solution.xml has no SolutionManifest/Version.');
  const roots = list(node(m.RootComponents).RootComponent);
  const customizations = await archive.file('customizations.xml')?.async('string');
  const entities = customizations
    ? list(node(node(node(parser.parse(customizations)).ImportExportXml).Entities).Entity)
    : [];
  const forms = entities.flatMap((entity) =>
    list(node(node(entity.FormXml).forms).systemform).map((form) => ({
      id: bareGuid(form.formid),
      name: String(list(node(form.LocalizedNames).LocalizedName)[0]?.description ?? bareGuid(form.formid)),
      entity: String(
        entity.Name && typeof entity.Name === 'object' ? node(entity.Name)['#text'] : entity.Name,
      ).toLowerCase(),
    })),
  );
  return {
    uniqueName: String(m.UniqueName),
    version: String(m.Version),
    managed: String(m.Managed) === '1',
    environmentVariables: roots
      .filter((r) => Number(r.type) === ComponentType.environmentVariableDefinition)
      .map((r) => String(r.schemaName)),
    forms,
    tables: customizations ? packageColumns(customizations) : [],
  };
}

/** Dataverse versions are major.minor.build.revision; missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * The holding solution an upgrade is staged as until `DeleteAndPromote` (`<UniqueName>_Upgrade`); it
 * stays when the promotion fails, e.g. on a dependency of a component the new version drops.
 */
export const HOLDING_SOLUTION_SUFFIX = '_Upgrade';

export async function installedSolution(
  dataverse: DataverseApi,
  uniqueName: string = SOLUTION_UNIQUE_NAME,
): Promise<InstalledSolution | null> {
  const S = RegistrationColumns.solution;
  const [row] = await dataverse.retrieveMultiple(RegistrationEntitySets.solutions, {
    select: [S.version, S.isManaged],
    filter: where.eq(S.uniqueName, uniqueName),
  });
  return row ? { version: String(row[S.version]), managed: row[S.isManaged] === true } : null;
}

/** What importing `incoming` over `installed` means; throws when it must not be imported. */
export function decideSolutionImport(
  incoming: SolutionPackage,
  installed: InstalledSolution | null,
): SolutionImportAction {
  if (!installed) return 'create';
  const kind = (managed: boolean) => (managed ? 'managed' : 'unmanaged');
  if (installed.managed !== incoming.managed)
    throw new Error(
      `${incoming.uniqueName} is installed as ${kind(installed.managed)}, this zip is ${kind(incoming.managed)}: ` +
        `use the ${kind(installed.managed)} zip (Dataverse cannot replace one kind with the other).`,
    );
  const order = compareVersions(incoming.version, installed.version);
  if (order < 0)
    throw new Error(
      `Refusing to downgrade ${incoming.uniqueName} from ${installed.version} to ${incoming.version}: ` +
        'use a zip of version ' +
        `${installed.version} or later (going back needs an uninstall, which deletes the solution's data).`,
    );
  if (order === 0) return 'unchanged';
  return incoming.managed ? 'upgrade' : 'update';
}

/** What the new version adds, changes and removes compared with the environment, as plan items. */
export async function solutionChanges(
  dataverse: DataverseApi,
  incoming: SolutionPackage,
): Promise<PlanItem[]> {
  const items: PlanItem[] = [];
  const definitions = await dataverse.retrieveMultiple(
    RegistrationEntitySets.environmentVariableDefinitions,
    {
      select: [EnvironmentVariableColumns.schemaName],
      filter: where.startsWith(EnvironmentVariableColumns.schemaName, `${PUBLISHER.prefix}_`),
    },
  );
  const installedVariables = new Set(
    definitions.map((d) => String(d[EnvironmentVariableColumns.schemaName])),
  );
  for (const name of incoming.environmentVariables)
    if (!installedVariables.has(name))
      items.push({ component: 'environment variable', name, action: 'create' });
  for (const name of installedVariables)
    if (!incoming.environmentVariables.includes(name))
      items.push({
        component: 'environment variable',
        name,
        action: 'delete',
        detail: 'not in the new version: the upgrade deletes it',
      });
  const tables = incoming.tables.map((t) => t.table);
  items.push(...columnChanges(incoming.tables, await installedColumns(dataverse, tables)));
  const formTables = [...new Set(incoming.forms.map((f) => f.entity))];
  const installedForms = new Set(
    (await Promise.all(formTables.map((t) => dataverse.getSystemForms(t))))
      .flat()
      .map((f) => bareGuid(f.formid)),
  );
  for (const form of incoming.forms)
    items.push(
      installedForms.has(form.id)
        ? {
            component: 'form',
            name: `${form.entity}: ${form.name}`,
            action: 'update',
            detail: 'new managed version; customizations on it are kept',
          }
        : { component: 'form', name: `${form.entity}: ${form.name}`, action: 'create' },
    );
  // Only an upgrade (managed, staged and promoted) deletes; an unmanaged update keeps what it lacks.
  if (incoming.managed) return items;
  return items.map((item) =>
    item.action === 'delete'
      ? { ...item, action: 'unchanged', detail: 'not in the new version; an unmanaged update keeps it' }
      : item,
  );
}

/**
 * Imports without touching unmanaged customizations; an upgrade is staged, then promoted. The same
 * version staged by an earlier run whose promotion failed is promoted without importing it again
 * (Dataverse allows one staged upgrade per solution).
 */
export async function importSolutionPackage(
  dataverse: DataverseApi,
  zip: Uint8Array,
  incoming: SolutionPackage,
  action: Exclude<SolutionImportAction, 'unchanged'>,
): Promise<void> {
  const holdingName = incoming.uniqueName + HOLDING_SOLUTION_SUFFIX;
  const staged = action === 'upgrade' ? await installedSolution(dataverse, holdingName) : null;
  if (staged && staged.version !== incoming.version)
    throw new Error(
      `${holdingName} ${staged.version} is staged already: finish that upgrade first (cosell setup with the ` +
        `${staged.version} zip), or delete ${holdingName} in the maker portal.`,
    );
  if (staged) {
    await dataverse.executeAction('DeleteAndPromote', { UniqueName: incoming.uniqueName });
    return;
  }
  await dataverse.executeAction('ImportSolution', {
    CustomizationFile: Buffer.from(zip).toString('base64'),
    OverwriteUnmanagedCustomizations: false,
    PublishWorkflows: true,
    ImportJobId: randomUUID(),
    ...(action === 'upgrade' ? { HoldingSolution: true } : {}),
  });
  if (action === 'upgrade')
    await dataverse.executeAction('DeleteAndPromote', { UniqueName: incoming.uniqueName });
}
