import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { LANGUAGES, PcfControl, PcfProperties, PUBLISHER } from '../../../Domain';
import { PROPERTY_KINDS } from '../../../PCFControls/PartnerCenterSync/inputs';
import { ManifestControl, ManifestProperty } from '../../../PCFControls/PartnerCenterSync/ManifestConstants';
import { PROBLEM_MESSAGES } from '../../../Domain/messages';
import { problemKey, StringKeys } from '../../../PCFControls/PartnerCenterSync/strings';
import { controlDir, readResx } from './fakeContext';

interface Attrs {
  [name: string]: string;
}
interface Manifest {
  manifest: {
    control: Attrs & {
      property: Attrs[];
      resources: { code: Attrs; 'platform-library': Attrs[]; css: Attrs[]; resx: Attrs[] };
      'feature-usage': { 'uses-feature': Attrs[] };
    };
  };
}

const manifest = new XMLParser({
  ignoreAttributes: false,
  // A prefix is required: fast-xml-parser refuses an attribute named "constructor" without one.
  attributeNamePrefix: '@_',
  isArray: (name) => ['property', 'platform-library', 'css', 'resx', 'uses-feature'].includes(name),
}).parse(readFileSync(path.join(controlDir, 'ControlManifest.Input.xml'), 'utf8')) as Manifest;
const control = manifest.manifest.control;

describe('ControlManifest.Input.xml', () => {
  it('names the control so the solution sees pcs_PartnerCoSell.PartnerCenterSync', () => {
    expect(control['@_namespace']).toBe(PcfControl.namespace);
    expect(control['@_constructor']).toBe(PcfControl.constructorName);
    expect(`${PUBLISHER.prefix}_${control['@_namespace']}.${control['@_constructor']}`).toBe(
      PcfControl.fullName,
    );
    expect(control['@_namespace']).toBe(ManifestControl.Namespace);
    expect(control['@_constructor']).toBe(ManifestControl.Constructor);
    expect(control['@_control-type']).toBe('virtual');
  });

  it('declares exactly the Domain PcfProperties, with the of-types and usages of inputs.ts', () => {
    const declared = Object.fromEntries(control.property.map((p) => [p['@_name'], p]));
    expect(Object.keys(declared).sort()).toEqual(Object.values(PcfProperties).sort());
    for (const [name, kind] of Object.entries(PROPERTY_KINDS)) {
      expect({ name, ofType: declared[name]?.['@_of-type'], usage: declared[name]?.['@_usage'] }).toEqual({
        name,
        ...kind,
      });
    }
    expect(declared[PcfProperties.syncEnabled]?.['@_required']).toBe('true');
    expect(declared[PcfProperties.relayUrl]?.['@_required']).toBe('false');
  });

  it('has a ManifestProperty enum member for every property, equal to PcfProperties', () => {
    const enumValues: string[] = [
      ManifestProperty.SyncEnabled,
      ManifestProperty.ReferralId,
      ManifestProperty.ReferralLink,
      ManifestProperty.SyncStatus,
      ManifestProperty.LastSyncedOn,
      ManifestProperty.MicrosoftCrmId,
      ManifestProperty.ReferralStatus,
      ManifestProperty.ReferralSubstatus,
      ManifestProperty.Audit,
      ManifestProperty.FieldMap,
      ManifestProperty.RelayUrl,
    ];
    expect(enumValues.sort()).toEqual(Object.values(PcfProperties).sort());
  });

  it('uses React 16.14.0 and a Fluent 8 version pcf-scripts maps to a platform library', () => {
    const libs = Object.fromEntries(
      control.resources['platform-library'].map((l) => [l['@_name'], l['@_version']]),
    );
    expect(libs.React).toBe('16.14.0');
    const versions = JSON.parse(
      readFileSync(require.resolve('pcf-scripts/PlatformLibraryVersions.json'), 'utf8'),
    ) as Record<string, { maxVersion: string }[]>;
    expect(versions.fluent?.map((v) => v.maxVersion)).toContain(libs.Fluent);
    expect(libs.Fluent).toMatch(/^8\./);
  });

  it('references one resx per language and the WebAPI feature', () => {
    expect(control.resources.resx.map((r) => r['@_path'])).toEqual(
      LANGUAGES.map((lcid) => `strings/PartnerCenterSync.${lcid}.resx`),
    );
    expect(control['feature-usage']['uses-feature'].map((f) => f['@_name'])).toContain('WebAPI');
  });
});

describe('resx files', () => {
  const manifestKeys = [
    control['@_display-name-key'],
    control['@_description-key'],
    ...control.property.flatMap((p) => [p['@_display-name-key'], p['@_description-key']]),
  ] as string[];
  const runtimeKeys = Object.values(StringKeys) as string[];
  const english = readResx(1033);

  it.each(LANGUAGES.map((lcid) => [lcid]))(
    '%i has every manifest and runtime key with a translator comment',
    (lcid) => {
      const resx = readResx(lcid);
      for (const key of [...manifestKeys, ...runtimeKeys]) {
        const entry = resx.get(key);
        expect({ key, value: Boolean(entry?.value.trim()), comment: Boolean(entry?.comment.trim()) }).toEqual(
          {
            key,
            value: true,
            comment: true,
          },
        );
      }
      expect([...resx.keys()].sort()).toEqual([...english.keys()].sort());
    },
  );

  it.each([[1046], [3082]])('%i keeps the placeholders of English and is really translated', (lcid) => {
    const resx = readResx(lcid);
    const placeholders = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort();
    for (const [key, { value }] of english) {
      expect({ key, placeholders: placeholders(resx.get(key)?.value ?? '') }).toEqual({
        key,
        placeholders: placeholders(value),
      });
    }
    expect(resx.get(StringKeys.Actions_SyncNow)?.value).not.toBe(
      english.get(StringKeys.Actions_SyncNow)?.value,
    );
  });

  it.each(LANGUAGES.map((lcid) => [lcid]))(
    '%i carries the sharing problem texts of Domain/messages.ts word for word',
    (lcid) => {
      const resx = readResx(lcid);
      for (const [code, texts] of Object.entries(PROBLEM_MESSAGES)) {
        const key = problemKey(code as keyof typeof PROBLEM_MESSAGES);
        expect({ key, value: resx.get(key)?.value }).toEqual({ key, value: texts[lcid] });
      }
    },
  );
});
