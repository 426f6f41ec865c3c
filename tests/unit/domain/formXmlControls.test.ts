/**
 * The FormXml custom-control reader and editor on real FormXml: the opportunity form we ship (the
 * unpacked SolutionPackager file, BOM and declaration included) and the Web API's `formxml` column
 * shape (a bare `<form>`), as the relay reads it and the form editor writes it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  OpportunityColumns,
  OpportunityForm,
  PcfBindings,
  PcfControl,
  PcfProperties,
} from '../../../Domain/constants';
import { DEFAULT_FIELD_MAP, parseFieldMap } from '../../../Domain/fieldMap';
import {
  fieldMapsInFormXml,
  readCustomControls,
  setCustomControlParameter,
  setFieldMapInFormXml,
} from '../../../Domain/formXmlControls';
import { REPO_ROOT } from '../../testkit/paths';

const shippedForm = readFileSync(
  path.join(REPO_ROOT, `Solution/Entities/Opportunity/FormXml/main/{${OpportunityForm.id}}.xml`),
  'utf8',
);

/** The `<form>` element alone, as `systemforms.formxml` holds it (the same text the file carries). */
const webApiFormXml = shippedForm.slice(shippedForm.indexOf('<form '), shippedForm.indexOf('</form>') + 7);

const ourControls = (formXml: string) =>
  readCustomControls(formXml).filter((control) => control.name === PcfControl.fullName);

/** Lines of the document from the root element on (the builder joins the declaration and the root). */
const bodyLines = (formXml: string) => formXml.slice(formXml.indexOf('<forms')).split('\n');

describe('readCustomControls', () => {
  it('reads the classic fallback entry and our control for every form factor of the shipped form', () => {
    const controls = readCustomControls(shippedForm);
    expect(controls.map((control) => [control.name, control.formFactor])).toEqual([
      [undefined, undefined],
      [PcfControl.fullName, 0],
      [PcfControl.fullName, 2],
      [PcfControl.fullName, 1],
    ]);
    expect(new Set(controls.map((control) => control.forControl)).size).toBe(1);
    expect(controls[0]?.classId).toBe('{67FAC785-CD58-4F9F-ABB3-4B7DDC6ED5ED}');
    expect(controls[0]?.parameters.datafieldname?.value).toBe(OpportunityColumns.syncWithPartnerCenter);
  });

  it('reads bound parameters as column names and the static field map as the default map', () => {
    const [web] = ourControls(shippedForm);
    const bound = Object.fromEntries(
      Object.entries(web!.parameters)
        .filter(([, parameter]) => !parameter.static)
        .map(([name, parameter]) => [name, parameter.value]),
    );
    expect(bound).toEqual(PcfBindings);
    expect(web!.parameters[PcfProperties.syncEnabled]?.type).toBe('TwoOptions');
    const fieldMap = web!.parameters[PcfProperties.fieldMap];
    expect(fieldMap).toMatchObject({ static: true, type: 'Multiple' });
    // Entities (`&quot;`) are decoded: the text is the JSON the customizer typed.
    expect(JSON.parse(fieldMap!.value)).toEqual(DEFAULT_FIELD_MAP);
  });

  it('reads the Web API shape (a bare <form>) the same way as the solution file', () => {
    expect(readCustomControls(webApiFormXml)).toEqual(readCustomControls(shippedForm));
  });

  it('finds no controls on a form without controlDescriptions', () => {
    expect(readCustomControls('<form><tabs/></form>')).toEqual([]);
    expect(fieldMapsInFormXml('<form><tabs/></form>')).toEqual([]);
  });
});

describe('fieldMapsInFormXml', () => {
  it('gives the field map of our control once per form factor', () => {
    const texts = fieldMapsInFormXml(shippedForm);
    expect(texts).toHaveLength(3);
    for (const text of texts) expect(parseFieldMap(text)).toEqual({ ok: true, map: DEFAULT_FIELD_MAP });
  });
});

describe('setFieldMapInFormXml (what a customizer does in the form editor)', () => {
  const custom = JSON.stringify({
    version: 1,
    entries: [{ referral: 'name', table: 'opportunity', column: 'name', direction: 'both', note: '<&> "q"' }],
  });

  it('writes the map into every form factor; reading it back gives the same text', () => {
    const edited = setFieldMapInFormXml(shippedForm, custom);
    expect(fieldMapsInFormXml(edited)).toEqual([custom, custom, custom]);
  });

  it('changes only the fieldMap elements and keeps the byte order mark', () => {
    const edited = setFieldMapInFormXml(shippedForm, custom);
    expect(edited.startsWith('\uFEFF<?xml')).toBe(true);
    const before = bodyLines(shippedForm);
    const after = bodyLines(edited);
    expect(after).toHaveLength(before.length);
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [line.trim().slice(0, 10)]));
    expect(changed).toEqual(['<fieldMap ', '<fieldMap ', '<fieldMap ']);
  });

  it('edits the Web API shape and leaves it a bare <form>', () => {
    const edited = setFieldMapInFormXml(webApiFormXml, custom);
    expect(edited.startsWith('<form ')).toBe(true);
    expect(fieldMapsInFormXml(edited)).toEqual([custom, custom, custom]);
  });

  it('writes an empty map as an empty element (the control then uses the default map)', () => {
    const edited = setFieldMapInFormXml(webApiFormXml, '');
    expect(fieldMapsInFormXml(edited)).toEqual(['', '', '']);
    expect(ourControls(edited)[0]?.parameters[PcfProperties.fieldMap]).toEqual({
      value: '',
      static: true,
      type: 'Multiple',
    });
  });
});

describe('setCustomControlParameter', () => {
  const bare = (parameters: string) =>
    `<form><tabs/><controlDescriptions><controlDescription forControl="{A}">` +
    `<customControl id="{67FAC785-CD58-4F9F-ABB3-4B7DDC6ED5ED}"><parameters><datafieldname>x</datafieldname></parameters></customControl>` +
    `<customControl formFactor="0" name="${PcfControl.fullName}">${parameters}</customControl>` +
    `</controlDescription></controlDescriptions></form>`;

  it('adds the parameter, static, when the control does not have it yet', () => {
    const edited = setCustomControlParameter(bare('<parameters/>'), {
      controlName: PcfControl.fullName,
      parameter: PcfProperties.relayUrl,
      value: 'https://relay.contoso.com',
      type: 'SingleLine.Text',
    });
    expect(ourControls(edited)[0]?.parameters[PcfProperties.relayUrl]).toEqual({
      value: 'https://relay.contoso.com',
      static: true,
      type: 'SingleLine.Text',
    });
    // The classic fallback entry is another control: untouched.
    expect(readCustomControls(edited)[0]?.parameters).toEqual({
      datafieldname: { value: 'x', static: false },
    });
  });

  it('adds a <parameters> element when the control has none', () => {
    const edited = setFieldMapInFormXml(bare(''), '{}');
    expect(fieldMapsInFormXml(edited)).toEqual(['{}']);
  });

  it('refuses a form without the control', () => {
    expect(() =>
      setCustomControlParameter(shippedForm, { controlName: 'x_Other.Control', parameter: 'a', value: '' }),
    ).toThrow('FormXml has no custom control named x_Other.Control');
  });
});
