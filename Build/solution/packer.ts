/**
 * Packs the unpacked source (SolutionPackager layout) into the zip layout real exports use:
 * `[Content_Types].xml`, `solution.xml`, `customizations.xml` (entity, form, view, role, relationship,
 * web resource and control files merged into their sections), `WebResources/<part>`,
 * `Controls/<prefix>_<ns>.<ctor>/…` and `environmentvariabledefinitions/…`. Pure: inputs in, parts out.
 */
import JSZip from 'jszip';
import { PcfControl } from '../../Domain/constants';
import {
  attr,
  child,
  children,
  childrenOf,
  el,
  parse,
  root,
  serialize,
  tagOf,
  textOf,
  withChildren,
  withoutAttributes,
  type XmlNode,
} from './xml';

/** Source files keyed by path relative to Solution/ (text), as read from disk or produced by generate.ts. */
export type SourceFiles = Map<string, string>;

export interface PackInputs {
  source: SourceFiles;
  /** Built PCF control files keyed by path relative to out/controls/<control>/. */
  control: Map<string, Buffer>;
  /** Web resource bodies keyed by web resource name (e.g. `pcs_/scripts/opportunityform.js`). */
  webResources: Map<string, Buffer>;
}

/** Zip parts keyed by part name without the leading slash. */
export type Parts = Map<string, Buffer>;

export const CONTROL_FOLDER = `Controls/${PcfControl.fullName}`;
const DROP_NS = ['xmlns:xsi'];

const docRoot = (source: SourceFiles, path: string): XmlNode => {
  const text = source.get(path);
  if (text === undefined) throw new Error(`Solution source is missing ${path}`);
  return withoutAttributes(root(parse(text)), DROP_NS);
};

const under = (source: SourceFiles, prefix: string, suffix = '.xml'): string[] =>
  [...source.keys()].filter((p) => p.startsWith(prefix) && p.endsWith(suffix)).sort();

/** `Entities/<Name>/Entity.xml` + its forms and views → one `<Entity>` of customizations.xml. */
function packEntity(source: SourceFiles, folder: string): XmlNode {
  const entity = docRoot(source, `${folder}/Entity.xml`);
  const formFiles = under(source, `${folder}/FormXml/`);
  const formTypes = [...new Set(formFiles.map((p) => p.split('/')[3]!))].sort();
  const viewFiles = under(source, `${folder}/SavedQueries/`);
  const kids = childrenOf(entity).map((node) => {
    const tag = tagOf(node);
    if (tag === 'FormXml' && formFiles.length > 0) {
      return withChildren(
        node,
        formTypes.map((type) =>
          el('forms', { type }, [
            ...formFiles
              .filter((p) => p.split('/')[3] === type)
              .flatMap((p) => children(docRoot(source, p), 'systemform')),
          ]),
        ),
      );
    }
    // The packed form always has <savedqueries> (the XSD requires it), even for a table without our views.
    if (tag === 'SavedQueries') {
      return withChildren(node, [
        el(
          'savedqueries',
          viewFiles.flatMap((p) => children(docRoot(source, p), 'savedquery')),
        ),
      ]);
    }
    return node;
  });
  return withChildren(entity, kids);
}

function sectionContent(source: SourceFiles, section: string): XmlNode[] | undefined {
  switch (section) {
    case 'Entities': {
      const folders = under(source, 'Entities/', '/Entity.xml').map((p) => p.slice(0, -'/Entity.xml'.length));
      return folders.map((f) => packEntity(source, f));
    }
    case 'Roles':
      return under(source, 'Roles/').map((p) => docRoot(source, p));
    case 'FieldSecurityProfiles':
      return source.has('Other/FieldSecurityProfiles.xml')
        ? childrenOf(docRoot(source, 'Other/FieldSecurityProfiles.xml'))
        : undefined;
    case 'EntityRelationships': {
      const byName = new Map<string, XmlNode>();
      for (const p of under(source, 'Other/Relationships/')) {
        for (const r of childrenOf(docRoot(source, p))) byName.set(attr(r, 'Name') ?? '', r);
      }
      // Order of Other/Relationships.xml (the list SolutionPackager keeps).
      const listed = childrenOf(docRoot(source, 'Other/Relationships.xml')).map((r) => attr(r, 'Name') ?? '');
      return listed.map((name) => {
        const found = byName.get(name);
        if (!found)
          throw new Error(
            `Other/Relationships.xml lists ${name}, but no Other/Relationships/*.xml defines it`,
          );
        return found;
      });
    }
    case 'WebResources':
      return under(source, 'WebResources/', '.data.xml').map((p) => docRoot(source, p));
    case 'CustomControls':
      return under(source, 'Controls/', '/ControlManifest.xml.data.xml').map((p) => docRoot(source, p));
    default:
      return undefined;
  }
}

export function buildCustomizations(source: SourceFiles): string {
  // Keep the skeleton's root (with its xmlns:xsi, as exports have) and fill its sections in place.
  const skeleton = root(parse(source.get('Other/Customizations.xml') ?? ''));
  const sections = childrenOf(skeleton).map((node) => {
    const content = sectionContent(source, tagOf(node) ?? '');
    return content === undefined ? node : withChildren(node, content);
  });
  return serialize(withChildren(skeleton, sections));
}

/** solution.xml with `<Managed>` set; everything else as in Other/Solution.xml. */
export function buildSolutionXml(source: SourceFiles, managed: 0 | 1): string {
  const doc = root(parse(source.get('Other/Solution.xml') ?? ''));
  const manifest = child(doc, 'SolutionManifest');
  if (!manifest) throw new Error('Other/Solution.xml has no <SolutionManifest>');
  const patched = withChildren(
    manifest,
    childrenOf(manifest).map((n) => (tagOf(n) === 'Managed' ? el('Managed', [String(managed)]) : n)),
  );
  return serialize(
    withChildren(
      doc,
      childrenOf(doc).map((n) => (tagOf(n) === 'SolutionManifest' ? patched : n)),
    ),
  );
}

export function solutionVersion(source: SourceFiles): string {
  const manifest = child(root(parse(source.get('Other/Solution.xml') ?? '')), 'SolutionManifest');
  const version = manifest && child(manifest, 'Version');
  if (!version) throw new Error('Other/Solution.xml has no <Version>');
  return textOf(version);
}

/** `[Content_Types].xml`: one Default per extension, one Override per extension-less part. */
export function buildContentTypes(partNames: string[]): string {
  const ext = (p: string) => {
    const base = p.split('/').pop() ?? '';
    const dot = base.lastIndexOf('.');
    return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  };
  const extensions = [...new Set(['xml', ...partNames.map(ext).filter((e) => e !== '')])];
  const overrides = partNames.filter((p) => ext(p) === '').sort();
  return serialize(
    el('Types', { xmlns: 'http://schemas.openxmlformats.org/package/2006/content-types' }, [
      ...extensions.map((e) => el('Default', { Extension: e, ContentType: 'application/octet-stream' })),
      ...overrides.map((p) => el('Override', { PartName: `/${p}`, ContentType: 'application/octet-stream' })),
    ]),
    { declaration: true },
  ).replace(/\n\s*/g, ''); // one-line document, like every real [Content_Types].xml
}

/** Every part of the zip for one package type. */
export function assembleParts(inputs: PackInputs, managed: 0 | 1): Parts {
  const { source } = inputs;
  const parts: Parts = new Map();
  parts.set('solution.xml', Buffer.from(buildSolutionXml(source, managed)));
  parts.set('customizations.xml', Buffer.from(buildCustomizations(source)));

  for (const p of under(source, 'WebResources/', '.data.xml')) {
    const wr = docRoot(source, p);
    const name = textOf(child(wr, 'Name') ?? el('Name'));
    const fileName = textOf(child(wr, 'FileName') ?? el('FileName')).replace(/^\//, '');
    const body = inputs.webResources.get(name);
    if (!body)
      throw new Error(`web resource ${name} has no body (expected its file from build:webresources)`);
    parts.set(fileName, body);
  }
  for (const [rel, body] of [...inputs.control.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    parts.set(`${CONTROL_FOLDER}/${rel}`, body);
  }
  for (const p of under(source, 'environmentvariabledefinitions/', '')) {
    const text = source.get(p)!;
    parts.set(p, Buffer.from(p.endsWith('.xml') ? serialize(root(parse(text))) : text));
  }
  const names = [...parts.keys()];
  const ordered: Parts = new Map([['[Content_Types].xml', Buffer.from(buildContentTypes(names))]]);
  for (const name of names.sort()) ordered.set(name, parts.get(name)!);
  return ordered;
}

/** Fixed entry date so two builds of the same input are byte-identical. */
export const ZIP_DATE = new Date(Date.UTC(2025, 0, 1, 0, 0, 0));

export async function zipParts(parts: Parts): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, body] of parts) zip.file(name, body, { date: ZIP_DATE, createFolders: false });
  return zip.generateAsync({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    compressionOptions: { level: 9 },
    platform: 'DOS',
  });
}

export const zipFileName = (uniqueName: string, version: string, managed: boolean): string =>
  `${uniqueName}_${version.replace(/\./g, '_')}${managed ? '_managed' : ''}.zip`;
