/**
 * The packed zips: layout, determinism, structural checks (and that each check catches a real defect),
 * managed vs unmanaged, round trip back to the source, and the names the relay relies on.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  EnvironmentVariables,
  FormHandlers,
  LANGUAGES,
  LeadColumns,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  OpportunityForm,
  PcfBindings,
  PcfControl,
  PcfProperties,
  RelayAuthWebResource,
  Relationships,
  SOLUTION_UNIQUE_NAME,
  SolutionDetailColumns,
  SyncEventColumns,
  Tables,
  WebResourceNames,
} from '../../../Domain/constants';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import {
  checkContentTypes,
  checkControl,
  checkEnvironmentVariables,
  checkFormFields,
  checkOptionValues,
  checkPackage,
  checkRootComponents,
  checkSubgrids,
  checkWebResources,
  columnsOf,
  forms,
  openPackage,
} from '../../../Build/solution/checks';
import { packSolution } from '../../../Build/solution/pack';
import { zipParts, type Parts } from '../../../Build/solution/packer';
import { readZip, unpackParts } from '../../../Build/solution/unpack';
import {
  attr,
  child,
  childrenOf,
  descendants,
  el,
  parse,
  root,
  serialize,
  tagOf,
  textOf,
} from '../../../Build/solution/xml';
import { fixtureManifest, writeBuildFixtures } from './fixtures';
import { SOLUTION_DIR, packFromFixtures } from './helpers';

const packed = packFromFixtures();
const pkg = openPackage(packed.unmanaged);
const text = (parts: Parts, name: string) => parts.get(name)!.toString('utf8');

/** Copy of the parts with one XML part rewritten. */
function mutate(parts: Parts, name: string, edit: (xml: string) => string): Parts {
  const copy = new Map(parts);
  copy.set(name, Buffer.from(edit(text(parts, name))));
  return copy;
}

describe('zip layout', () => {
  it('has the parts real exports have', () => {
    const names = [...packed.unmanaged.keys()];
    expect(names[0]).toBe('[Content_Types].xml');
    expect(names).toEqual(
      expect.arrayContaining([
        'solution.xml',
        'customizations.xml',
        `Controls/${PcfControl.fullName}/ControlManifest.xml`,
        `Controls/${PcfControl.fullName}/bundle.js`,
        `Controls/${PcfControl.fullName}/strings/${PcfControl.constructorName}.1033.resx`,
        'WebResources/pcs_scriptsopportunityformjsECBE43BA-A297-4271-AE30-8C90E4A81A26',
        'WebResources/pcs_scriptsrelayauthjsA472F56E-332F-40A6-AC44-1434241C40C7',
        ...Object.values(EnvironmentVariables).map(
          (s) => `environmentvariabledefinitions/${s}/environmentvariabledefinition.xml`,
        ),
      ]),
    );
  });

  it('writes solution.xml/customizations.xml without BOM or declaration, [Content_Types].xml with both', () => {
    expect(text(packed.unmanaged, 'solution.xml').startsWith('<ImportExportXml')).toBe(true);
    expect(text(packed.unmanaged, 'customizations.xml').startsWith('<ImportExportXml')).toBe(true);
    expect(
      text(packed.unmanaged, '[Content_Types].xml').startsWith(
        '\uFEFF<?xml version="1.0" encoding="utf-8"?><Types',
      ),
    ).toBe(true);
  });

  it('is byte-identical when built twice, and names the zips with an underscore version', async () => {
    const a = await zipParts(packed.unmanaged);
    const b = await zipParts(packFromFixtures().unmanaged);
    expect(a.equals(b)).toBe(true);
    const out = join(packed.fixtures.root, 'dist');
    const result = await packSolution(
      {
        solutionDir: SOLUTION_DIR,
        controlDir: packed.fixtures.controlDir,
        webResourcesDir: packed.fixtures.webResourcesDir,
      },
      out,
    );
    expect(result.unmanaged.path).toBe(
      join(out, `${SOLUTION_UNIQUE_NAME}_${result.version.replace(/\./g, '_')}.zip`),
    );
    expect(result.managed.path).toBe(
      join(out, `${SOLUTION_UNIQUE_NAME}_${result.version.replace(/\./g, '_')}_managed.zip`),
    );
    expect(existsSync(result.managed.path)).toBe(true);
  });

  it('fails with a clear message when the built control or web resource is missing', async () => {
    const paths = {
      solutionDir: SOLUTION_DIR,
      controlDir: '/nonexistent/control',
      webResourcesDir: packed.fixtures.webResourcesDir,
    };
    await expect(packSolution(paths, packed.fixtures.root)).rejects.toThrow(/npm run build:pcf/);
    const noWr = { ...paths, controlDir: packed.fixtures.controlDir, webResourcesDir: '/nonexistent/wr' };
    await expect(packSolution(noWr, packed.fixtures.root)).rejects.toThrow(/npm run build:webresources/);
  });

  it('needs the sign-in library too: a build without relayauth.js is refused, naming it', async () => {
    const fixtures = writeBuildFixtures();
    rmSync(join(fixtures.webResourcesDir, 'relayauth.js'));
    const paths = { solutionDir: SOLUTION_DIR, ...fixtures };
    await expect(packSolution(paths, fixtures.root)).rejects.toThrow(
      new RegExp(`relayauth\\.js is missing \\(web resource ${RelayAuthWebResource.name}\\)`),
    );
  });
});

describe('structural checks', () => {
  it('pass for both packages', () => {
    expect(checkPackage(packed.unmanaged)).toEqual([]);
    expect(checkPackage(packed.managed)).toEqual([]);
  });

  it('catch a root component without its component', () => {
    const broken = mutate(packed.unmanaged, 'solution.xml', (x) =>
      x.replace(
        '<RootComponents>',
        '<RootComponents><RootComponent type="1" schemaName="pcs_missing" behavior="0"/>',
      ),
    );
    expect(checkRootComponents(openPackage(broken))).toEqual([expect.stringContaining('pcs_missing')]);
  });

  it('catch a form control bound to a column its table does not have', () => {
    const broken = mutate(packed.unmanaged, 'customizations.xml', (x) =>
      x.replace('datafieldname="pcs_helpneeded"', 'datafieldname="pcs_nosuchcolumn"'),
    );
    expect(checkFormFields(openPackage(broken))).toEqual([expect.stringContaining('pcs_nosuchcolumn')]);
  });

  it('catch a subgrid whose relationship is not in the package', () => {
    const broken = mutate(packed.unmanaged, 'customizations.xml', (x) =>
      x.replace(
        `<RelationshipName>${Relationships.opportunitySyncEvents.schemaName}</RelationshipName>`,
        '<RelationshipName>pcs_nosuchrelationship</RelationshipName>',
      ),
    );
    expect(checkSubgrids(openPackage(broken))).toEqual([expect.stringContaining('pcs_nosuchrelationship')]);
  });

  it('catch a control whose built manifest has another namespace/constructor or property types', () => {
    const other = packFromFixtures(fixtureManifest('OtherNs', 'OtherCtor'));
    expect(checkControl(openPackage(other.unmanaged)).join('\n')).toContain('pcs_OtherNs.OtherCtor');
    const wrongType = packFromFixtures(
      fixtureManifest().replace('of-type="TwoOptions"', 'of-type="SingleLine.Text"'),
    );
    expect(checkControl(openPackage(wrongType.unmanaged)).join('\n')).toContain(
      `${PcfProperties.syncEnabled} is SingleLine.Text`,
    );
  });

  it('catch a web resource FileName that is not in the zip', () => {
    const copy = new Map(packed.unmanaged);
    for (const k of copy.keys()) if (k.startsWith('WebResources/pcs_scriptsrelayauthjs')) copy.delete(k);
    expect(checkWebResources(openPackage(copy))).toEqual([
      expect.stringMatching(/^web resource pcs_\/scripts\/relayauth\.js: FileName .* is not in the zip$/),
    ]);
  });

  it('catch a part [Content_Types].xml does not cover', () => {
    const copy = new Map(packed.unmanaged);
    copy.set('Controls/x/LICENSE', Buffer.from('x'));
    copy.set('Controls/x/notes.md', Buffer.from('x'));
    expect(checkContentTypes(copy)).toEqual([
      expect.stringContaining('Controls/x/LICENSE'),
      expect.stringContaining('Controls/x/notes.md'),
    ]);
  });

  it('catch an option value without the publisher prefix', () => {
    const broken = mutate(packed.unmanaged, 'customizations.xml', (x) =>
      x.replace('option value="727100006"', 'option value="100000006"'),
    );
    expect(checkOptionValues(openPackage(broken)).join('\n')).toContain('100000006');
  });

  it('catch invalid environment variable types and Boolean defaults', () => {
    const name = `environmentvariabledefinitions/${EnvironmentVariables.showCheckmarkInName}/environmentvariabledefinition.xml`;
    const broken = mutate(packed.unmanaged, name, (x) =>
      x.replace('<defaultvalue>yes</defaultvalue>', '<defaultvalue>true</defaultvalue>'),
    );
    expect(checkEnvironmentVariables(broken)).toEqual([expect.stringContaining('yes or no')]);
    const badType = mutate(packed.unmanaged, name, (x) =>
      x.replace('<type>100000002</type>', '<type>42</type>'),
    );
    expect(checkEnvironmentVariables(badType)).toEqual([expect.stringContaining('type 42')]);
  });
});

describe('managed vs unmanaged', () => {
  // The reference exports (all managed) show managed-only markup only where a solution *modifies* a
  // system form (solutionaction/ordinalvalue); our components are all new, so only <Managed> differs.
  it('differ only in solution.xml <Managed>', () => {
    const differing = [...packed.unmanaged.keys()].filter(
      (k) => !packed.unmanaged.get(k)!.equals(packed.managed.get(k)!),
    );
    expect(differing).toEqual(['solution.xml']);
    expect([...packed.managed.keys()]).toEqual([...packed.unmanaged.keys()]);
    const managed = text(packed.managed, 'solution.xml');
    expect(managed).toContain('<Managed>1</Managed>');
    expect(text(packed.unmanaged, 'solution.xml')).toContain('<Managed>0</Managed>');
    expect(managed.replace('<Managed>1</Managed>', '<Managed>0</Managed>')).toBe(
      text(packed.unmanaged, 'solution.xml'),
    );
  });
});

describe('round trip', () => {
  it('the unmanaged zip unpacks back to exactly the Solution/ source', async () => {
    const unpacked = unpackParts(await readZip(await zipParts(packed.unmanaged)));
    expect([...unpacked.keys()].sort()).toEqual([...packed.inputs.source.keys()].sort());
    for (const [path, content] of packed.inputs.source)
      expect({ path, content: unpacked.get(path) }).toEqual({ path, content });
  });

  it('carries the built control and web resource bytes unchanged', async () => {
    const parts = await readZip(await zipParts(packed.managed));
    for (const [rel, body] of packed.inputs.control) {
      expect(parts.get(`Controls/${PcfControl.fullName}/${rel}`)!.equals(body)).toBe(true);
    }
    const shipped = [...parts.keys()].filter((k) => k.startsWith('WebResources/'));
    expect(shipped).toHaveLength(2);
    for (const [name, body] of packed.inputs.webResources) {
      const part = shipped.find((k) => k.startsWith(`WebResources/${name.replace(/[^A-Za-z0-9_]/g, '')}`))!;
      expect([name, parts.get(part)!.equals(body)]).toEqual([name, true]);
    }
  });

  it('ships the sign-in library as a root web resource (JavaScript) that no form loads', () => {
    const manifest = text(packed.unmanaged, 'solution.xml');
    expect(manifest).toContain(
      `<RootComponent type="61" schemaName="${RelayAuthWebResource.name}" behavior="0"/>`,
    );
    const section = child(root(parse(text(packed.unmanaged, 'customizations.xml'))), 'WebResources')!;
    const entries = childrenOf(section).map((wr) => ({
      id: textOf(child(wr, 'WebResourceId')!),
      name: textOf(child(wr, 'Name')!),
      type: textOf(child(wr, 'WebResourceType')!),
    }));
    expect(entries).toEqual([
      expect.objectContaining({ name: WebResourceNames.opportunityForm, type: '3' }),
      { id: `{${RelayAuthWebResource.id}}`, name: RelayAuthWebResource.name, type: '3' },
    ]);
    // Loaded by script tag on demand (WebResources/relayClient/relayAuthLoader.ts), never as a form library.
    for (const f of forms(pkg)) {
      expect(descendants(f.form, 'Library').map((l) => attr(l, 'name'))).not.toContain(
        RelayAuthWebResource.name,
      );
    }
  });
});

describe('content the relay and the form rely on', () => {
  const prefixed = (cols: Record<string, string>) => Object.values(cols).filter((c) => c.startsWith('pcs_'));

  it('creates every column the relay uses', () => {
    const opportunity = columnsOf(pkg, Tables.opportunity);
    for (const c of prefixed(OpportunityColumns)) expect(opportunity).toContain(c);
    const lead = columnsOf(pkg, Tables.lead);
    for (const c of prefixed(LeadColumns)) expect(lead).toContain(c);
    for (const [table, cols] of [
      [Tables.microsoftSolution, MicrosoftSolutionColumns],
      [Tables.solutionDetail, SolutionDetailColumns],
      [Tables.syncEvent, SyncEventColumns],
    ] as const) {
      const have = columnsOf(pkg, table);
      for (const c of Object.values(cols)) expect(have).toContain(c);
    }
    const type = (table: string, column: string) => {
      const a = descendants(pkg.entities.get(table)!, 'attribute').find(
        (x) => textOf(child(x, 'LogicalName')!) === column,
      )!;
      return [
        textOf(child(a, 'Type')!),
        textOf(child(a, 'Format') ?? el('Format')),
        textOf(child(a, 'MaxLength') ?? el('M')),
      ];
    };
    expect(type(Tables.opportunity, OpportunityColumns.syncWithPartnerCenter)[0]).toBe('bit');
    expect(type(Tables.opportunity, OpportunityColumns.referralId)).toEqual(['nvarchar', 'text', '100']);
    expect(type(Tables.opportunity, OpportunityColumns.referralLink).slice(0, 2)).toEqual([
      'nvarchar',
      'url',
    ]);
    expect(type(Tables.opportunity, OpportunityColumns.audit)[0]).toBe('ntext');
    expect(type(Tables.opportunity, OpportunityColumns.lastSyncedOn)[0]).toBe('datetime');
    expect(type(Tables.opportunity, OpportunityColumns.helpNeeded)[0]).toBe('picklist');
    expect(type(Tables.syncEvent, SyncEventColumns.opportunity)[0]).toBe('lookup');
  });

  it('ships the lookups with the navigation property names Domain/constants promises', () => {
    const rels = childrenOf(child(pkg.customizations, 'EntityRelationships')!);
    for (const r of Object.values(Relationships)) {
      const rel = rels.find((x) => attr(x, 'Name') === r.schemaName)!;
      expect(rel).toBeDefined();
      expect(textOf(child(rel, 'ReferencingAttributeName')!)).toBe(r.lookup);
      const navs = descendants(rel, 'EntityRelationshipRole').map((role) => [
        textOf(child(role, 'RelationshipRoleType')!),
        textOf(child(role, 'NavigationPropertyName')!),
      ]);
      expect(navs).toEqual([
        ['1', r.navigation],
        ['0', r.collection],
      ]);
    }
  });

  it('binds the PCF control to pcs_syncwithpartnercenter with every PcfBindings column and the default field map', () => {
    const form = forms(pkg).find((f) => f.id === OpportunityForm.id)!;
    const host = descendants(form.form, 'control').find(
      (c) => attr(c, 'datafieldname') === OpportunityColumns.syncWithPartnerCenter,
    )!;
    expect(attr(host, 'classid')).toBe('{F9A8A302-114E-466A-B582-6771B2AE0D92}');
    const description = descendants(form.form, 'controlDescription').find(
      (d) => attr(d, 'forControl') === attr(host, 'uniqueid'),
    )!;
    const custom = descendants(description, 'customControl').filter(
      (c) => attr(c, 'name') === PcfControl.fullName,
    );
    expect(custom.map((c) => attr(c, 'formFactor'))).toEqual(['0', '2', '1']);
    const params = childrenOf(child(custom[0]!, 'parameters')!);
    const bound = Object.fromEntries(
      params.filter((p) => attr(p, 'static') !== 'true').map((p) => [tagOf(p), textOf(p)]),
    );
    expect(bound).toEqual(PcfBindings);
    const fieldMap = params.find((p) => tagOf(p) === PcfProperties.fieldMap)!;
    expect(attr(fieldMap, 'static')).toBe('true');
    expect(JSON.parse(textOf(fieldMap))).toEqual(DEFAULT_FIELD_MAP);
  });

  it('registers the form script handlers on the right events', () => {
    const form = forms(pkg).find((f) => f.id === OpportunityForm.id)!;
    const events = descendants(form.form, 'event').flatMap((e) =>
      descendants(e, 'Handler').map((h) => [
        attr(e, 'name'),
        attr(e, 'attribute') ?? '',
        attr(h, 'functionName'),
      ]),
    );
    expect(events).toEqual([
      ['onload', '', FormHandlers.onLoad],
      ['onsave', '', FormHandlers.onSave],
      ['onchange', OpportunityColumns.syncWithPartnerCenter, FormHandlers.onSyncChange],
      ['onchange', OpportunityColumns.helpNeeded, FormHandlers.onHelpNeededChange],
    ]);
  });

  it('labels every display name, description and localized name in 1033, 1046 and 3082', () => {
    const containers = [
      'displaynames',
      'Descriptions',
      'LocalizedNames',
      'LocalizedCollectionNames',
      'labels',
    ];
    const missing: string[] = [];
    for (const tag of containers) {
      for (const node of descendants(pkg.customizations, tag)) {
        const codes = childrenOf(node).map((l) => Number(attr(l, 'languagecode')));
        const texts = childrenOf(node).map((l) => attr(l, 'description') ?? '');
        if (codes.join() !== LANGUAGES.join() || (tag !== 'labels' && texts.some((t) => t === ''))) {
          missing.push(`${tag}: ${codes.join()} ${texts.join('|')}`);
        }
      }
    }
    expect(missing).toEqual([]);
    // Portuguese and Spanish are real translations, not copies of the English text.
    const names = descendants(pkg.customizations, 'displayname').filter(
      (d) => attr(d, 'languagecode') !== '1033',
    );
    expect(names.filter((d) => attr(d, 'description') === 'Sync with Partner Center')).toEqual([]);
  });

  it('declares the environment variables with their specified types and defaults', () => {
    const read = (s: string) =>
      root(
        parse(
          text(packed.unmanaged, `environmentvariabledefinitions/${s}/environmentvariabledefinition.xml`),
        ),
      );
    const summary = Object.values(EnvironmentVariables).map((s) => {
      const d = read(s);
      return [
        s,
        textOf(child(d, 'type')!),
        child(d, 'defaultvalue') ? textOf(child(d, 'defaultvalue')!) : null,
      ];
    });
    expect(summary).toEqual([
      [EnvironmentVariables.showCheckmarkInName, '100000002', 'yes'],
      [EnvironmentVariables.dealValueFieldName, '100000000', OpportunityColumns.estimatedValue],
      [EnvironmentVariables.countryCodeFieldName, '100000000', 'address1_country'],
      [EnvironmentVariables.relayBaseUrl, '100000000', null],
      [EnvironmentVariables.relayClientId, '100000000', null],
      // Superseded: no default, so only a value an admin set is mapped to pcs_MicrosoftReferralTarget.
      [EnvironmentVariables.inboundReferralPolicy, '100000000', null],
      [EnvironmentVariables.closeOpportunityFromPartnerCenter, '100000002', 'yes'],
      // No default in the definition: empty = lead (in the relay), after the older variable's value.
      [EnvironmentVariables.microsoftReferralTarget, '100000000', null],
      [EnvironmentVariables.coSellCreationFlow, '100000000', 'one-step'],
    ]);
  });

  it('serializes the field map JSON safely inside XML (round trip through the parser)', () => {
    const again = serialize(parse(text(packed.unmanaged, 'customizations.xml')));
    expect(again).toBe(text(packed.unmanaged, 'customizations.xml'));
  });
});
