/**
 * Reads a solution zip the way an import would: `solution.xml` + `customizations.xml` (tables,
 * columns, choices, relationships with their navigation names, forms, service endpoints, steps)
 * + `environmentvariabledefinitions/<name>/…`. Pure: returns a ParsedSolution; `validateSolution`
 * checks it against the target schema (a form bound to a column that exists nowhere fails the import,
 * as on a real environment). Format facts: docs/reference/dataverse-solution-format.md §1.
 */
import JSZip from 'jszip';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type {
  AttributeDef,
  AttributeType,
  MetadataStore,
  OptionDef,
  RelationshipDef,
  TableDef,
} from './metadata';
import type { Depth, RoleDefinition } from './security';

export class SolutionImportError extends Error {}

export interface ParsedForm {
  formid: string;
  entity: string;
  name: string;
  type: number;
  formxml: string;
  /** Columns the form binds (control datafieldname, onchange attributes). */
  boundColumns: string[];
  /** Subgrid relationships (RelationshipName) and target tables. */
  subgrids: Array<{ relationship: string; target: string }>;
}

export interface ParsedEnvironmentVariable {
  schemaname: string;
  displayname: string;
  description: string;
  type: number;
  defaultvalue: string | null;
  isrequired: boolean;
  value: string | null;
}

export interface ParsedServiceEndpoint {
  serviceendpointid: string;
  name: string;
  contract: number;
  authtype: number | null;
  url: string | null;
  messageformat: number | null;
  userclaim: number | null;
  connectionmode: number | null;
}

export interface ParsedStep {
  sdkmessageprocessingstepid: string;
  name: string;
  sdkmessageid: string;
  primaryEntity: string | null;
  eventHandler: string | null;
  stage: number;
  mode: number;
  rank: number;
  filteringattributes: string | null;
  asyncautodelete: boolean;
  images: Array<{
    id: string;
    name: string;
    entityalias: string;
    imagetype: number;
    messagepropertyname: string;
    attributes: string | null;
  }>;
}

export interface ParsedSolution {
  uniqueName: string;
  friendlyName: string;
  version: string;
  managed: boolean;
  /** New tables (complete) and shells of existing tables carrying only the solution's columns. */
  tables: Array<TableDef & { shell: boolean }>;
  relationships: RelationshipDef[];
  forms: ParsedForm[];
  environmentVariables: ParsedEnvironmentVariable[];
  serviceEndpoints: ParsedServiceEndpoint[];
  steps: ParsedStep[];
  /** Security roles (`<Roles><Role id name><RolePrivileges><RolePrivilege name level/>`). */
  roles: RoleDefinition[];
  /** `<FieldSecurityProfiles><FieldSecurityProfile name description fieldsecurityprofileid>`. */
  fieldSecurityProfiles: Array<{ id: string; name: string; description: string }>;
}

// Elements that may repeat; everything else is a single child.
const ARRAY_PATHS = new Set([
  'ImportExportXml.Entities.Entity',
  'ImportExportXml.Entities.Entity.EntityInfo.entity.attributes.attribute',
  'ImportExportXml.Entities.Entity.FormXml.forms',
  'ImportExportXml.Entities.Entity.FormXml.forms.systemform',
  'ImportExportXml.EntityRelationships.EntityRelationship',
  'ImportExportXml.EntityRelationships.EntityRelationship.EntityRelationshipRoles.EntityRelationshipRole',
  'ImportExportXml.optionsets.optionset',
  'ImportExportXml.ServiceEndpoints.ServiceEndpoint',
  'ImportExportXml.SdkMessageProcessingSteps.SdkMessageProcessingStep',
  'ImportExportXml.SdkMessageProcessingSteps.SdkMessageProcessingStep.SdkMessageProcessingStepImages.SdkMessageProcessingStepImage',
  'ImportExportXml.Roles.Role',
  'ImportExportXml.FieldSecurityProfiles.FieldSecurityProfile',
  'ImportExportXml.Roles.Role.RolePrivileges.RolePrivilege',
]);
const ARRAY_TAILS = new Set([
  'option',
  'status',
  'state',
  'label',
  'displayname',
  'LocalizedName',
  'Description',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name, jpath) => ARRAY_PATHS.has(String(jpath)) || ARRAY_TAILS.has(name),
});

/** The form subtree is kept in document order so FormXml round-trips faithfully. */
const orderedParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  preserveOrder: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
});
const orderedBuilder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  preserveOrder: true,
  suppressEmptyNode: true,
});

type Node = Record<string, unknown>;

function parseXml(name: string, text: string): Node {
  const clean = text.replace(/^\uFEFF/, '');
  const valid = XMLValidator.validate(clean);
  if (valid !== true) {
    throw new SolutionImportError(
      `The import file is invalid: ${name} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`,
    );
  }
  return parser.parse(clean) as Node;
}

const text = (value: unknown): string | null => {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'object') {
    const inner = (value as Node)['#text'];
    return inner === undefined ? null : String(inner);
  }
  return String(value);
};
const num = (value: unknown): number | null => {
  const t = text(value);
  return t === null ? null : Number(t);
};
const node = (value: unknown): Node => (value && typeof value === 'object' ? (value as Node) : {});
const list = (value: unknown): Node[] =>
  Array.isArray(value) ? (value as Node[]) : value ? [node(value)] : [];
const attr = (value: unknown, name: string): string | null => text(node(value)[`@_${name}`]);
const guid = (value: string | null): string => (value ?? '').replace(/[{}]/g, '').toLowerCase();

function label(container: unknown, child: string): string {
  const first = list(node(container)[child])[0];
  return first ? (attr(first, 'description') ?? '') : '';
}

const TYPES = new Set<AttributeType>([
  'primarykey',
  'nvarchar',
  'ntext',
  'int',
  'bigint',
  'decimal',
  'float',
  'money',
  'bit',
  'datetime',
  'picklist',
  'state',
  'status',
  'multiselectpicklist',
  'lookup',
  'owner',
  'customer',
  'uniqueidentifier',
  'virtual',
]);

function optionsOf(
  optionset: Node,
  globals: Map<string, OptionDef[]>,
  globalName: string | null,
): OptionDef[] | undefined {
  if (globalName) return globals.get(globalName.toLowerCase());
  if (!optionset || Object.keys(optionset).length === 0) return undefined;
  const options: OptionDef[] = [];
  for (const o of list(node(optionset.options).option))
    options.push({ value: Number(attr(o, 'value')), label: label(o.labels, 'label') });
  for (const s of list(node(optionset.states).state))
    options.push({ value: Number(attr(s, 'value')), label: label(s.labels, 'label') });
  for (const s of list(node(optionset.statuses).status))
    options.push({
      value: Number(attr(s, 'value')),
      label: label(s.labels, 'label'),
      state: Number(attr(s, 'state')),
    });
  return options;
}

function parseAttribute(a: Node, globals: Map<string, OptionDef[]>): AttributeDef {
  const type = (text(a.Type) ?? '').toLowerCase() as AttributeType;
  const logicalName = (text(a.LogicalName) ?? text(a.Name) ?? '').toLowerCase();
  if (!logicalName) throw new SolutionImportError('An attribute without LogicalName cannot be imported');
  if (!TYPES.has(type))
    throw new SolutionImportError(`Attribute ${logicalName} has unsupported type '${type}'`);
  const def: AttributeDef = {
    logicalName,
    schemaName: attr(a, 'PhysicalName') ?? logicalName,
    type,
    isCustom: text(a.IsCustomField) === '1',
    label: label(a.displaynames, 'displayname'),
    requiredLevel: (text(a.RequiredLevel) ?? 'none') as AttributeDef['requiredLevel'],
  };
  const options = optionsOf(node(a.optionset), globals, text(a.OptionSetName));
  if (options) def.options = options;
  const appDefault = text(a.AppDefaultValue);
  if (type === 'bit') def.defaultValue = appDefault === '1';
  if (type === 'picklist' && appDefault !== null && appDefault !== '-1')
    def.defaultValue = Number(appDefault);
  const maxLength = num(a.MaxLength);
  if (maxLength !== null) def.maxLength = maxLength;
  return def;
}

function parseEntity(e: Node, globals: Map<string, OptionDef[]>): TableDef & { shell: boolean } {
  const info = node(node(e.EntityInfo).entity);
  const schemaName = text(e.Name) ?? attr(info, 'Name');
  if (!schemaName) throw new SolutionImportError('An Entity without Name cannot be imported');
  const logicalName = schemaName.toLowerCase();
  const attributes: Record<string, AttributeDef> = {};
  let primaryId = `${logicalName}id`;
  let primaryName = '';
  for (const a of list(node(info.attributes).attribute)) {
    const def = parseAttribute(a, globals);
    attributes[def.logicalName] = def;
    if (def.type === 'primarykey') primaryId = def.logicalName;
    if ((text(a.DisplayMask) ?? '').split('|').includes('PrimaryName')) primaryName = def.logicalName;
  }
  const entitySetName = text(info.EntitySetName);
  // `unmodified="1"` (or no EntityInfo at all) = a shell of an existing table carrying only new columns.
  const shell = attr(info, 'unmodified') === '1' || Object.keys(info).length === 0 || !entitySetName;
  return {
    logicalName,
    schemaName,
    entitySetName: entitySetName ?? '',
    primaryIdAttribute: primaryId,
    primaryNameAttribute: primaryName,
    isCustom: !shell,
    attributes,
    label: label(info.LocalizedNames, 'LocalizedName'),
    shell,
  };
}

function parseRelationship(r: Node): RelationshipDef | null {
  if (text(r.EntityRelationshipType) !== 'OneToMany') return null; // N:N not used by the product
  const schemaName = attr(r, 'Name')!;
  const roles = list(node(r.EntityRelationshipRoles).EntityRelationshipRole);
  const single = roles.find((x) => text(x.RelationshipRoleType) === '1');
  const collection = roles.find((x) => text(x.RelationshipRoleType) === '0');
  const referencingAttribute = (text(r.ReferencingAttributeName) ?? '').toLowerCase();
  return {
    schemaName,
    referencingEntity: (text(r.ReferencingEntityName) ?? '').toLowerCase(),
    referencedEntity: (text(r.ReferencedEntityName) ?? '').toLowerCase(),
    referencingAttribute,
    // Without explicit roles the platform defaults to the lookup name / relationship name.
    referencingNavigation: text(single?.NavigationPropertyName) ?? referencingAttribute,
    referencedNavigation: text(collection?.NavigationPropertyName) ?? schemaName,
    isCustom: true,
  };
}

/** Walks the order-preserving tree of one <form> and collects bound columns and subgrids. */
function scanForm(ordered: unknown[], bound: Set<string>, subgrids: ParsedForm['subgrids']): void {
  for (const item of ordered) {
    const entry = node(item);
    const attrs = node(entry[':@']);
    for (const [tag, children] of Object.entries(entry)) {
      if (tag === ':@' || tag === '#text') continue;
      if (tag === 'control' && typeof attrs['@_datafieldname'] === 'string' && attrs['@_datafieldname'])
        bound.add(String(attrs['@_datafieldname']).toLowerCase());
      if (tag === 'event' && typeof attrs['@_attribute'] === 'string')
        bound.add(String(attrs['@_attribute']).toLowerCase());
      if (tag === 'parameters' && Array.isArray(children)) {
        const values = new Map<string, string>();
        for (const p of children) {
          for (const [k, v] of Object.entries(node(p))) {
            if (k === ':@' || !Array.isArray(v)) continue;
            const t = v.map((x) => node(x)['#text']).join('');
            if (t) values.set(k, String(t));
          }
        }
        const relationship = values.get('RelationshipName');
        if (relationship)
          subgrids.push({ relationship, target: (values.get('TargetEntityType') ?? '').toLowerCase() });
      }
      if (Array.isArray(children)) scanForm(children, bound, subgrids);
    }
  }
}

/** Re-serialises each <systemform>'s <form> element (document order kept) as its FormXml. */
function parseForms(customizationsXml: string): ParsedForm[] {
  const tree = orderedParser.parse(customizationsXml.replace(/^\uFEFF/, '')) as unknown[];
  const forms: ParsedForm[] = [];
  const children = (n: unknown, tag: string): unknown[] => {
    const found: unknown[] = [];
    for (const item of (n as unknown[]) ?? []) {
      const value = node(item)[tag];
      if (Array.isArray(value)) found.push(item);
    }
    return found;
  };
  const inner = (item: unknown, tag: string): unknown[] => (node(item)[tag] as unknown[]) ?? [];
  const textOf = (items: unknown[], tag: string): string =>
    children(items, tag)
      .flatMap((i) => inner(i, tag))
      .map((x) => String(node(x)['#text'] ?? ''))
      .join('')
      .trim();

  for (const root of children(tree, 'ImportExportXml')) {
    for (const entities of children(inner(root, 'ImportExportXml'), 'Entities')) {
      for (const entity of children(inner(entities, 'Entities'), 'Entity')) {
        const entityChildren = inner(entity, 'Entity');
        const entityName = textOf(entityChildren, 'Name').toLowerCase();
        for (const formXml of children(entityChildren, 'FormXml')) {
          for (const formsNode of children(inner(formXml, 'FormXml'), 'forms')) {
            const formType = String(node(node(formsNode)[':@'])['@_type'] ?? 'main');
            for (const systemform of children(inner(formsNode, 'forms'), 'systemform')) {
              const sf = inner(systemform, 'systemform');
              const formid = guid(textOf(sf, 'formid'));
              const formNode = children(sf, 'form')[0];
              if (!formNode) continue;
              const bound = new Set<string>();
              const subgrids: ParsedForm['subgrids'] = [];
              scanForm([formNode], bound, subgrids);
              const names = children(sf, 'LocalizedNames')
                .flatMap((n) => inner(n, 'LocalizedNames'))
                .filter((n) => 'LocalizedName' in node(n));
              const name = String(node(node(names[0])[':@'])['@_description'] ?? formid);
              forms.push({
                formid,
                entity: entityName,
                name,
                type: FORM_TYPES[formType] ?? 2,
                formxml: orderedBuilder.build([formNode]) as string,
                boundColumns: [...bound],
                subgrids,
              });
            }
          }
        }
      }
    }
  }
  return forms;
}

const FORM_TYPES: Record<string, number> = { main: 2, quick: 6, quickCreate: 7, card: 11 };

async function parseEnvironmentVariables(zip: JSZip): Promise<ParsedEnvironmentVariable[]> {
  const result: ParsedEnvironmentVariable[] = [];
  const definitions = zip.file(/^environmentvariabledefinitions\/[^/]+\/environmentvariabledefinition\.xml$/);
  for (const file of definitions) {
    const doc = parseXml(file.name, await file.async('string'));
    const d = node(doc.environmentvariabledefinition);
    const schemaname = attr(d, 'schemaname');
    if (!schemaname) throw new SolutionImportError(`${file.name} has no schemaname`);
    const type = num(d.type);
    if (type === null || type < 100000000 || type > 100000005)
      throw new SolutionImportError(`Environment variable ${schemaname} has an invalid type`);
    let value: string | null = null;
    const valuesFile = zip.file(
      file.name.replace(/environmentvariabledefinition\.xml$/, 'environmentvariablevalues.json'),
    );
    if (valuesFile) {
      const json = JSON.parse((await valuesFile.async('string')).replace(/^\uFEFF/, '')) as {
        environmentvariablevalues?: { environmentvariablevalue?: { value?: string } };
      };
      value = json.environmentvariablevalues?.environmentvariablevalue?.value ?? null;
    }
    result.push({
      schemaname,
      displayname: attr(list(d.displayname)[0], 'default') ?? schemaname,
      description: attr(d.description, 'default') ?? '',
      type,
      defaultvalue: text(d.defaultvalue),
      isrequired: text(d.isrequired) === '1',
      value,
    });
  }
  return result;
}

function parseServiceEndpoints(doc: Node): ParsedServiceEndpoint[] {
  return list(node(doc.ServiceEndpoints).ServiceEndpoint).map((s) => ({
    serviceendpointid: guid(attr(s, 'ServiceEndpointId')),
    name: attr(s, 'Name') ?? '',
    contract: num(s.Contract) ?? 8,
    authtype: num(s.AuthType),
    url: text(s.Url),
    messageformat: num(s.MessageFormat),
    userclaim: num(s.UserClaim),
    connectionmode: num(s.ConnectionMode),
  }));
}

function parseSteps(doc: Node): ParsedStep[] {
  return list(node(doc.SdkMessageProcessingSteps).SdkMessageProcessingStep).map((s) => ({
    sdkmessageprocessingstepid: guid(attr(s, 'SdkMessageProcessingStepId')),
    name: attr(s, 'Name') ?? '',
    sdkmessageid: guid(text(s.SdkMessageId)),
    primaryEntity: text(s.PrimaryEntity)?.toLowerCase() ?? null,
    eventHandler: text(s.EventHandler) ? guid(text(s.EventHandler)) : null,
    stage: num(s.Stage) ?? 40,
    mode: num(s.Mode) ?? 0,
    rank: num(s.Rank) ?? 1,
    filteringattributes: text(s.FilteringAttributes),
    asyncautodelete: text(s.AsyncAutoDelete) === '1',
    images: list(node(s.SdkMessageProcessingStepImages).SdkMessageProcessingStepImage).map((i) => ({
      id: guid(attr(i, 'SdkMessageProcessingStepImageId')),
      name: attr(i, 'Name') ?? text(i.EntityAlias) ?? '',
      entityalias: text(i.EntityAlias) ?? '',
      imagetype: num(i.ImageType) ?? 0,
      messagepropertyname: text(i.MessagePropertyName) ?? 'Target',
      attributes: text(i.Attributes),
    })),
  }));
}

const DEPTHS = new Set<Depth>(['Basic', 'Local', 'Deep', 'Global']);

function parseRoles(doc: Node): RoleDefinition[] {
  return list(node(doc.Roles).Role).map((r) => {
    const id = guid(attr(r, 'id'));
    const name = attr(r, 'name');
    if (!id || !name) throw new SolutionImportError('A Role needs an id and a name');
    const privileges = list(node(r.RolePrivileges).RolePrivilege).map((p) => {
      const privilege = attr(p, 'name');
      const level = attr(p, 'level') as Depth | null;
      if (!privilege || !level || !DEPTHS.has(level))
        throw new SolutionImportError(
          `Role ${name}: RolePrivilege ${privilege ?? '?'} has level ${level ?? '(none)'}; expected Basic, Local, Deep or Global`,
        );
      return { name: privilege, depth: level };
    });
    return { id, name, privileges };
  });
}

function parseFieldSecurityProfiles(doc: Node): ParsedSolution['fieldSecurityProfiles'] {
  return list(node(doc.FieldSecurityProfiles).FieldSecurityProfile).map((p) => {
    const id = guid(attr(p, 'fieldsecurityprofileid'));
    const name = attr(p, 'name');
    if (!id || !name)
      throw new SolutionImportError('A FieldSecurityProfile needs a fieldsecurityprofileid and a name');
    return { id, name, description: attr(p, 'description') ?? '' };
  });
}

/** Parse a solution zip (bytes). Throws SolutionImportError for anything an import would reject. */
export async function parseSolutionZip(bytes: Uint8Array): Promise<ParsedSolution> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (error) {
    throw new SolutionImportError(`The import file is not a valid zip: ${(error as Error).message}`);
  }
  const solutionFile = zip.file('solution.xml');
  const customizationsFile = zip.file('customizations.xml');
  if (!solutionFile || !customizationsFile)
    throw new SolutionImportError(
      'The import file is invalid: solution.xml and customizations.xml are required',
    );

  const solutionDoc = node(parseXml('solution.xml', await solutionFile.async('string')).ImportExportXml);
  const manifest = node(solutionDoc.SolutionManifest);
  const uniqueName = text(manifest.UniqueName);
  if (!uniqueName) throw new SolutionImportError('solution.xml has no SolutionManifest/UniqueName');

  const customizationsXml = await customizationsFile.async('string');
  const doc = node(parseXml('customizations.xml', customizationsXml).ImportExportXml);

  const globals = new Map<string, OptionDef[]>();
  for (const o of list(node(doc.optionsets).optionset)) {
    const name = attr(o, 'Name');
    if (name) globals.set(name.toLowerCase(), optionsOf(o, new Map(), null) ?? []);
  }

  return {
    uniqueName,
    friendlyName: label(manifest.LocalizedNames, 'LocalizedName') || uniqueName,
    version: text(manifest.Version) ?? '1.0.0.0',
    managed: text(manifest.Managed) === '1',
    tables: list(node(doc.Entities).Entity).map((e) => parseEntity(e, globals)),
    relationships: list(node(doc.EntityRelationships).EntityRelationship)
      .map(parseRelationship)
      .filter((r): r is RelationshipDef => r !== null),
    forms: parseForms(customizationsXml),
    environmentVariables: await parseEnvironmentVariables(zip),
    serviceEndpoints: parseServiceEndpoints(doc),
    steps: parseSteps(doc),
    roles: parseRoles(doc),
    fieldSecurityProfiles: parseFieldSecurityProfiles(doc),
  };
}

/** Platform tables a solution may reference that the simulator does not model. */
const UNMODELLED_PLATFORM_TABLES = new Set([
  'team',
  'organization',
  'principal',
  'owner',
  'asyncoperation',
  'processsession',
  'mailbox',
  'syncerror',
  'bulkdeletefailure',
  'principalobjectattributeaccess',
  'duplicaterecord',
  'userentityinstancedata',
  'fileattachment',
  'imagedescriptor',
]);

/**
 * Checks a parsed solution against the schema it is imported into (plus its own new components);
 * returns the relationships to register (those whose both ends are modelled).
 */
export function validateSolution(parsed: ParsedSolution, metadata: MetadataStore): RelationshipDef[] {
  const tableExists = (name: string): boolean =>
    metadata.table(name) !== undefined || parsed.tables.some((t) => t.logicalName === name && !t.shell);
  for (const t of parsed.tables) {
    if (t.shell && !metadata.table(t.logicalName))
      throw new SolutionImportError(
        `The dependent component Entity (${t.schemaName}) does not exist. Failure trying to associate it with the solution`,
      );
    if (!t.shell && !t.attributes[t.primaryIdAttribute])
      throw new SolutionImportError(`Entity ${t.schemaName} has no primary key attribute`);
  }
  const columnExists = (table: string, column: string): boolean =>
    metadata.table(table)?.attributes[column] !== undefined ||
    parsed.tables.some((t) => t.logicalName === table && t.attributes[column] !== undefined);

  const relationships: RelationshipDef[] = [];
  for (const r of parsed.relationships) {
    const ends = [r.referencingEntity, r.referencedEntity];
    const missing = ends.find((e) => !tableExists(e));
    if (missing) {
      if (UNMODELLED_PLATFORM_TABLES.has(missing)) continue;
      throw new SolutionImportError(
        `Relationship ${r.schemaName} references table ${missing}, which does not exist`,
      );
    }
    if (!columnExists(r.referencingEntity, r.referencingAttribute))
      throw new SolutionImportError(
        `Relationship ${r.schemaName}: lookup ${r.referencingAttribute} does not exist on ${r.referencingEntity}`,
      );
    relationships.push(r);
  }
  const relationshipExists = (name: string): boolean =>
    metadata.relationship(name) !== undefined || relationships.some((r) => r.schemaName === name);

  for (const form of parsed.forms) {
    if (!tableExists(form.entity))
      throw new SolutionImportError(`Form ${form.formid} belongs to unknown entity ${form.entity}`);
    for (const column of form.boundColumns) {
      if (!columnExists(form.entity, column))
        throw new SolutionImportError(
          `Form '${form.name}' (${form.formid}) of ${form.entity} references attribute ${column}, which does not exist on ${form.entity}`,
        );
    }
    for (const grid of form.subgrids) {
      if (!relationshipExists(grid.relationship))
        throw new SolutionImportError(
          `Form '${form.name}' subgrid uses unknown relationship ${grid.relationship}`,
        );
      if (grid.target && !tableExists(grid.target))
        throw new SolutionImportError(`Form '${form.name}' subgrid targets unknown table ${grid.target}`);
    }
  }
  return relationships;
}
