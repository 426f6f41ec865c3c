import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { baseSchema } from '../../../DevStack/simulators/dataverse/baseSchema';
import { MetadataStore } from '../../../DevStack/simulators/dataverse/metadata';
import {
  parseSolutionZip,
  SolutionImportError,
  validateSolution,
} from '../../../DevStack/simulators/dataverse/solutionImport';
import { SOLUTION_ZIPS } from '../../testkit/paths';

const read = (name: string) => fs.readFileSync(path.join(SOLUTION_ZIPS, name));

/** A small zip around a real customizations.xml, with one edit applied. */
async function polymorphicWith(edit: (customizations: string) => string): Promise<Uint8Array> {
  const source = await JSZip.loadAsync(read('polymorphiclookupexamplesolution.zip'));
  const zip = new JSZip();
  zip.file('solution.xml', await source.file('solution.xml')!.async('string'));
  zip.file('customizations.xml', edit(await source.file('customizations.xml')!.async('string')));
  return zip.generateAsync({ type: 'uint8array' });
}

describe('solution import (real Microsoft exports)', () => {
  it('reads full custom tables, columns, navigation names and forms of the polymorphic-lookup sample', async () => {
    const parsed = await parseSolutionZip(read('polymorphiclookupexamplesolution.zip'));
    expect(parsed.uniqueName).toBe('polymorphiclookupexamplesolution');
    expect(parsed.managed).toBe(true);
    const book = parsed.tables.find((t) => t.logicalName === 'sample_book')!;
    expect(book).toMatchObject({
      entitySetName: 'sample_books',
      primaryIdAttribute: 'sample_bookid',
      primaryNameAttribute: 'sample_name',
      shell: false,
    });
    expect(book.attributes.statuscode!.options).toEqual([
      { value: 1, label: 'Active', state: 0 },
      { value: 2, label: 'Inactive', state: 1 },
    ]);
    const relationship = parsed.relationships.find((r) => r.schemaName === 'sample_media_sample_book')!;
    expect(relationship).toEqual({
      schemaName: 'sample_media_sample_book',
      referencingEntity: 'sample_media',
      referencedEntity: 'sample_book',
      referencingAttribute: 'sample_mediapolymorphiclookup',
      referencingNavigation: 'sample_MediaPolymorphicLookup_sample_book',
      referencedNavigation: 'sample_media_sample_book',
      isCustom: true,
    });
    const mainForms = parsed.forms.filter((f) => f.entity === 'sample_book' && f.type === 2);
    expect(mainForms).toHaveLength(1);
    expect(mainForms[0]!.formxml.startsWith('<form>')).toBe(true);
    expect(mainForms[0]!.boundColumns).toEqual(expect.arrayContaining(['sample_name', 'ownerid']));
    expect(validateSolution(parsed, new MetadataStore(baseSchema())).length).toBeGreaterThan(0);
  });

  it('reads an environment variable and its shipped value (Contoso sample)', async () => {
    const parsed = await parseSolutionZip(read('Contoso_sample_1_0_0_1_managed.zip'));
    expect(parsed.environmentVariables).toEqual([
      {
        schemaname: 'new_ContosoURL',
        displayname: 'Contoso URL',
        description: 'Contains the internet address of Contoso, Inc.',
        type: 100000000,
        defaultvalue: null,
        isrequired: false,
        value: 'https://contoso.com',
      },
    ]);
    // An account shell without columns is accepted.
    expect(parsed.tables).toEqual([expect.objectContaining({ logicalName: 'account', shell: true })]);
  });

  it('fails like an import when a form binds a column that does not exist', async () => {
    const zip = await polymorphicWith((xml) =>
      xml.replace('datafieldname="sample_name"', 'datafieldname="sample_nosuchcolumn"'),
    );
    const parsed = await parseSolutionZip(zip);
    expect(() => validateSolution(parsed, new MetadataStore(baseSchema()))).toThrow(
      /references attribute sample_nosuchcolumn, which does not exist on sample_/,
    );
  });

  it('fails on malformed XML', async () => {
    const zip = await polymorphicWith((xml) => xml.replace('</Entities>', '</Entitie>'));
    await expect(parseSolutionZip(zip)).rejects.toThrow(SolutionImportError);
    await expect(parseSolutionZip(zip)).rejects.toThrow(/customizations\.xml is not well-formed XML/);
  });

  it('fails when the zip lacks customizations.xml, or is not a zip', async () => {
    const zip = new JSZip();
    zip.file('solution.xml', '<ImportExportXml/>');
    await expect(parseSolutionZip(await zip.generateAsync({ type: 'uint8array' }))).rejects.toThrow(
      /customizations\.xml are required/,
    );
    await expect(parseSolutionZip(Buffer.from('not a zip'))).rejects.toThrow(/not a valid zip/);
  });
});
