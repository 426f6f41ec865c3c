/**
 * Structural checks of a packed solution, modelled on what real exports guarantee. Each
 * returns human-readable problems; an empty list means the package is consistent.
 */
import {
  AccountColumns,
  LeadColumns,
  OpportunityColumns,
  PUBLISHER,
  PcfControl,
  SystemColumns,
  TableSchemaNames,
} from '../../Domain/constants';
import { readCustomControls, type FormCustomControl } from '../../Domain/formXmlControls';
import { EnvVarType } from './model/envVars';
import type { Parts } from './packer';
import {
  assertWellFormed,
  attr,
  child,
  children,
  childrenOf,
  descendants,
  parse,
  root,
  serialize,
  textOf,
  type XmlNode,
} from './xml';

const text = (node: XmlNode | undefined): string => (node ? textOf(node) : '');
const lower = (s: string | undefined) => (s ?? '').toLowerCase();
const unbrace = (s: string | undefined) => lower(s).replace(/[{}]/g, '');

/** Platform columns of system tables our forms and views may use (they are not in our package). */
const PLATFORM_COLUMNS: Record<string, Set<string>> = {
  opportunity: new Set([...Object.values(OpportunityColumns), ...Object.values(SystemColumns)]),
  lead: new Set([...Object.values(LeadColumns), ...Object.values(SystemColumns)]),
  account: new Set(Object.values(AccountColumns)),
};

export interface Package {
  parts: Parts;
  customizations: XmlNode;
  solution: XmlNode;
  entities: Map<string, XmlNode>;
}

export function openPackage(parts: Parts): Package {
  const get = (name: string) => {
    const b = parts.get(name);
    if (!b) throw new Error(`package has no ${name}`);
    return b.toString('utf8');
  };
  const customizations = root(parse(get('customizations.xml')));
  const entities = new Map<string, XmlNode>();
  for (const e of children(child(customizations, 'Entities') ?? { Entities: [] }, 'Entity')) {
    entities.set(lower(text(child(e, 'Name'))), e);
  }
  return { parts, customizations, solution: root(parse(get('solution.xml'))), entities };
}

const section = (p: Package, name: string): XmlNode[] =>
  childrenOf(child(p.customizations, name) ?? { x: [] });

export function checkWellFormed(parts: Parts): string[] {
  const problems: string[] = [];
  for (const [name, body] of parts) {
    if (!name.endsWith('.xml')) continue;
    try {
      assertWellFormed(body.toString('utf8'), name);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return problems;
}

export function rootComponents(p: Package): XmlNode[] {
  return descendants(p.solution, 'RootComponent');
}

export function checkRootComponents(p: Package): string[] {
  const problems: string[] = [];
  const ids = (nodes: XmlNode[], a: string) => new Set(nodes.map((n) => unbrace(attr(n, a))));
  const roles = ids(section(p, 'Roles'), 'id');
  const profiles = ids(section(p, 'FieldSecurityProfiles'), 'fieldsecurityprofileid');
  const webResources = new Set(section(p, 'WebResources').map((w) => text(child(w, 'Name'))));
  const controls = new Set(section(p, 'CustomControls').map((c) => text(child(c, 'Name'))));
  for (const rc of rootComponents(p)) {
    const type = attr(rc, 'type');
    const name = attr(rc, 'schemaName') ?? '';
    const id = unbrace(attr(rc, 'id'));
    const missing = (what: string) =>
      problems.push(`root component type ${type} ${name || id}: no ${what} in the package`);
    if (type === '1' && !p.entities.has(lower(name))) missing('<Entity>');
    if (type === '20' && !roles.has(id)) missing('<Role>');
    if (type === '61' && !webResources.has(name)) missing('<WebResource>');
    if (type === '66' && !controls.has(name)) missing('<CustomControl>');
    if (type === '70' && !profiles.has(id)) missing('<FieldSecurityProfile>');
    if (
      type === '380' &&
      !p.parts.has(`environmentvariabledefinitions/${name}/environmentvariabledefinition.xml`)
    ) {
      missing('environment variable definition');
    }
    if (!['1', '20', '61', '66', '70', '380'].includes(type ?? ''))
      problems.push(`unexpected root component type ${type}`);
  }
  return problems;
}

/** Column logical names of a table: attributes in the package plus known platform columns. */
export function columnsOf(p: Package, table: string): Set<string> {
  const names = new Set(PLATFORM_COLUMNS[table] ?? []);
  const entity = p.entities.get(table);
  if (entity)
    for (const a of descendants(entity, 'attribute')) names.add(lower(text(child(a, 'LogicalName'))));
  return names;
}

export interface FormInfo {
  table: string;
  id: string;
  form: XmlNode;
  /** The `<controlDescriptions>` entries, read the way the relay reads a published form. */
  customControls: FormCustomControl[];
}

export function forms(p: Package): FormInfo[] {
  const out: FormInfo[] = [];
  for (const [table, entity] of p.entities) {
    for (const sf of descendants(entity, 'systemform')) {
      const form = child(sf, 'form')!;
      out.push({
        table,
        id: unbrace(text(child(sf, 'formid'))),
        form,
        customControls: readCustomControls(serialize(form)),
      });
    }
  }
  return out;
}

export function checkFormFields(p: Package): string[] {
  const problems: string[] = [];
  for (const f of forms(p)) {
    const columns = columnsOf(p, f.table);
    const bound = [
      ...descendants(f.form, 'control').map((c) => attr(c, 'datafieldname')),
      ...descendants(f.form, 'datafieldname').map((d) => text(d)),
      ...descendants(f.form, 'event').map((e) => attr(e, 'attribute')),
      // Bound (non-static) properties of custom controls name columns too.
      ...f.customControls
        .filter((c) => c.name !== undefined)
        .flatMap((c) => Object.entries(c.parameters))
        .filter(([prop, param]) => !param.static && prop !== 'data-set')
        .map(([, param]) => param.value),
    ].filter((n): n is string => n !== undefined && n !== '');
    for (const name of bound) {
      if (!columns.has(name))
        problems.push(`form ${f.id} (${f.table}): column ${name} does not exist on ${f.table}`);
    }
  }
  return problems;
}

export function checkSubgrids(p: Package): string[] {
  const problems: string[] = [];
  const relationships = new Map(section(p, 'EntityRelationships').map((r) => [attr(r, 'Name') ?? '', r]));
  for (const f of forms(p)) {
    for (const control of descendants(f.form, 'control').filter(
      (c) => attr(c, 'indicationOfSubgrid') === 'true',
    )) {
      const params = child(control, 'parameters')!;
      const relName = text(child(params, 'RelationshipName'));
      const target = text(child(params, 'TargetEntityType'));
      const rel = relationships.get(relName);
      const where = `form ${f.id} subgrid ${attr(control, 'id')}`;
      if (!rel) {
        problems.push(`${where}: relationship ${relName} is not in the package`);
        continue;
      }
      if (lower(text(child(rel, 'ReferencingEntityName'))) !== target) {
        problems.push(`${where}: relationship ${relName} does not point from ${target}`);
      }
      if (lower(text(child(rel, 'ReferencedEntityName'))) !== f.table) {
        problems.push(`${where}: relationship ${relName} is not a relationship of ${f.table}`);
      }
      const viewId = unbrace(text(child(params, 'ViewId')));
      const views = descendants(p.entities.get(target) ?? { x: [] }, 'savedqueryid').map((v) =>
        unbrace(text(v)),
      );
      if (!views.includes(viewId)) problems.push(`${where}: view ${viewId} is not a view of ${target}`);
    }
  }
  return problems;
}

export function checkRelationships(p: Package): string[] {
  const problems: string[] = [];
  const schemaToLogical = new Map<string, string>(Object.entries(TableSchemaNames).map(([k, v]) => [v, k]));
  for (const r of section(p, 'EntityRelationships')) {
    const referencing = lower(text(child(r, 'ReferencingEntityName')));
    const referenced = text(child(r, 'ReferencedEntityName'));
    const attribute = lower(text(child(r, 'ReferencingAttributeName')));
    if (!p.entities.has(referencing))
      problems.push(`relationship ${attr(r, 'Name')}: ${referencing} is not in the package`);
    else if (!columnsOf(p, referencing).has(attribute)) {
      problems.push(`relationship ${attr(r, 'Name')}: ${referencing} has no column ${attribute}`);
    }
    if (!p.entities.has(lower(referenced)) && !schemaToLogical.has(referenced)) {
      problems.push(`relationship ${attr(r, 'Name')}: unknown referenced table ${referenced}`);
    }
  }
  return problems;
}

/** Properties of the built control manifest: name → { ofType, usage }. */
export function manifestProperties(manifest: XmlNode): Map<string, { ofType: string; usage: string }> {
  const control = child(manifest, 'control') ?? manifest;
  return new Map(
    children(control, 'property').map((prop) => [
      attr(prop, 'name') ?? '',
      { ofType: attr(prop, 'of-type') ?? '', usage: attr(prop, 'usage') ?? '' },
    ]),
  );
}

export function checkControl(p: Package): string[] {
  const problems: string[] = [];
  for (const cc of section(p, 'CustomControls')) {
    const name = text(child(cc, 'Name'));
    const fileName = text(child(cc, 'FileName')).replace(/^\//, '');
    const body = p.parts.get(fileName);
    if (!body) {
      problems.push(`custom control ${name}: ${fileName} is not in the zip`);
      continue;
    }
    const manifest = root(parse(body.toString('utf8')));
    const control = child(manifest, 'control');
    const expected = `${PUBLISHER.prefix}_${attr(control ?? manifest, 'namespace')}.${attr(control ?? manifest, 'constructor')}`;
    if (name !== expected) problems.push(`custom control ${name}: built manifest declares ${expected}`);
    if (fileName !== `Controls/${name}/ControlManifest.xml`)
      problems.push(`custom control ${name}: folder is ${fileName}`);
    if (name !== PcfControl.fullName)
      problems.push(`custom control ${name}: Domain PcfControl says ${PcfControl.fullName}`);
    const properties = manifestProperties(manifest);
    for (const f of forms(p)) {
      for (const custom of f.customControls.filter((c) => c.name === name)) {
        for (const [prop, param] of Object.entries(custom.parameters)) {
          const decl = properties.get(prop);
          if (!decl) problems.push(`form ${f.id}: ${name} has no property ${prop}`);
          else if (decl.ofType !== param.type) {
            problems.push(
              `form ${f.id}: ${name}.${prop} is ${decl.ofType} in the manifest, ${param.type} on the form`,
            );
          } else if (param.static !== (decl.usage === 'input')) {
            problems.push(
              `form ${f.id}: ${name}.${prop} usage ${decl.usage} does not match static=${param.static}`,
            );
          }
        }
      }
    }
  }
  return problems;
}

export function checkWebResources(p: Package): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const wr of section(p, 'WebResources')) {
    const name = text(child(wr, 'Name'));
    names.add(name);
    const part = text(child(wr, 'FileName')).replace(/^\//, '');
    if (!p.parts.has(part)) problems.push(`web resource ${name}: FileName ${part} is not in the zip`);
  }
  for (const f of forms(p)) {
    const libraries = new Set(descendants(f.form, 'Library').map((l) => attr(l, 'name') ?? ''));
    for (const lib of libraries)
      if (!names.has(lib)) problems.push(`form ${f.id}: library ${lib} is not in the package`);
    for (const h of descendants(f.form, 'Handler')) {
      if (!libraries.has(attr(h, 'libraryName') ?? '')) {
        problems.push(`form ${f.id}: handler ${attr(h, 'functionName')} uses a library not in formLibraries`);
      }
    }
  }
  return problems;
}

export function checkContentTypes(parts: Parts): string[] {
  const types = root(parse(parts.get('[Content_Types].xml')?.toString('utf8') ?? '<Types/>'));
  const defaults = new Set(children(types, 'Default').map((d) => lower(attr(d, 'Extension'))));
  const overrides = new Set(children(types, 'Override').map((o) => attr(o, 'PartName')));
  const problems: string[] = [];
  for (const name of parts.keys()) {
    if (name === '[Content_Types].xml') continue;
    const base = name.split('/').pop() ?? '';
    const ext = base.includes('.') ? lower(base.slice(base.lastIndexOf('.') + 1)) : '';
    if (!overrides.has(`/${name}`) && !(ext && defaults.has(ext)))
      problems.push(`[Content_Types].xml does not cover ${name}`);
  }
  return problems;
}

export function checkOptionValues(p: Package): string[] {
  const problems: string[] = [];
  for (const [table, entity] of p.entities) {
    for (const a of descendants(entity, 'attribute').filter((x) => text(child(x, 'IsCustomField')) === '1')) {
      const set = child(a, 'optionset');
      if (!set || text(child(set, 'OptionSetType')) !== 'picklist') continue;
      for (const o of descendants(set, 'option')) {
        const value = Number(attr(o, 'value'));
        if (Math.floor(value / 10000) !== PUBLISHER.optionValuePrefix) {
          problems.push(
            `${table}.${text(child(a, 'LogicalName'))}: option ${value} lacks prefix ${PUBLISHER.optionValuePrefix}`,
          );
        }
      }
    }
  }
  return problems;
}

const ENV_TYPES = new Set<string>(Object.values(EnvVarType).map(String));

export function checkEnvironmentVariables(parts: Parts): string[] {
  const problems: string[] = [];
  for (const [name, body] of parts) {
    const m = /^environmentvariabledefinitions\/([^/]+)\/environmentvariabledefinition\.xml$/.exec(name);
    if (!m) continue;
    const def = root(parse(body.toString('utf8')));
    const schema = attr(def, 'schemaname');
    const type = text(child(def, 'type'));
    const dflt = child(def, 'defaultvalue');
    if (schema !== m[1]) problems.push(`${name}: schemaname ${schema} does not match its folder`);
    if (!schema?.startsWith(`${PUBLISHER.prefix}_`))
      problems.push(`${name}: schemaname lacks the ${PUBLISHER.prefix}_ prefix`);
    if (!ENV_TYPES.has(type))
      problems.push(`${name}: type ${type} is not a supported environment variable type`);
    if (type === String(EnvVarType.boolean) && dflt && !['yes', 'no'].includes(text(dflt))) {
      problems.push(`${name}: Boolean default must be yes or no, got ${text(dflt)}`);
    }
    if (type === String(EnvVarType.number) && dflt && Number.isNaN(Number(text(dflt)))) {
      problems.push(`${name}: Number default ${text(dflt)} is not a number`);
    }
    if (type === String(EnvVarType.json) && dflt) {
      try {
        JSON.parse(text(dflt));
      } catch {
        problems.push(`${name}: JSON default is not valid JSON`);
      }
    }
  }
  return problems;
}

/** Every structural check; used by pack.ts (fail fast) and the unit tests. */
export function checkPackage(parts: Parts): string[] {
  const wellFormed = checkWellFormed(parts);
  if (wellFormed.length > 0) return wellFormed;
  const p = openPackage(parts);
  return [
    ...checkRootComponents(p),
    ...checkFormFields(p),
    ...checkSubgrids(p),
    ...checkRelationships(p),
    ...checkControl(p),
    ...checkWebResources(p),
    ...checkContentTypes(parts),
    ...checkOptionValues(p),
    ...checkEnvironmentVariables(parts),
  ];
}
