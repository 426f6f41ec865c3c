/**
 * XSD validation with xmllint against Microsoft's 2018 schemas (the libxml2 copy in tests/fixtures/schemas). Elements the
 * schema does not know are stripped from a copy — exactly the KNOWN_NEW_* lists, each proven necessary
 * and proven to be what real exports need — and anything else the schema rejects fails.
 * solution.xml has no schema in the set, so its structure is compared with the real exports'.
 */
import { join } from 'node:path';
import {
  KNOWN_NEW_ATTRIBUTES,
  KNOWN_NEW_ELEMENTS,
  XMLLINT_MISSING,
  stripKnownNew,
  validateCustomizations,
  validateWithXsd,
  xmllintAvailable,
} from '../../../Build/solution/xsd';
import {
  childrenOf,
  parse,
  root,
  serialize,
  tagOf,
  withoutAttributes,
  type XmlNode,
} from '../../../Build/solution/xml';
import { XSD_DIR } from '../../testkit/paths';
import { packFromFixtures, referenceZip } from './helpers';

const packed = packFromFixtures();
const customizations = packed.unmanaged.get('customizations.xml')!.toString('utf8');
const XSD = join(XSD_DIR, 'CustomizationsSolution.xsd');

beforeAll(() => {
  if (!xmllintAvailable()) throw new Error(XMLLINT_MISSING);
});

describe('customizations.xml against CustomizationsSolution.xsd', () => {
  it('validates once exactly the known-new constructs are stripped', () => {
    expect(validateCustomizations(customizations, XSD_DIR)).toEqual([]);
  });

  it('needs every listed exception (each one, left in, makes validation fail)', () => {
    for (const keep of KNOWN_NEW_ELEMENTS) {
      const others = KNOWN_NEW_ELEMENTS.filter((e) => e !== keep);
      // Strip everything but `keep` by removing the others and the attributes directly.
      const strip = (nodes: XmlNode[]): XmlNode[] =>
        nodes
          .filter((n) => !others.includes(tagOf(n) as (typeof others)[number]))
          .map((n) => {
            const tag = tagOf(n);
            if (!tag) return n;
            const base = KNOWN_NEW_ATTRIBUTES[tag] ? withoutAttributes(n, KNOWN_NEW_ATTRIBUTES[tag]!) : n;
            return { ...base, [tag]: strip(childrenOf(base)) };
          });
      const errors = validateWithXsd(serialize(strip(parse(customizations))), XSD);
      expect({ keep, failsOn: errors.some((e) => e.includes(`'${keep}'`)) }).toEqual({ keep, failsOn: true });
    }
    const elementsOnly = (nodes: XmlNode[]): XmlNode[] =>
      nodes
        .filter((n) => !(KNOWN_NEW_ELEMENTS as readonly string[]).includes(tagOf(n) ?? ''))
        .map((n) => (tagOf(n) ? { ...n, [tagOf(n)!]: elementsOnly(childrenOf(n)) } : n));
    const errors = validateWithXsd(serialize(elementsOnly(parse(customizations))), XSD);
    expect(errors.some((e) => e.includes("'headerdensity'"))).toBe(true);
  });

  it('still fails on anything else the schema does not know', () => {
    const tampered = customizations.replace(
      '<IsAuditEnabled>',
      '<IsMadeUpElement>1</IsMadeUpElement><IsAuditEnabled>',
    );
    expect(validateCustomizations(tampered, XSD_DIR).join('\n')).toContain('IsMadeUpElement');
  });

  it('is the same exception list the real Microsoft export needs (polymorphic-lookup sample)', async () => {
    const parts = await referenceZip('polymorphiclookupexamplesolution.zip');
    const doc = parse(parts.get('customizations.xml')!.toString('utf8'));
    // Root attributes of environment exports (we do not emit them) are the only other difference.
    const rootAttrs = ['OrganizationVersion', 'OrganizationSchemaType', 'CRMServerServiceabilityVersion'];
    const withoutRootAttrs = doc.map((n) =>
      tagOf(n) === 'ImportExportXml' ? withoutAttributes(n, rootAttrs) : n,
    );
    expect(validateWithXsd(serialize(stripKnownNew(withoutRootAttrs)), XSD)).toEqual([]);
  });
});

describe('solution.xml (no XSD exists: structure compared with real exports)', () => {
  const names = (node: XmlNode | undefined) => childrenOf(node ?? { x: [] }).map((c) => tagOf(c));
  const manifestOf = (xml: string) =>
    childrenOf(root(parse(xml))).find((c) => tagOf(c) === 'SolutionManifest');
  const ours = manifestOf(packed.unmanaged.get('solution.xml')!.toString('utf8'))!;

  it.each([
    'polymorphiclookupexamplesolution.zip',
    'Contoso_sample_1_0_0_1_managed.zip',
    'CodeInterpreterControlSolution.zip',
  ])('has the element sequence of %s (manifest, publisher, address)', async (zip) => {
    const ref = manifestOf((await referenceZip(zip)).get('solution.xml')!.toString('utf8'))!;
    expect(names(ours)).toEqual(names(ref));
    const publisher = (m: XmlNode) => childrenOf(m).find((c) => tagOf(c) === 'Publisher')!;
    expect(names(publisher(ours))).toEqual(names(publisher(ref)));
    const address = (m: XmlNode) =>
      childrenOf(childrenOf(publisher(m)).find((c) => tagOf(c) === 'Addresses')!)[0];
    expect(names(address(ours))).toEqual(names(address(ref)));
  });

  it('declares the publisher, prefix, option value prefix and root components of known types', () => {
    const xml = packed.unmanaged.get('solution.xml')!.toString('utf8');
    expect(xml).toContain('<UniqueName>PartnerCenterCoSell</UniqueName>');
    expect(xml).toContain('<UniqueName>PartnerCoSell</UniqueName>');
    expect(xml).toContain('<CustomizationPrefix>pcs</CustomizationPrefix>');
    expect(xml).toContain('<CustomizationOptionValuePrefix>72710</CustomizationOptionValuePrefix>');
    const types = [...xml.matchAll(/<RootComponent type="(\d+)"/g)].map((m) => m[1]);
    expect(new Set(types)).toEqual(new Set(['1', '20', '61', '66', '70', '380']));
    expect(xml).toMatch(/<RootComponent type="1" schemaName="opportunity" behavior="2"\/>/);
  });
});
