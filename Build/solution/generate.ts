/**
 * Generates the unpacked solution source (SolutionPackager layout) from the typed model and the shared
 * constants. The result is committed under Solution/; a unit test regenerates it and fails when the
 * committed files are stale. Run: `tsx Build/solution/generate.ts` (keeps the version in Solution.xml).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  EnvironmentVariables,
  PcfControl,
  SOLUTION_UNIQUE_NAME,
  SecurityRoles,
  FieldSecurityProfiles,
  TableSchemaNames,
  Tables,
} from '../../Domain/constants';
import { leadColumns, opportunityColumns } from './model/columns';
import { envVars } from './model/envVars';
import { opportunityForm, tableForms } from './model/forms';
import { fieldSecurityProfiles, roles } from './model/security';
import { newTables } from './model/tables';
import { allViews } from './model/views';
import {
  renderCustomControl,
  renderCustomizationsSkeleton,
  renderEnvVar,
  renderFieldSecurityProfiles,
  renderRole,
  renderSolutionManifest,
  renderWebResource,
  webResources,
  type RootComponent,
} from './render/components';
import { renderNewTable, renderSystemTableExtension } from './render/entities';
import { renderForm } from './render/forms';
import { allRelationships, renderRelationship } from './render/relationships';
import { renderViewFile } from './render/views';
import { XSI_NS, child, el, parse, root, serialize, textOf, type XmlNode } from './xml';

export const DEFAULT_VERSION = '1.0.0.0';
export const SOLUTION_XML = 'Other/Solution.xml';

/** Folder of a table under Entities/: system tables use their schema name, ours the logical name. */
export const entityFolder = (table: string): string =>
  (TableSchemaNames as Record<string, string>)[table] ?? table;

const file = (node: XmlNode) => serialize(node, { declaration: true });

/** Root components in the order exports list them: by type, then name/id. */
export function rootComponents(): RootComponent[] {
  const roots: RootComponent[] = [
    // System tables we add columns/forms/views to: shell only (behavior 2), as YarSol's Solution.xml.
    { type: 1, schemaName: Tables.lead, behavior: 2 },
    { type: 1, schemaName: Tables.opportunity, behavior: 2 },
    ...newTables.map((t): RootComponent => ({ type: 1, schemaName: t.logicalName, behavior: 0 })),
    ...Object.values(SecurityRoles).map((r): RootComponent => ({ type: 20, id: r.id, behavior: 0 })),
    ...webResources.map((w): RootComponent => ({ type: 61, schemaName: w.name, behavior: 0 })),
    { type: 66, schemaName: PcfControl.fullName, behavior: 0 },
    // 70 = field security profile (solutioncomponent reference).
    ...Object.values(FieldSecurityProfiles).map((p): RootComponent => ({ type: 70, id: p.id, behavior: 0 })),
    // Env-var roots (380): Microsoft samples omit them, community guidance requires them — we emit them.
    ...Object.values(EnvironmentVariables).map((s): RootComponent => ({
      type: 380,
      schemaName: s,
      behavior: 0,
    })),
  ];
  const key = (r: RootComponent) => `${String(r.type).padStart(4, '0')}:${r.schemaName ?? r.id}`;
  return roots.sort((a, b) => key(a).localeCompare(key(b)));
}

/** The solution version, read from the one place it lives: `<Version>` in Other/Solution.xml. */
export function readVersion(solutionDir: string): string {
  const path = join(solutionDir, SOLUTION_XML);
  if (!existsSync(path)) return DEFAULT_VERSION;
  const manifest = child(root(parse(readFileSync(path, 'utf8'))), 'SolutionManifest');
  const version = manifest && child(manifest, 'Version');
  const text = version ? textOf(version) : '';
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(text)) {
    throw new Error(`${path}: <Version> must be four numbers (major.minor.build.revision), got "${text}"`);
  }
  return text;
}

/** Every generated source file, keyed by its path relative to Solution/. */
export function generateSolutionFiles(version: string): Map<string, string> {
  const files = new Map<string, string>();
  files.set(SOLUTION_XML, file(renderSolutionManifest(version, 0, rootComponents())));
  files.set('Other/Customizations.xml', file(renderCustomizationsSkeleton()));

  const relationships = allRelationships();
  files.set(
    'Other/Relationships.xml',
    file(
      el(
        'EntityRelationships',
        XSI_NS,
        relationships.map((r) => el('EntityRelationship', { Name: r.name })),
      ),
    ),
  );
  for (const table of [...new Set(relationships.map((r) => r.referencing))].sort()) {
    const own = relationships.filter((r) => r.referencing === table).map((r) => renderRelationship(r));
    files.set(`Other/Relationships/${entityFolder(table)}.xml`, file(el('EntityRelationships', XSI_NS, own)));
  }
  files.set('Other/FieldSecurityProfiles.xml', file(renderFieldSecurityProfiles(fieldSecurityProfiles)));

  files.set(
    `Entities/${entityFolder(Tables.opportunity)}/Entity.xml`,
    file(renderSystemTableExtension(TableSchemaNames.opportunity, opportunityColumns)),
  );
  files.set(
    `Entities/${entityFolder(Tables.lead)}/Entity.xml`,
    file(renderSystemTableExtension(TableSchemaNames.lead, leadColumns)),
  );
  for (const t of newTables)
    files.set(`Entities/${entityFolder(t.logicalName)}/Entity.xml`, file(renderNewTable(t)));
  for (const form of [opportunityForm(), ...tableForms()]) {
    files.set(`Entities/${entityFolder(form.table)}/FormXml/main/{${form.id}}.xml`, file(renderForm(form)));
  }
  for (const view of allViews()) {
    files.set(
      `Entities/${entityFolder(view.table)}/SavedQueries/{${view.id}}.xml`,
      file(renderViewFile(view)),
    );
  }

  for (const role of roles) files.set(`Roles/${role.name}.xml`, file(renderRole(role)));
  for (const w of webResources) files.set(`WebResources/${w.name}.data.xml`, file(renderWebResource(w)));
  files.set(`Controls/${PcfControl.fullName}/ControlManifest.xml.data.xml`, file(renderCustomControl()));
  for (const v of envVars) {
    files.set(
      `environmentvariabledefinitions/${v.schemaName}/environmentvariabledefinition.xml`,
      file(renderEnvVar(v)),
    );
  }
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function writeSolutionFiles(solutionDir: string, files: Map<string, string>): void {
  for (const [rel, content] of files) {
    const path = join(solutionDir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

export const REPO_ROOT = resolve(__dirname, '../..');
export const SOLUTION_DIR = join(REPO_ROOT, 'Solution');

if (require.main === module) {
  const version = readVersion(SOLUTION_DIR);
  const files = generateSolutionFiles(version);
  writeSolutionFiles(SOLUTION_DIR, files);
  console.log(`${SOLUTION_UNIQUE_NAME} ${version}: wrote ${files.size} files under Solution/`);
}
