/**
 * Safe upgrades by `cosell setup`, on the Dataverse simulator (which keeps a customizer's unmanaged
 * layer over our managed form unless an import overwrites customizations): a customizer's field-map
 * edit on the shipped form survives setup with a newer zip, the upgrade is staged and promoted, the
 * plan says what changes, and an older zip is refused. A later version that drops one column and
 * adds another (packed from the same Solution/) is planned and applied column by column.
 */
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import { RegistrationColumns, RegistrationEntitySets } from '../../../Domain/constants';
import { DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import { fieldMapsInFormXml, setFieldMapInFormXml } from '../../../Domain/formXmlControls';
import { createDataverseClient, staticTokenProvider } from '../../../Relay/dataverse';
import type { DataverseClient } from '../../../Relay/dataverse';
import { runSetup } from '../../../Relay/config/setup';
import type { PlanItem } from '../../../Relay/config/setup';
import { findManagedZip } from '../../../DevStack/sandbox/stack';
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { FakePartnerCenter } from '../../testkit/fakePartnerCenter';
import { closeAfterAll } from '../../testkit/cleanup';
import { managedSolutionVersion } from '../../testkit/solutionVersions';
import { tokenFor } from '../../unit/dataverse/support';

const ADMIN_APP = 'a11ce000-0000-4000-8000-0000000000ad';
const SHIPPED_FORM = 'opportunity';

/** The shipped zip with another version in solution.xml. */
async function withVersion(zip: Buffer, version: string): Promise<Buffer> {
  const archive = await JSZip.loadAsync(zip);
  const xml = await archive.file('solution.xml')!.async('string');
  archive.file('solution.xml', xml.replace(/<Version>[^<]*<\/Version>/, `<Version>${version}</Version>`));
  return archive.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** `cosell setup` with a solution zip against `admin`; returns the plan it reported. */
async function setupWith(admin: DataverseClient, zip: Buffer, dryRun = false): Promise<PlanItem[]> {
  const plan: PlanItem[] = [];
  await runSetup({
    dataverse: admin,
    partnerCenter: new FakePartnerCenter(),
    relayUrl: 'https://cosell.contoso.com',
    webhookKey: 'k'.repeat(40),
    solutionZip: zip,
    fieldMap: DEFAULT_FIELD_MAP,
    dryRun,
    testEvent: false,
    report: (item) => plan.push(item),
  });
  return plan;
}

const solutionVersions = async (admin: DataverseClient) =>
  (
    await admin.retrieveMultiple(RegistrationEntitySets.solutions, {
      select: [RegistrationColumns.solution.uniqueName, RegistrationColumns.solution.version],
    })
  ).map((s) => `${String(s.uniquename)} ${String(s.version)}`);

async function startAdminClient(): Promise<DataverseClient> {
  const simulator = await startDataverseSimulator({ port: 0 });
  closeAfterAll(() => simulator.close());
  return createDataverseClient({
    environmentUrl: simulator.url,
    tokens: staticTokenProvider(tokenFor(ADMIN_APP, { appid: 'cosell-setup', idtyp: 'app' })),
    http: { sleep: async () => undefined },
  });
}

describe('cosell setup upgrades the solution safely', () => {
  let admin: DataverseClient;
  let shipped: Buffer;
  const actions: Array<{ name: string; parameters: Record<string, unknown> }> = [];

  const setup = (zip: Buffer, dryRun = false) => setupWith(admin, zip, dryRun);
  const shippedForm = async () => (await admin.getSystemForms(SHIPPED_FORM))[0]!;
  const solutions = () =>
    admin.retrieveMultiple(RegistrationEntitySets.solutions, {
      select: [RegistrationColumns.solution.uniqueName, RegistrationColumns.solution.version],
    });

  beforeAll(async () => {
    admin = await startAdminClient();
    const executeAction = admin.executeAction.bind(admin);
    admin.executeAction = (name, parameters) => {
      actions.push({ name, parameters });
      return executeAction(name, parameters);
    };
    shipped = readFileSync(findManagedZip());
    await setup(await withVersion(shipped, '1.0.0.0'));
  });

  it("keeps a customizer's field-map edit on the shipped form through an upgrade", async () => {
    const customMap = JSON.stringify({
      ...DEFAULT_FIELD_MAP,
      entries: DEFAULT_FIELD_MAP.entries.slice(0, 3),
    });
    const form = await shippedForm();
    await admin.update('systemforms', form.formid, {
      formxml: setFieldMapInFormXml(form.formxml, customMap),
    });
    actions.length = 0;

    const plan = await setup(await withVersion(shipped, '1.0.1.0'));

    expect(plan[0]).toMatchObject({ component: 'solution', action: 'update', detail: 'installed 1.0.0.0' });
    expect(plan).toContainEqual(
      expect.objectContaining({ component: 'form', action: 'update', detail: expect.stringMatching(/kept/) }),
    );
    const imports = actions.filter((a) => a.name === 'ImportSolution' || a.name === 'DeleteAndPromote');
    expect(imports.map((a) => a.name)).toEqual(['ImportSolution', 'DeleteAndPromote']);
    expect(imports[0]!.parameters).toMatchObject({
      OverwriteUnmanagedCustomizations: false,
      HoldingSolution: true,
    });
    expect([...new Set(fieldMapsInFormXml((await shippedForm()).formxml))]).toEqual([customMap]);
    expect(await solutions()).toEqual([
      expect.objectContaining({ uniquename: 'PartnerCenterCoSell', version: '1.0.1.0' }),
    ]);
  });

  it('changes nothing when that version is installed, and plans without importing in a dry run', async () => {
    actions.length = 0;
    expect((await setup(await withVersion(shipped, '1.0.1.0')))[0]).toMatchObject({ action: 'unchanged' });
    const plan = await setup(await withVersion(shipped, '1.1.0.0'), true);
    expect(plan[0]).toMatchObject({ action: 'update', detail: 'installed 1.0.1.0' });
    expect(plan.filter((i) => i.component === 'form').length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.name === 'ImportSolution')).toEqual([]);
  });

  it('refuses to downgrade', async () => {
    actions.length = 0;
    await expect(setup(await withVersion(shipped, '1.0.0.5'))).rejects.toThrow(
      /Refusing to downgrade PartnerCenterCoSell from 1\.0\.1\.0 to 1\.0\.0\.5/,
    );
    expect(actions).toEqual([]);
    expect(await solutions()).toEqual([expect.objectContaining({ version: '1.0.1.0' })]);
  });
});

describe('cosell setup upgrades to a version with one column added, one dropped and one longer', () => {
  const DROPPED = 'pcs_products';
  const ADDED = 'pcs_microsoftselleralias';
  const LONGER = 'pcs_referralid';
  let admin: DataverseClient;
  const opportunityColumns = async () =>
    ((await admin.getColumnDefinitions('opportunity')) ?? []).map((c) => c.logicalName);

  beforeAll(async () => {
    admin = await startAdminClient();
    await setupWith(admin, await managedSolutionVersion({ version: '1.1.0.0' }));
  });

  it("plans both columns, deletes the dropped one and keeps the customizer's field-map edit", async () => {
    const customMap = JSON.stringify({
      ...DEFAULT_FIELD_MAP,
      entries: DEFAULT_FIELD_MAP.entries.slice(0, 2),
    });
    const [form] = await admin.getSystemForms(SHIPPED_FORM);
    await admin.update('systemforms', form!.formid, {
      formxml: setFieldMapInFormXml(form!.formxml, customMap),
    });
    const next = await managedSolutionVersion({
      version: '1.2.0.0',
      entity: 'Opportunity',
      dropColumns: [DROPPED],
      addColumns: [{ logicalName: ADDED, copyOf: 'pcs_microsoftsellername' }],
      maxLengths: { [LONGER]: 200 },
    });

    const dryRun = await setupWith(admin, next, true);
    const columnItems = dryRun.filter((i) => i.component === 'column');
    expect(columnItems).toEqual([
      expect.objectContaining({
        name: `opportunity.${LONGER}`,
        action: 'update',
        detail: 'max length 100 → 200',
      }),
      expect.objectContaining({ name: `opportunity.${ADDED}`, action: 'create' }),
      expect.objectContaining({ name: `opportunity.${DROPPED}`, action: 'delete' }),
    ]);
    expect(await opportunityColumns()).toContain(DROPPED);

    // The customizer also put the dropped column on the form: it cannot be deleted, the upgrade stops
    // staged, and once the column is off the form the next run promotes the staged version.
    const withDropped = setFieldMapInFormXml(form!.formxml, customMap).replace(
      '<control ',
      `<control id="${DROPPED}" classid="{E0DECE4B-6FC8-4a8f-A065-082708572369}" datafieldname="${DROPPED}"/><control `,
    );
    await admin.update('systemforms', form!.formid, { formxml: withDropped });
    await expect(setupWith(admin, next)).rejects.toThrow(/cannot be deleted because it is referenced/);
    expect(await opportunityColumns()).toContain(DROPPED);
    expect((await solutionVersions(admin)).sort()).toEqual([
      'PartnerCenterCoSell 1.1.0.0',
      'PartnerCenterCoSell_Upgrade 1.2.0.0',
    ]);
    await admin.update('systemforms', form!.formid, {
      formxml: setFieldMapInFormXml(form!.formxml, customMap),
    });

    // The staging brought the new and changed columns already: what is left to do is the deletion.
    const plan = await setupWith(admin, next);
    expect(plan.filter((i) => i.component === 'column')).toEqual([columnItems[2]]);
    expect(await opportunityColumns()).toContain(ADDED);
    expect(await opportunityColumns()).not.toContain(DROPPED);
    const longer = (await admin.getColumnDefinitions('opportunity'))!.find((c) => c.logicalName === LONGER);
    expect(longer).toMatchObject({ maxLength: 200 });
    const [after] = await admin.getSystemForms(SHIPPED_FORM);
    expect([...new Set(fieldMapsInFormXml(after!.formxml))]).toEqual([customMap]);
    expect(await solutionVersions(admin)).toEqual(['PartnerCenterCoSell 1.2.0.0']);
  });
});
