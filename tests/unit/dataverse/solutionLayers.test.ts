/**
 * The Dataverse simulator's solution layers (DevStack/simulators/dataverse/solutionLayers.ts): a
 * customizer's change to a managed form is an unmanaged layer on top, kept by a managed import unless
 * it overwrites customizations; upgrades are staged as a holding solution and promoted.
 */
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import { setFieldMapInFormXml } from '../../../Domain/formXmlControls';
import { createDataverseClient, staticTokenProvider } from '../../../Relay/dataverse';
import type { DataverseClient } from '../../../Relay/dataverse';
import { findManagedZip } from '../../../DevStack/sandbox/stack';
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { closeAfterAll } from '../../testkit/cleanup';
import { tokenFor } from './support';

const CUSTOM_MAP = '{"version":1,"entries":[]}';

async function zipWith(version: string, managed = true): Promise<string> {
  const archive = await JSZip.loadAsync(readFileSync(findManagedZip()));
  const xml = await archive.file('solution.xml')!.async('string');
  archive.file(
    'solution.xml',
    xml
      .replace(/<Version>[^<]*<\/Version>/, `<Version>${version}</Version>`)
      .replace(/<Managed>[^<]*<\/Managed>/, `<Managed>${managed ? 1 : 0}</Managed>`),
  );
  return (await archive.generateAsync({ type: 'nodebuffer' })).toString('base64');
}

describe('Dataverse simulator: solution layers and staged upgrades', () => {
  let client: DataverseClient;
  const importZip = async (version: string, extra: Record<string, unknown> = {}, managed = true) =>
    client.executeAction('ImportSolution', { CustomizationFile: await zipWith(version, managed), ...extra });
  const form = async () => (await client.getSystemForms('opportunity'))[0]!;
  const customize = async () => {
    const current = await form();
    const formxml = setFieldMapInFormXml(current.formxml, CUSTOM_MAP);
    await client.update('systemforms', current.formid, { formxml });
    return formxml;
  };
  const solutions = async () =>
    (await client.retrieveMultiple('solutions', { select: ['uniquename', 'version'] }))
      .map((s) => `${String(s.uniquename)} ${String(s.version)}`)
      .sort();

  beforeAll(async () => {
    const simulator = await startDataverseSimulator({ port: 0 });
    closeAfterAll(() => simulator.close());
    client = createDataverseClient({
      environmentUrl: simulator.url,
      tokens: staticTokenProvider(
        tokenFor('a11ce000-0000-4000-8000-0000000000ad', { appid: 'admin', idtyp: 'app' }),
      ),
      http: { sleep: async () => undefined, retry: { maxRetries: 0 } },
    });
    await importZip('1.0.0.0');
  });

  it('keeps the unmanaged layer of a form through a managed import, unless it overwrites customizations', async () => {
    const customized = await customize();
    await importZip('1.0.0.1', { OverwriteUnmanagedCustomizations: false });
    expect((await form()).formxml).toBe(customized);

    await importZip('1.0.0.2', { OverwriteUnmanagedCustomizations: true });
    expect((await form()).formxml).not.toBe(customized);
    expect((await form()).formxml).not.toContain(CUSTOM_MAP.replace(/"/g, '&quot;'));
  });

  it('stages an upgrade as a holding solution and promotes it', async () => {
    const customized = await customize();
    await importZip('1.1.0.0', { HoldingSolution: true });
    expect(await solutions()).toEqual(['PartnerCenterCoSell 1.0.0.2', 'PartnerCenterCoSell_Upgrade 1.1.0.0']);
    await expect(importZip('1.2.0.0', { HoldingSolution: true })).rejects.toThrow(/already staged/);

    await client.executeAction('DeleteAndPromote', { UniqueName: 'PartnerCenterCoSell' });
    expect(await solutions()).toEqual(['PartnerCenterCoSell 1.1.0.0']);
    expect((await form()).formxml).toBe(customized);
    await expect(
      client.executeAction('DeleteAndPromote', { UniqueName: 'PartnerCenterCoSell' }),
    ).rejects.toThrow(/No holding solution/);
  });

  it('refuses an unmanaged package over the managed solution', async () => {
    await expect(importZip('2.0.0.0', {}, false)).rejects.toThrow(/installed as a managed solution/);
    expect(await solutions()).toEqual(['PartnerCenterCoSell 1.1.0.0']);
  });
});
