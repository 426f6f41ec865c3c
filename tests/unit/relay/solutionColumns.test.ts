/**
 * The upgrade plan's column changes (Relay/config/solutionColumns.ts): customizations.xml columns in
 * the Web API's vocabulary, compared with what the environment has (EntityDefinitions/Attributes).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import JSZip from 'jszip';
import { packageColumns } from '../../../Relay/config/solutionColumns';
import { readSolutionPackage, solutionChanges } from '../../../Relay/config/solutionUpgrade';
import type { SolutionPackage } from '../../../Relay/config/solutionUpgrade';
import type { ColumnDefinition } from '../../../Relay/ports';
import { FakeDataverse } from '../../testkit/fakeDataverse';
import { SOLUTION_ZIPS } from '../../testkit/paths';

const MICROSOFT_SAMPLE = path.join(SOLUTION_ZIPS, 'polymorphiclookupexamplesolution.zip');

const text = (logicalName: string, maxLength: number, requiredLevel = 'None'): ColumnDefinition => ({
  logicalName,
  typeName: 'StringType',
  requiredLevel,
  maxLength,
});
const choice = (logicalName: string, options: number[]): ColumnDefinition => ({
  logicalName,
  typeName: 'PicklistType',
  requiredLevel: 'None',
  options,
});

describe('upgrade plan: column changes', () => {
  it("reads a real export's columns in the Web API's words", async () => {
    // Microsoft's sample solution (tests/fixtures/SOURCES.md): a new table with system columns.
    const zip = await JSZip.loadAsync(readFileSync(MICROSOFT_SAMPLE));
    const tables = packageColumns(await zip.file('customizations.xml')!.async('string'));
    const audio = tables.find((t) => t.table === 'sample_audio')!;
    const column = (name: string) => audio.columns.find((c) => c.logicalName === name);
    expect(column('sample_audioformat')).toEqual(text('sample_audioformat', 20));
    expect(column('sample_name')).toEqual(text('sample_name', 100, 'ApplicationRequired'));
    expect(column('ownerid')).toEqual({
      logicalName: 'ownerid',
      typeName: 'OwnerType',
      requiredLevel: 'SystemRequired',
    });
    expect(column('statecode')).toMatchObject({ typeName: 'StateType' });
  });

  it('reads local and global choices with their option values', () => {
    const xml = `<ImportExportXml><Entities><Entity><Name>Opportunity</Name><EntityInfo><entity Name="Opportunity"><attributes>
      <attribute PhysicalName="pcs_kind"><Type>picklist</Type><LogicalName>pcs_kind</LogicalName><RequiredLevel>recommended</RequiredLevel>
        <optionset Name="opportunity_pcs_kind"><OptionSetType>picklist</OptionSetType><options>
          <option value="727100001"/><option value="727100000"/></options></optionset></attribute>
      <attribute PhysicalName="pcs_area"><Type>multiselectpicklist</Type><LogicalName>pcs_area</LogicalName><RequiredLevel>none</RequiredLevel>
        <OptionSetName>pcs_areas</OptionSetName></attribute>
      </attributes></entity></EntityInfo></Entity></Entities>
      <optionsets><optionset Name="pcs_areas"><options><option value="5"/><option value="7"/></options></optionset></optionsets>
      </ImportExportXml>`;
    expect(packageColumns(xml)).toEqual([
      {
        table: 'opportunity',
        columns: [
          { ...choice('pcs_kind', [727100000, 727100001]), requiredLevel: 'Recommended' },
          {
            logicalName: 'pcs_area',
            typeName: 'MultiSelectPicklistType',
            requiredLevel: 'None',
            options: [5, 7],
          },
        ],
      },
    ]);
  });

  it('lists the columns the new version adds, changes and drops, and leaves the others alone', async () => {
    const dataverse = new FakeDataverse();
    dataverse.columnDefinitions.set('opportunity', [
      { logicalName: 'name', typeName: 'StringType', requiredLevel: 'ApplicationRequired', maxLength: 300 },
      { logicalName: 'contoso_region', typeName: 'StringType', requiredLevel: 'None', maxLength: 50 },
      text('pcs_referralid', 100),
      text('pcs_notes', 100),
      choice('pcs_status', [1, 2, 3]),
      text('pcs_products', 2000),
      text('pcs_same', 10),
    ]);
    const incoming: SolutionPackage = {
      uniqueName: 'PartnerCenterCoSell',
      version: '1.2.0.0',
      managed: true,
      environmentVariables: [],
      forms: [],
      tables: [
        {
          table: 'opportunity',
          columns: [
            text('pcs_referralid', 100),
            text('pcs_notes', 400, 'Recommended'),
            choice('pcs_status', [1, 3, 4]),
            text('pcs_same', 10),
            text('pcs_dealregistrationid', 100),
          ],
        },
        { table: 'pcs_newtable', columns: [text('pcs_name', 100)] },
      ],
    };

    const plan = await solutionChanges(dataverse, incoming);

    expect(plan.filter((i) => i.component === 'column' || i.component === 'table')).toEqual([
      {
        component: 'column',
        name: 'opportunity.pcs_notes',
        action: 'update',
        detail: 'max length 100 → 400; required level None → Recommended',
      },
      {
        component: 'column',
        name: 'opportunity.pcs_status',
        action: 'update',
        detail: 'options added 4; options removed 2',
      },
      {
        component: 'column',
        name: 'opportunity.pcs_dealregistrationid',
        action: 'create',
        detail: 'StringType, max length 100',
      },
      {
        component: 'column',
        name: 'opportunity.pcs_products',
        action: 'delete',
        detail: 'not in the new version: the upgrade deletes the column and its data',
      },
      { component: 'table', name: 'pcs_newtable', action: 'create', detail: '1 columns' },
    ]);
  });

  it('reads the tables of a package zip', async () => {
    const zip = readFileSync(MICROSOFT_SAMPLE);
    const pkg = await readSolutionPackage(zip);
    expect(pkg.tables.map((t) => t.table)).toContain('sample_audio');
  });
});
