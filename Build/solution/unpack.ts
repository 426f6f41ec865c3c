/**
 * The inverse of packer.ts: splits a packed zip back into the SolutionPackager layout. The tests use it
 * to prove the zip unpacks to exactly the source it was built from.
 */
import JSZip from 'jszip';
import { entityFolder } from './generate';
import type { SourceFiles } from './packer';
import {
  XSI_NS,
  attr,
  child,
  childrenOf,
  el,
  parse,
  root,
  serialize,
  tagOf,
  textOf,
  withChildren,
  withLeadingAttributes,
  type XmlNode,
} from './xml';

export async function readZip(zip: Buffer): Promise<Map<string, Buffer>> {
  const archive = await JSZip.loadAsync(zip);
  const out = new Map<string, Buffer>();
  for (const name of Object.keys(archive.files).sort()) {
    const entry = archive.files[name]!;
    if (!entry.dir) out.set(name, await entry.async('nodebuffer'));
  }
  return out;
}

const file = (node: XmlNode, withNs = true) =>
  serialize(withNs ? withLeadingAttributes(node, XSI_NS) : node, { declaration: true });

const braceless = (id: string) => id.replace(/[{}]/g, '').toLowerCase();

/** Split customizations.xml + solution.xml (+ env var parts) into Solution/-relative files. */
export function unpackParts(parts: Map<string, Buffer>): SourceFiles {
  const files: SourceFiles = new Map();
  const text = (name: string) => {
    const b = parts.get(name);
    if (!b) throw new Error(`zip has no ${name}`);
    return b.toString('utf8');
  };
  files.set('Other/Solution.xml', file(root(parse(text('solution.xml'))), false));

  const customizations = root(parse(text('customizations.xml')));
  const skeleton = withChildren(
    customizations,
    childrenOf(customizations).map((s) => (tagOf(s) === 'Languages' ? s : el(tagOf(s)!))),
  );
  files.set('Other/Customizations.xml', file(skeleton, false));

  for (const section of childrenOf(customizations)) {
    const tag = tagOf(section);
    const items = childrenOf(section);
    if (tag === 'Entities') {
      for (const entity of items) unpackEntity(entity, files);
    } else if (tag === 'Roles') {
      for (const role of items) files.set(`Roles/${attr(role, 'name')}.xml`, file(role));
    } else if (tag === 'FieldSecurityProfiles' && items.length > 0) {
      files.set('Other/FieldSecurityProfiles.xml', file(el('FieldSecurityProfiles', items)));
    } else if (tag === 'EntityRelationships' && items.length > 0) {
      files.set(
        'Other/Relationships.xml',
        file(
          el(
            'EntityRelationships',
            items.map((r) => el('EntityRelationship', { Name: attr(r, 'Name') })),
          ),
        ),
      );
      const byTable = new Map<string, XmlNode[]>();
      for (const r of items) {
        const table = textOf(child(r, 'ReferencingEntityName') ?? el('x'));
        byTable.set(table, [...(byTable.get(table) ?? []), r]);
      }
      for (const [table, rels] of byTable) {
        files.set(`Other/Relationships/${entityFolder(table)}.xml`, file(el('EntityRelationships', rels)));
      }
    } else if (tag === 'WebResources') {
      for (const wr of items) files.set(`WebResources/${textOf(child(wr, 'Name')!)}.data.xml`, file(wr));
    } else if (tag === 'CustomControls') {
      for (const cc of items) {
        files.set(`Controls/${textOf(child(cc, 'Name')!)}/ControlManifest.xml.data.xml`, file(cc));
      }
    }
  }
  for (const [name, body] of parts) {
    if (!name.startsWith('environmentvariabledefinitions/')) continue;
    files.set(
      name,
      name.endsWith('.xml') ? file(root(parse(body.toString('utf8'))), false) : body.toString('utf8'),
    );
  }
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function unpackEntity(entity: XmlNode, files: SourceFiles): void {
  const name = textOf(child(entity, 'Name')!);
  const folder = `Entities/${name}`;
  const kids = childrenOf(entity).map((node) => {
    const tag = tagOf(node);
    if (tag === 'FormXml') {
      for (const forms of childrenOf(node)) {
        for (const form of childrenOf(forms)) {
          const id = braceless(textOf(child(form, 'formid')!));
          files.set(`${folder}/FormXml/${attr(forms, 'type')}/{${id}}.xml`, file(el('forms', [form])));
        }
      }
      return el('FormXml');
    }
    if (tag === 'SavedQueries') {
      for (const list of childrenOf(node)) {
        for (const view of childrenOf(list)) {
          const id = braceless(textOf(child(view, 'savedqueryid')!));
          files.set(`${folder}/SavedQueries/{${id}}.xml`, file(el('savedqueries', [view])));
        }
      }
      return el('SavedQueries');
    }
    return node;
  });
  files.set(`${folder}/Entity.xml`, file(withChildren(entity, kids)));
}
