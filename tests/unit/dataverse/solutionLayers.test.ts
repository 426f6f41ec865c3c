/**
 * The Dataverse simulator's solution layers (DevStack/simulators/dataverse/solutionLayers.ts): a
 * customizer's change to a managed form is an unmanaged layer on top, kept by a managed import unless
 * it overwrites customizations; upgrades are staged as a holding solution and promoted, and promotion
 * deletes what the new version no longer contains.
 */
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import { setFieldMapInFormXml } from '../../../Domain/formXmlControls';
import { createDataverseClient, staticTokenProvider } from '../../../Relay/dataverse';
import type { DataverseClient } from '../../../Relay/dataverse';
import { findManagedZip } from '../../../DevStack/sandbox/stack';
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { closeAfterAll } from '../../testkit/cleanup';
import { managedSolutionVersion } from '../../testkit/solutionVersions';
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

/** A customizer's edit of the field map on the shipped form (the unmanaged layer); its FormXml. */
async function customizeForm(client: DataverseClient): Promise<string> {
  const [current] = await client.getSystemForms('opportunity');
  const formxml = setFieldMapInFormXml(current!.formxml, CUSTOM_MAP);
  await client.update('systemforms', current!.formid, { formxml });
  return formxml;
}

describe('Dataverse simulator: solution layers and staged upgrades', () => {
  let client: DataverseClient;
  const importZip = async (version: string, extra: Record<string, unknown> = {}, managed = true) =>
    client.executeAction('ImportSolution', { CustomizationFile: await zipWith(version, managed), ...extra });
  const form = async () => (await client.getSystemForms('opportunity'))[0]!;
  const customize = () => customizeForm(client);
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

describe('Dataverse simulator: DeleteAndPromote deletes what the new version dropped', () => {
  let client: DataverseClient;
  const DROPPED = 'pcs_products';
  const ADDED = 'pcs_microsoftselleralias';
  const importVersion = async (zip: Buffer, extra: Record<string, unknown> = {}) =>
    client.executeAction('ImportSolution', { CustomizationFile: zip.toString('base64'), ...extra });
  const columns = async () =>
    ((await client.getColumnDefinitions('opportunity')) ?? []).map((c) => c.logicalName);

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
    await importVersion(await managedSolutionVersion({ version: '1.1.0.0' }));
  });

  it('keeps a dropped column through the staging, refuses while a form binds it, then deletes it with its values and keeps the form customization', async () => {
    const id = await client.create('opportunities', { name: 'Contoso', [DROPPED]: 'Azure' });
    const customized = await customizeForm(client);
    const next = await managedSolutionVersion({
      version: '1.2.0.0',
      entity: 'Opportunity',
      dropColumns: [DROPPED],
      addColumns: [{ logicalName: ADDED, copyOf: 'pcs_microsoftsellername' }],
    });

    await importVersion(next, { HoldingSolution: true });
    expect(await columns()).toEqual(expect.arrayContaining([DROPPED, ADDED]));

    // While a form that stays binds the dropped column, Dataverse cannot delete it.
    const formId = (await client.getSystemForms('opportunity'))[0]!.formid;
    const bound = customized.replace(
      '<control ',
      `<control id="${DROPPED}" classid="{E0DECE4B-6FC8-4a8f-A065-082708572369}" datafieldname="${DROPPED}"/><control `,
    );
    await client.update('systemforms', formId, { formxml: bound });
    await expect(
      client.executeAction('DeleteAndPromote', { UniqueName: 'PartnerCenterCoSell' }),
    ).rejects.toThrow(/cannot be deleted because it is referenced/);
    expect(await columns()).toContain(DROPPED);
    await client.update('systemforms', formId, { formxml: customized });

    await client.executeAction('DeleteAndPromote', { UniqueName: 'PartnerCenterCoSell' });
    expect(await columns()).toContain(ADDED);
    expect(await columns()).not.toContain(DROPPED);
    expect(await client.retrieve('opportunities', id)).not.toHaveProperty(DROPPED);
    await expect(client.retrieve('opportunities', id, { select: [DROPPED] })).rejects.toThrow(DROPPED);
    expect((await client.getSystemForms('opportunity'))[0]!.formxml).toBe(customized);
  });

  it('deletes nothing on an update without a holding solution', async () => {
    // 1.3.0.0 lacks the column 1.2.0.0 added.
    await importVersion(
      await managedSolutionVersion({ version: '1.3.0.0', entity: 'Opportunity', dropColumns: [DROPPED] }),
    );
    expect(await columns()).toContain(ADDED);
  });
});
