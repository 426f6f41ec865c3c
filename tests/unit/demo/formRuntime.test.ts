import { XMLBuilder } from 'fast-xml-parser';
import {
  FormHandlers,
  OpportunityColumns,
  PcfBindings,
  PcfControl,
  PcfProperties,
  SyncStatus,
  WebResourceNames,
} from '../../../Domain/constants';
import { parseFormXml } from '../../../DevStack/demo/client/model/formXml';
import { parseControlManifest, parseResx, resxPathFor } from '../../../DevStack/demo/client/model/manifest';
import { parseAttributeMetadata, type AttributeMeta } from '../../../DevStack/demo/client/model/metadata';
import { FormRuntime } from '../../../DevStack/demo/client/platform/formRuntime';
import { buildPcfContext, columnWrites } from '../../../DevStack/demo/client/platform/pcfContext';
import { DataverseWebApi, WebApiError } from '../../../DevStack/demo/client/platform/webApi';
import { createGlobalContext, createXrm } from '../../../DevStack/demo/client/platform/xrm';

const OPPORTUNITY_ID = '1b0b7d1e-0c4e-4d1a-9a3f-0c8f4a3d2e10';
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressBooleanAttributes: false,
});

/** A FormXml shaped like our shipped form: a text field, a choice, a lookup, the PCF host, events. */
function formXml(): string {
  const cell = (column: string, classid: string, label: string, extra: Record<string, string> = {}) => ({
    '@_id': `{${column}-cell}`,
    labels: {
      label: [
        { '@_description': label, '@_languagecode': '1033' },
        { '@_description': `${label} (pt)`, '@_languagecode': '1046' },
      ],
    },
    control: { '@_id': column, '@_classid': classid, '@_datafieldname': column, ...extra },
  });
  const bound = (property: keyof typeof PcfBindings) => ({ '#text': PcfBindings[property], '@_type': 'X' });
  const pcf = {
    '@_formFactor': '0',
    '@_name': PcfControl.fullName,
    parameters: {
      [PcfProperties.syncEnabled]: bound('syncEnabled'),
      [PcfProperties.syncStatus]: bound('syncStatus'),
      [PcfProperties.referralId]: bound('referralId'),
      [PcfProperties.fieldMap]: {
        '#text': '{"version":1,"entries":[]}',
        '@_static': 'true',
        '@_type': 'Multiple',
      },
    },
  };
  const handler = (functionName: string) => ({
    '@_functionName': functionName,
    '@_libraryName': WebResourceNames.opportunityForm,
    '@_enabled': 'true',
    '@_passExecutionContext': 'true',
    '@_parameters': '',
  });
  return builder.build({
    form: {
      tabs: {
        tab: {
          '@_name': 'partnercenter',
          '@_id': '{t}',
          labels: { label: { '@_description': 'Microsoft Partner Center', '@_languagecode': '1033' } },
          columns: {
            column: {
              sections: {
                section: {
                  '@_name': 's1',
                  '@_id': '{s}',
                  rows: {
                    row: [
                      {
                        cell: cell(
                          OpportunityColumns.name,
                          '{4273EDBD-AC1D-40d3-9FB2-095C621B552D}',
                          'Topic',
                        ),
                      },
                      {
                        cell: cell(
                          OpportunityColumns.helpNeeded,
                          '{3EF39988-22BB-4F0B-BBBE-64B5A3748AEE}',
                          'Help',
                        ),
                      },
                      {
                        cell: cell(
                          OpportunityColumns.parentContact,
                          '{270BD3DB-D9AF-4782-9025-509E298DEC0A}',
                          'Contact',
                        ),
                      },
                      {
                        cell: cell(
                          OpportunityColumns.syncWithPartnerCenter,
                          '{F9A8A302-114E-466A-B582-6771B2AE0D92}',
                          'Sync',
                          {
                            '@_uniqueid': '{AAAAAAAA-0000-0000-0000-000000000001}',
                          },
                        ),
                      },
                    ],
                  },
                },
              },
            },
          },
        },
      },
      controlDescriptions: {
        controlDescription: {
          '@_forControl': '{AAAAAAAA-0000-0000-0000-000000000001}',
          customControl: [{ '@_id': '{67FAC785-CD58-4F9F-ABB3-4B7DDC6ED5ED}', parameters: {} }, pcf],
        },
      },
      formLibraries: { Library: { '@_name': WebResourceNames.opportunityForm, '@_libraryUniqueId': '{l}' } },
      events: {
        event: [
          {
            '@_name': 'onload',
            '@_application': 'false',
            '@_active': 'true',
            Handlers: { Handler: handler(FormHandlers.onLoad) },
          },
          {
            '@_name': 'onsave',
            '@_application': 'false',
            '@_active': 'true',
            Handlers: { Handler: handler(FormHandlers.onSave) },
          },
          {
            '@_name': 'onchange',
            '@_attribute': OpportunityColumns.syncWithPartnerCenter,
            Handlers: { Handler: handler(FormHandlers.onSyncChange) },
          },
        ],
      },
    },
  }) as string;
}

const label = (en: string, pt: string) => ({
  LocalizedLabels: [
    { Label: en, LanguageCode: 1033 },
    { Label: pt, LanguageCode: 1046 },
  ],
});

/** Attribute metadata as EntityDefinitions returns it. */
const metadata: AttributeMeta[] = [
  {
    LogicalName: OpportunityColumns.name,
    AttributeType: 'String',
    DisplayName: label('Topic', 'Tópico'),
    RequiredLevel: { Value: 'ApplicationRequired' },
  },
  {
    LogicalName: OpportunityColumns.syncWithPartnerCenter,
    AttributeType: 'Boolean',
    DisplayName: label('Sync with Partner Center', 'Sincronizar'),
    OptionSet: {
      TrueOption: { Value: 1, Label: label('Yes', 'Sim') },
      FalseOption: { Value: 0, Label: label('No', 'Não') },
    },
  },
  {
    LogicalName: OpportunityColumns.syncStatus,
    AttributeType: 'Picklist',
    DisplayName: label('Sync status', 'Status'),
    OptionSet: { Options: [{ Value: SyncStatus.synced, Label: label('Synced', 'Sincronizado') }] },
  },
  {
    LogicalName: OpportunityColumns.helpNeeded,
    AttributeType: 'Picklist',
    DisplayName: label('Help', 'Ajuda'),
    OptionSet: { Options: [] },
  },
  {
    LogicalName: OpportunityColumns.parentContact,
    AttributeType: 'Lookup',
    DisplayName: label('Contact', 'Contato'),
    Targets: ['contact'],
  },
  {
    LogicalName: OpportunityColumns.referralId,
    AttributeType: 'String',
    DisplayName: label('Referral ID', 'ID'),
  },
].map(parseAttributeMetadata);

interface Recorded {
  method: string;
  url: string;
  body?: unknown;
}

function fakeFetch(responses: Record<string, unknown> = {}) {
  const calls: Recorded[] = [];
  const fetchImpl = async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    calls.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const key = `${method} ${url.replace('http://demo/api/data/v9.2/', '')}`;
    if (key in responses) {
      const value = responses[key];
      if (value instanceof Error) {
        return new Response(JSON.stringify({ error: { code: '0x80040217', message: value.message } }), {
          status: 404,
        });
      }
      return new Response(JSON.stringify(value), { status: 200 });
    }
    if (method === 'POST') {
      return new Response(null, {
        status: 204,
        headers: { 'OData-EntityId': `http://demo/api/data/v9.2/x(${OPPORTUNITY_ID})` },
      });
    }
    return new Response(null, { status: 204 });
  };
  return { calls, fetchImpl };
}

function setup(
  record: Record<string, unknown>,
  library: Record<string, (...args: unknown[]) => unknown>,
  fetchImpl = fakeFetch().fetchImpl,
) {
  const webApi = new DataverseWebApi('http://demo', fetchImpl);
  const model = parseFormXml(formXml());
  const globalContext = createGlobalContext({ lcid: 1046, userId: 'u1', userName: 'Seller' }, 'http://demo');
  const runtime = new FormRuntime({
    entityName: 'opportunity',
    recordId: OPPORTUNITY_ID,
    model,
    metadata,
    record,
    extraColumns: [OpportunityColumns.syncStatus, OpportunityColumns.referralId],
    lcid: 1046,
    webApi,
    globalContext,
    resolveFunction: (name) => library[name],
  });
  return { runtime, model, webApi, globalContext };
}

const baseRecord = {
  opportunityid: OPPORTUNITY_ID,
  name: 'Contoso deal',
  pcs_syncwithpartnercenter: false,
  pcs_syncstatus: SyncStatus.synced,
  _parentcontactid_value: 'c0000000-0000-0000-0000-000000000001',
  '_parentcontactid_value@OData.Community.Display.V1.FormattedValue': 'Ana Souza',
  '_parentcontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'contact',
};

describe('FormRuntime (Xrm.FormContext over the form model)', () => {
  it('runs OnLoad with an execution context whose form context reads values, types and the record id', async () => {
    const seen: unknown[] = [];
    const { runtime } = setup(baseRecord, {
      [FormHandlers.onLoad]: (context) => {
        const form = (context as Xrm.Events.EventContext).getFormContext();
        seen.push(
          form.data.entity.getId(),
          form.getAttribute(OpportunityColumns.name)?.getValue(),
          form.getAttribute(OpportunityColumns.syncWithPartnerCenter)?.getAttributeType(),
          (
            form.getAttribute(OpportunityColumns.parentContact) as Xrm.Attributes.LookupAttribute
          ).getValue()?.[0]?.name,
          form.getAttribute('not_on_form'),
          form.ui.getFormType(),
        );
        form.getControl<Xrm.Controls.StandardControl>(OpportunityColumns.helpNeeded)?.setVisible(false);
        form.ui.setFormNotification('Last sync failed', 'ERROR', 'sync');
      },
    });
    await runtime.runOnLoad();
    expect(seen).toEqual([
      `{${OPPORTUNITY_ID.toUpperCase()}}`,
      'Contoso deal',
      'boolean',
      'Ana Souza',
      null,
      2,
    ]);
    expect(runtime.controls.get(OpportunityColumns.helpNeeded)?.visible).toBe(false);
    expect(runtime.formNotifications.get('sync')).toEqual({ message: 'Last sync failed', level: 'ERROR' });
    expect(runtime.scriptErrors).toEqual([]);
  });

  it('fires the FormXml OnChange handler after a user edit, and addOnChange handlers too', async () => {
    const order: string[] = [];
    const { runtime } = setup(baseRecord, {
      [FormHandlers.onLoad]: (context) =>
        (context as Xrm.Events.EventContext)
          .getFormContext()
          .getAttribute(OpportunityColumns.syncWithPartnerCenter)
          ?.addOnChange(() => order.push('added')),
      [FormHandlers.onSyncChange]: (context) => {
        const attribute = (
          context as Xrm.Events.EventContext
        ).getEventSource() as Xrm.Attributes.BooleanAttribute;
        order.push(`xml:${attribute.getValue()}`);
        const control = (context as Xrm.Events.EventContext)
          .getFormContext()
          .getControl<Xrm.Controls.StandardControl>(OpportunityColumns.helpNeeded);
        control?.setNotification('Add a contact', 'contact');
      },
    });
    await runtime.runOnLoad();
    await runtime.setValueFromUser(OpportunityColumns.syncWithPartnerCenter, true);
    expect(order).toEqual(['xml:true', 'added']);
    expect(runtime.isDirty()).toBe(true);
    expect(runtime.controls.get(OpportunityColumns.helpNeeded)?.notifications.get('contact')).toBe(
      'Add a contact',
    );
  });

  it('cancels the save when OnSave calls preventDefault, and sends nothing', async () => {
    const { calls, fetchImpl } = fakeFetch();
    const { runtime } = setup(
      baseRecord,
      {
        [FormHandlers.onSave]: (context) =>
          (
            (context as Xrm.Events.SaveEventContext).getEventArgs() as Xrm.Events.SaveEventArguments
          ).preventDefault(),
      },
      fetchImpl,
    );
    await runtime.setValueFromUser(OpportunityColumns.name, 'Renamed');
    expect(await runtime.save()).toEqual({ saved: false, reason: 'prevented' });
    expect(calls).toEqual([]);
    expect(runtime.isDirty()).toBe(true);
  });

  it('PATCHes only dirty columns in Web API encoding (lookups by @odata.bind) and clears dirtiness', async () => {
    const { calls, fetchImpl } = fakeFetch();
    const { runtime } = setup(baseRecord, {}, fetchImpl);
    const form = runtime.formContext;
    form.getAttribute(OpportunityColumns.syncWithPartnerCenter)?.setValue(true);
    form
      .getAttribute(OpportunityColumns.parentContact)
      ?.setValue([{ id: '{C0000000-0000-0000-0000-000000000002}', entityType: 'contact', name: 'B' }]);
    expect(await runtime.save()).toEqual({ saved: true });
    expect(calls).toEqual([
      {
        method: 'PATCH',
        url: `http://demo/api/data/v9.2/opportunities(${OPPORTUNITY_ID})`,
        body: {
          pcs_syncwithpartnercenter: true,
          'parentcontactid@odata.bind': '/contacts(C0000000-0000-0000-0000-000000000002)',
        },
      },
    ]);
    expect(runtime.isDirty()).toBe(false);
  });

  it('shows a failed save as a form notification and keeps the edits', async () => {
    const { fetchImpl } = fakeFetch({
      [`PATCH opportunities(${OPPORTUNITY_ID})`]: new Error('Principal user is missing privileges'),
    });
    const { runtime } = setup(baseRecord, {}, fetchImpl);
    await runtime.setValueFromUser(OpportunityColumns.name, 'x');
    const result = await runtime.save();
    expect(result.saved).toBe(false);
    expect(result.reason).toBe('Principal user is missing privileges');
    expect([...runtime.formNotifications.values()][0]?.level).toBe('ERROR');
    expect(runtime.isDirty()).toBe(true);
  });

  it('records a throwing or missing handler as a script error instead of breaking the form', async () => {
    const { runtime } = setup(baseRecord, {
      [FormHandlers.onLoad]: () => {
        throw new Error('boom');
      },
    });
    await runtime.runOnLoad();
    expect(runtime.scriptErrors).toEqual([{ handler: FormHandlers.onLoad, message: 'boom' }]);
    await runtime.save();
    expect(runtime.scriptErrors[1]?.message).toMatch(/is not defined/);
  });

  it('refreshes clean attributes from new server data but keeps unsaved edits', async () => {
    const { runtime } = setup(baseRecord, {});
    await runtime.setValueFromUser(OpportunityColumns.name, 'Mine');
    runtime.applyRecord({ ...baseRecord, name: 'Theirs', pcs_referralid: 'R-1' });
    expect(runtime.value(OpportunityColumns.name)).toBe('Mine');
    expect(runtime.value(OpportunityColumns.referralId)).toBe('R-1');
  });
});

describe('Xrm global', () => {
  it('exposes user settings and a WebApi that speaks OData to <clientUrl>/api/data/v9.2', async () => {
    const { calls, fetchImpl } = fakeFetch({
      'GET pcs_solutiondetails?$select=pcs_name&$filter=pcs_isactive eq true': {
        value: [{ pcs_name: 'Azure' }],
      },
    });
    const webApi = new DataverseWebApi('http://demo/', fetchImpl);
    const xrm = createXrm(
      webApi,
      createGlobalContext({ lcid: 3082, userId: 'abc', userName: 'S' }, 'http://demo'),
      () => undefined,
      {
        alert: async () => undefined,
        confirm: async () => true,
        openUrl: () => undefined,
      },
    );
    expect(xrm.Utility.getGlobalContext().userSettings.languageId).toBe(3082);
    const page = await xrm.WebApi.retrieveMultipleRecords(
      'pcs_solutiondetail',
      '?$select=pcs_name&$filter=pcs_isactive eq true',
    );
    expect(page.entities).toEqual([{ pcs_name: 'Azure' }]);
    const created = await xrm.WebApi.createRecord('pcs_microsoftsolution', { pcs_name: 'Azure' });
    expect(created).toEqual({ id: OPPORTUNITY_ID, entityType: 'pcs_microsoftsolution' });
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      'GET http://demo/api/data/v9.2/pcs_solutiondetails?$select=pcs_name&$filter=pcs_isactive eq true',
      'POST http://demo/api/data/v9.2/pcs_microsoftsolutions',
    ]);
  });

  it('rejects with the Dataverse error code and message', async () => {
    const { fetchImpl } = fakeFetch({ 'GET opportunities(x)': new Error('Does Not Exist') });
    const webApi = new DataverseWebApi('http://demo', fetchImpl);
    await expect(webApi.retrieveRecord('opportunity', 'x')).rejects.toMatchObject({
      errorCode: '0x80040217',
      message: 'Does Not Exist',
    } satisfies Partial<WebApiError>);
  });
});

const MANIFEST = `<?xml version="1.0" encoding="utf-8"?><manifest><control namespace="${PcfControl.namespace}" constructor="${PcfControl.constructorName}" version="1.0.0" display-name-key="d" description-key="d" control-type="virtual" api-version="1.3.18">
<property name="syncEnabled" of-type="TwoOptions" usage="bound"/><property name="syncStatus" of-type="OptionSet" usage="bound"/>
<property name="referralId" of-type="SingleLine.Text" usage="bound"/><property name="fieldMap" of-type="Multiple" usage="input"/>
<resources><code path="bundle.js" order="1"/><platform-library name="React" version="16.14.0"/><platform-library name="Fluent" version="8.121.1"/>
<css path="css/PartnerCenterSync.css" order="1"/><resx path="strings/PartnerCenterSync.1033.resx" version="1.0.0"/><resx path="strings/PartnerCenterSync.1046.resx" version="1.0.0"/></resources></control></manifest>`;

describe('PCF context', () => {
  const manifest = parseControlManifest(MANIFEST);

  it('parses the built manifest: virtual, properties, platform libraries, resx per language', () => {
    expect(manifest.controlType).toBe('virtual');
    expect(manifest.properties[0]).toEqual({ name: 'syncEnabled', ofType: 'TwoOptions', usage: 'bound' });
    expect(manifest.platformLibraries.map((library) => library.name)).toEqual(['React', 'Fluent']);
    expect(resxPathFor(manifest, 1046)).toBe('strings/PartnerCenterSync.1046.resx');
    expect(resxPathFor(manifest, 3082)).toBe('strings/PartnerCenterSync.1033.resx');
    expect(manifest.css).toEqual(['css/PartnerCenterSync.css']);
  });

  it('reads resx strings', () => {
    const resx =
      '<?xml version="1.0"?><root><resheader name="resmimetype"><value>text/microsoft-resx</value></resheader><data name="sync_on" xml:space="preserve"><value>Sincronizar</value><comment>toggle</comment></data></root>';
    expect(parseResx(resx)).toEqual({ sync_on: 'Sincronizar' });
  });

  it('binds properties to the form values, statics from FormXml, strings, mode and user settings', async () => {
    const { fetchImpl } = fakeFetch();
    const { runtime, model, webApi } = setup(
      { ...baseRecord, pcs_syncwithpartnercenter: true, pcs_referralid: 'R-9' },
      {},
      fetchImpl,
    );
    const customControl = Object.values(model.controlDescriptions)[0]!.find(
      (custom) => custom.name === PcfControl.fullName,
    )!;
    const context = buildPcfContext({
      manifest,
      customControl,
      form: runtime,
      disabled: true,
      visible: true,
      label: 'Sync',
      strings: { sync_on: 'Sincronizar' },
      user: { lcid: 1046, userId: 'u1', userName: 'Seller' },
      webApi,
      dialogs: { alert: async () => undefined, confirm: async () => true, openUrl: () => undefined },
      clientUrl: 'http://demo',
      updatedProperties: [],
      requestRender: () => undefined,
    });
    const parameters = context.parameters as unknown as Record<
      string,
      { raw: unknown; formatted?: string; attributes?: { Options: unknown[] } }
    >;
    expect(parameters.syncEnabled?.raw).toBe(true);
    expect(parameters.syncEnabled?.formatted).toBe('Sim');
    expect(parameters.syncStatus?.raw).toBe(SyncStatus.synced);
    expect(parameters.syncStatus?.formatted).toBe('Sincronizado');
    expect(parameters.syncStatus?.attributes?.Options).toEqual([
      { Value: SyncStatus.synced, Label: 'Sincronizado' },
    ]);
    expect(parameters.referralId?.raw).toBe('R-9');
    expect(parameters.fieldMap?.raw).toBe('{"version":1,"entries":[]}');
    expect(context.resources.getString('sync_on')).toBe('Sincronizar');
    expect(context.mode.isControlDisabled).toBe(true);
    expect(context.userSettings.languageId).toBe(1046);
    expect((context.mode as unknown as { contextInfo: { entityId: string } }).contextInfo.entityId).toBe(
      OPPORTUNITY_ID,
    );
  });

  it('maps getOutputs() to bound column writes only', () => {
    const model = parseFormXml(formXml());
    const customControl = Object.values(model.controlDescriptions)[0]!.find(
      (custom) => custom.name === PcfControl.fullName,
    )!;
    expect(columnWrites(manifest, customControl, { syncEnabled: true, fieldMap: 'x', unknown: 1 })).toEqual({
      [OpportunityColumns.syncWithPartnerCenter]: true,
    });
  });
});
