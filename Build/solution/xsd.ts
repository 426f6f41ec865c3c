/**
 * Validation of packed documents against Microsoft's 2018 customization XSDs (9.0.0.2090, patched so
 * that libxml2 compiles them: docs/reference/dataverse-solution-format.md §2) with xmllint. Current
 * exports carry elements that schema does not know; those — and only those — are stripped from a copy
 * before validating, so anything else the schema rejects still fails. The list is evidence-based: what
 * real Microsoft exports carry (same section; sample exports in tests/fixtures/solutions/).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childrenOf, parse, serialize, tagOf, withChildren, withoutAttributes, type XmlNode } from './xml';

/** Elements newer than the 2018 schema that real current exports contain (and we emit, copying them). */
export const KNOWN_NEW_ELEMENTS = [
  'AutoNumberFormat', // every <attribute> of current exports
  'CascadeArchive', // relationships
  'IsSearchable', // attribute, every <attribute> of the sample export (hidden behind AutoNumberFormat by xmllint)
  'IsFilterable', // attribute, same
  'IsRetrievable', // attribute, same
  'IsLocalizable', // attribute, same
  'IsRetrieveAuditEnabled', // entity
  'IsRetrieveMultipleAuditEnabled', // entity, next to IsRetrieveAuditEnabled in the sample export
  'IsMSTeamsIntegrationEnabled', // entity, sample export
  'IsSolutionAware', // entity, sample export
] as const;

/** Attributes newer than the schema: element → attribute names. */
export const KNOWN_NEW_ATTRIBUTES: Record<string, string[]> = {
  form: ['headerdensity'], // every current main form (YarSol opportunity form's only schema error)
};

export function stripKnownNew(nodes: XmlNode[]): XmlNode[] {
  const drop = new Set<string>(KNOWN_NEW_ELEMENTS);
  const visit = (node: XmlNode): XmlNode | undefined => {
    const tag = tagOf(node);
    if (tag === undefined) return node;
    if (drop.has(tag)) return undefined;
    const attrs = KNOWN_NEW_ATTRIBUTES[tag];
    const base = attrs ? withoutAttributes(node, attrs) : node;
    return withChildren(
      base,
      childrenOf(base)
        .map(visit)
        .filter((n): n is XmlNode => n !== undefined),
    );
  };
  return nodes.map(visit).filter((n): n is XmlNode => n !== undefined);
}

export function xmllintAvailable(): boolean {
  return spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
}

export const XMLLINT_MISSING =
  'xmllint is not installed: run `apt-get install -y libxml2-utils` (CI installs it in .ci/run).';

/** Validate `xml` against `schema`; returns xmllint's error lines (empty = valid). */
export function validateWithXsd(xml: string, schema: string): string[] {
  if (!xmllintAvailable()) throw new Error(XMLLINT_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'pcs-xsd-'));
  const file = join(dir, 'document.xml');
  try {
    writeFileSync(file, xml);
    execFileSync('xmllint', ['--noout', '--schema', schema, file], { stdio: 'pipe' });
    return [];
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? err);
    return stderr
      .split('\n')
      .filter((l) => l.includes('error') || l.includes('fails'))
      .map((l) => l.replace(`${file}:`, 'line '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Validate a copy with exactly the known-new constructs removed. */
export function validateCustomizations(xml: string, schemaDir: string): string[] {
  const stripped = serialize(stripKnownNew(parse(xml)));
  return validateWithXsd(stripped, join(schemaDir, 'CustomizationsSolution.xsd'));
}
