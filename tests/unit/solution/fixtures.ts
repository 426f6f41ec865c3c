/**
 * Stand-ins for the other build steps' outputs (built PCF control, form script), written to a temp dir
 * so the packer tests do not depend on `npm run build:pcf` / `build:webresources`. The manifest has the
 * shape of a pcf-scripts build (`<manifest><control …><property …/>…<resources><code path="bundle.js"/>`).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcfControl, PcfProperties } from '../../../Domain/constants';
import { el, serialize } from '../../../Build/solution/xml';

/** of-type per property, as the control's ControlManifest.Input.xml is expected to declare them. */
export const FIXTURE_PROPERTY_TYPES: Record<string, [string, 'bound' | 'input']> = {
  [PcfProperties.syncEnabled]: ['TwoOptions', 'bound'],
  [PcfProperties.referralId]: ['SingleLine.Text', 'bound'],
  [PcfProperties.referralLink]: ['SingleLine.URL', 'bound'],
  [PcfProperties.syncStatus]: ['OptionSet', 'bound'],
  [PcfProperties.lastSyncedOn]: ['DateAndTime.DateAndTime', 'bound'],
  [PcfProperties.microsoftCrmId]: ['SingleLine.Text', 'bound'],
  [PcfProperties.referralStatus]: ['OptionSet', 'bound'],
  [PcfProperties.referralSubstatus]: ['OptionSet', 'bound'],
  [PcfProperties.audit]: ['Multiple', 'bound'],
  [PcfProperties.fieldMap]: ['Multiple', 'input'],
  [PcfProperties.relayUrl]: ['SingleLine.Text', 'input'],
};

export function fixtureManifest(
  namespace: string = PcfControl.namespace,
  ctor: string = PcfControl.constructorName,
): string {
  return serialize(
    el('manifest', [
      el(
        'control',
        {
          namespace,
          constructor: ctor,
          version: '1.0.0',
          'display-name-key': 'x',
          'control-type': 'virtual',
        },
        [
          ...Object.entries(FIXTURE_PROPERTY_TYPES).map(([name, [ofType, usage]]) =>
            el('property', { name, 'display-name-key': name, 'of-type': ofType, usage }),
          ),
          el('resources', [el('code', { path: 'bundle.js', order: 1 })]),
        ],
      ),
    ]),
    { declaration: true },
  );
}

export interface FixtureDirs {
  root: string;
  controlDir: string;
  webResourcesDir: string;
}

export function writeBuildFixtures(manifest = fixtureManifest()): FixtureDirs {
  const root = mkdtempSync(join(tmpdir(), 'pcs-solution-'));
  const controlDir = join(root, 'controls', PcfControl.constructorName);
  const webResourcesDir = join(root, 'webresources');
  mkdirSync(join(controlDir, 'strings'), { recursive: true });
  mkdirSync(webResourcesDir, { recursive: true });
  writeFileSync(join(controlDir, 'ControlManifest.xml'), manifest);
  writeFileSync(join(controlDir, 'bundle.js'), 'var pcs_PartnerCoSell = {};\n');
  writeFileSync(join(controlDir, 'strings', `${PcfControl.constructorName}.1033.resx`), '<root/>');
  writeFileSync(join(webResourcesDir, 'opportunityform.js'), '"use strict";\n');
  writeFileSync(join(webResourcesDir, 'relayauth.js'), 'var PartnerCoSell=PartnerCoSell||{};\n');
  return { root, controlDir, webResourcesDir };
}
