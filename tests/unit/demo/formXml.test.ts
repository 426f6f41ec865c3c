import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { OpportunityForm, PcfControl, PcfProperties } from '../../../Domain/constants';
import {
  allControls,
  customControlFor,
  parseFormXml,
  pickLabel,
  splitHandlerParameters,
} from '../../../DevStack/demo/client/model/formXml';
import { setCustomControlParameter } from '../../../Domain/formXmlControls';
import { REPO_ROOT, UNPACKED_SOLUTIONS } from '../../testkit/paths';

const yarsolForm = path.join(
  UNPACKED_SOLUTIONS,
  'YarSol-deploytest/Entities/Opportunity/FormXml/main/{c86eb599-05d2-ed11-a7c7-000d3aaae503}.xml',
);
const yarsol = readFileSync(yarsolForm, 'utf8');

describe('parseFormXml on the real YarSol opportunity form', () => {
  const model = parseFormXml(yarsol);

  it('reads the form id, localized name, tabs with labels and visibility', () => {
    expect(model.formId).toBe('c86eb599-05d2-ed11-a7c7-000d3aaae503');
    expect(model.names[1033]).toBe('ISOQAR Opportunity');
    expect(model.tabs.map((tab) => [tab.name, tab.labels[1033], tab.visible])).toEqual([
      ['Summary', 'Summary', true],
      ['Product_Line_Items', 'Products', true],
      ['tab_3', 'Admin', false],
    ]);
    expect(model.tabs[0]?.columns).toHaveLength(3);
  });

  it('reads cells with per-language labels and the bound column', () => {
    const first = model.tabs[0]?.columns[0]?.[0];
    expect(first?.name).toBe('opportunity_information');
    expect(first?.showLabel).toBe(false);
    const topic = first?.rows[0]?.[0];
    expect(topic?.labels).toEqual({ 1033: 'Topic', 1036: 'Rubrique' });
    expect(topic?.control).toMatchObject({
      id: 'name',
      dataFieldName: 'name',
      classId: '4273edbd-ac1d-40d3-9fb2-095c621b552d',
    });
    expect(pickLabel(topic!.labels, 1036)).toBe('Rubrique');
    expect(pickLabel(topic!.labels, 1046)).toBe('Topic');
  });

  it('reads subgrids with their target table and relationship', () => {
    const referrals = allControls(model).find((control) => control.id === 'ConsultantReferrals');
    expect(referrals?.subgrid?.targetEntityType).toBeTruthy();
    expect(referrals?.subgrid?.relationshipName).toBeTruthy();
    const products = allControls(model).find((control) => control.id === 'opportunityproductsGrid');
    expect(products?.uniqueId).toBe('393b71b2-4997-7135-242b-b0ac80dd1194');
  });

  it('reads controlDescriptions: custom controls per form factor with static and bound parameters', () => {
    const checkboxes = model.controlDescriptions['1d4421fe-5344-4369-932c-258b795a9394'];
    expect(checkboxes?.map((custom) => [custom.name, custom.formFactor])).toEqual([
      [undefined, undefined],
      ['mctools_MscrmTools.NNCheckboxes', 0],
      ['mctools_MscrmTools.NNCheckboxes', 2],
      ['mctools_MscrmTools.NNCheckboxes', 1],
    ]);
    expect(checkboxes?.[1]?.parameters.columnsNumber).toEqual({
      value: '8',
      static: true,
      type: 'Whole.None',
    });
    const control = allControls(model).find((candidate) => candidate.id === 'SG_EACSelector');
    expect(customControlFor(model, control!)?.formFactor).toBe(0);
  });

  it('reads libraries and customizer events, not the internal handlers', () => {
    expect(model.libraries).toContain('safe_isoqar_opportunity.js');
    const onload = model.events.find((event) => event.name === 'onload');
    expect(
      onload?.handlers.map((handler) => [
        handler.functionName,
        handler.enabled,
        handler.passExecutionContext,
      ]),
    ).toEqual([
      ['LinkedInIntegration.LinkedInIntegrationCommon.Instance.Form_OnLoad', false, false],
      ['Sales.DocumentsTabController.shouldShowDocumentsTab', true, true],
      ['Safe.Opportunity.Isoqar.onLoad', true, true],
    ]);
    const currency = model.events.find((event) => event.attribute === 'transactioncurrencyid');
    expect(currency?.handlers).toEqual([]);
    expect(model.hiddenFields).toEqual(['pricelevelid', 'statecode']);
  });

  it('splits handler parameters like the form designer writes them', () => {
    expect(splitHandlerParameters(`"a", 'b',3`)).toEqual(['a', 'b', '3']);
    expect(splitHandlerParameters('')).toEqual([]);
  });
});

describe('setCustomControlParameter (the form editor write)', () => {
  it('rewrites the parameter in every form factor and keeps the rest of the form', () => {
    const json = '{"version":1,"entries":[{"referral":"name","note":"<&>"}]}';
    const edited = setCustomControlParameter(yarsol, {
      controlName: 'mctools_MscrmTools.NNCheckboxes',
      parameter: 'columnsNumber',
      value: json,
    });
    const before = parseFormXml(yarsol);
    const after = parseFormXml(edited);
    const values = after.controlDescriptions['1d4421fe-5344-4369-932c-258b795a9394']
      ?.filter((custom) => custom.name)
      .map((custom) => custom.parameters.columnsNumber?.value);
    expect(values).toEqual([json, json, json]);
    expect(after.tabs).toEqual(before.tabs);
    expect(after.events).toEqual(before.events);
    // The product grid (another custom control) is untouched.
    expect(after.controlDescriptions['393b71b2-4997-7135-242b-b0ac80dd1194']).toEqual(
      before.controlDescriptions['393b71b2-4997-7135-242b-b0ac80dd1194'],
    );
  });

  it('adds the parameter as a static value when the control does not have it yet', () => {
    const edited = setCustomControlParameter(yarsol, {
      controlName: 'mctools_MscrmTools.NNCheckboxes',
      parameter: PcfProperties.fieldMap,
      value: '{}',
    });
    const added = parseFormXml(edited).controlDescriptions['41a09bb3-3a15-461b-9bd4-11947d8c90d1']?.[1];
    expect(added?.parameters[PcfProperties.fieldMap]).toEqual({
      value: '{}',
      static: true,
      type: 'Multiple',
    });
  });

  it('refuses a form without the control', () => {
    expect(() =>
      setCustomControlParameter(yarsol, {
        controlName: PcfControl.fullName,
        parameter: 'fieldMap',
        value: '',
      }),
    ).toThrow(/no custom control named/);
  });

  it('accepts the Web API formxml shape (a bare <form>)', () => {
    const bare =
      '<form><tabs/><controlDescriptions><controlDescription forControl="{A}"><customControl formFactor="0" name="x_y.z"><parameters><fieldMap static="true" type="Multiple">old</fieldMap></parameters></customControl></controlDescription></controlDescriptions></form>';
    const edited = setCustomControlParameter(bare, {
      controlName: 'x_y.z',
      parameter: 'fieldMap',
      value: 'new',
    });
    expect(edited.startsWith('<form>')).toBe(true);
    expect(parseFormXml(edited).controlDescriptions.a?.[0]?.parameters.fieldMap?.value).toBe('new');
  });
});

// Our own shipped form, once the Solution part has committed it.
const ourFormDir = path.join(REPO_ROOT, 'Solution/Entities/Opportunity/FormXml/main');
const ourForm = existsSync(ourFormDir)
  ? readdirSync(ourFormDir).find((file) => file.toLowerCase().includes(OpportunityForm.id))
  : undefined;
(ourForm ? describe : describe.skip)('parseFormXml on our shipped opportunity form', () => {
  it('has the PCF control bound to the sync column with a fieldMap parameter, and our handlers', () => {
    const model = parseFormXml(readFileSync(path.join(ourFormDir, ourForm ?? ''), 'utf8'));
    const host = allControls(model).find(
      (control) => control.uniqueId && customControlFor(model, control, PcfControl.fullName),
    );
    expect(host).toBeDefined();
    const custom = customControlFor(model, host!, PcfControl.fullName);
    expect(custom?.parameters[PcfProperties.syncEnabled]?.static).toBe(false);
    expect(custom?.parameters[PcfProperties.fieldMap]?.static).toBe(true);
    expect(model.events.some((event) => event.name === 'onload' && event.handlers.length > 0)).toBe(true);
  });
});
