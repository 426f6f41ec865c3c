/**
 * The built ControlManifest.xml and its resx files, read the way the platform reads them: which
 * properties are bound or static and of which type, which resx belongs to which language, and
 * whether the control is virtual (React/Fluent provided by the host as platform libraries).
 */
import { XMLParser } from 'fast-xml-parser';

export interface ManifestProperty {
  name: string;
  ofType: string;
  usage: 'bound' | 'input' | 'output';
}

export interface ControlManifestModel {
  namespace: string;
  constructorName: string;
  controlType: 'standard' | 'virtual';
  properties: ManifestProperty[];
  /** resx paths (relative to the control folder) by LCID, from `strings/<Name>.<lcid>.resx`. */
  resx: Record<number, string>;
  platformLibraries: { name: string; version: string }[];
  /** Stylesheets the platform injects with the control. */
  css: string[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) =>
    ['property', 'resx', 'css', 'platform-library', 'data', 'type-group', 'type'].includes(name),
});

type Node = Record<string, unknown>;
const nodes = (value: unknown): Node[] => (Array.isArray(value) ? (value as Node[]) : []);

export function parseControlManifest(xml: string): ControlManifestModel {
  const root = parser.parse(xml.replace(/^\uFEFF/, '')) as Node;
  const control = (root.manifest as Node | undefined)?.control as Node | undefined;
  if (!control) throw new Error('ControlManifest.xml has no <manifest><control>');
  const resources = (control.resources ?? {}) as Node;
  const resx: Record<number, string> = {};
  for (const entry of nodes(resources.resx)) {
    const path = String(entry['@_path'] ?? '');
    const lcid = /\.(\d{4,5})\.resx$/i.exec(path)?.[1];
    if (lcid) resx[Number(lcid)] = path;
  }
  return {
    namespace: String(control['@_namespace'] ?? ''),
    constructorName: String(control['@_constructor'] ?? ''),
    controlType: control['@_control-type'] === 'virtual' ? 'virtual' : 'standard',
    properties: nodes(control.property).map((property) => ({
      name: String(property['@_name']),
      ofType: String(property['@_of-type'] ?? property['@_of-type-group'] ?? 'SingleLine.Text'),
      usage: (property['@_usage'] ?? 'input') as ManifestProperty['usage'],
    })),
    resx,
    platformLibraries: nodes(resources['platform-library']).map((library) => ({
      name: String(library['@_name']),
      version: String(library['@_version']),
    })),
    css: nodes(resources.css).map((css) => String(css['@_path'])),
  };
}

/** resx → { name: value }. */
export function parseResx(xml: string): Record<string, string> {
  const root = parser.parse(xml.replace(/^\uFEFF/, '')) as Node;
  const strings: Record<string, string> = {};
  for (const data of nodes((root.root as Node | undefined)?.data)) {
    const value = data.value;
    strings[String(data['@_name'])] =
      typeof value === 'object' && value !== null
        ? String((value as Node)['#text'] ?? '')
        : String(value ?? '');
  }
  return strings;
}

/** The resx path for the user's language, falling back to English as the platform does. */
export function resxPathFor(manifest: ControlManifestModel, lcid: number): string | undefined {
  return manifest.resx[lcid] ?? manifest.resx[1033] ?? Object.values(manifest.resx)[0];
}
