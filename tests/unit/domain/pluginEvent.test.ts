import { dotNetDateToIso, parseRemoteExecutionContext, ValidationError } from '../../../Domain';
import { webhook } from '../../testkit/fixtureFiles';

const parse = (file: string) => parseRemoteExecutionContext(webhook(file));

describe('parseRemoteExecutionContext on real captures', () => {
  it('reads a synchronous account update posted to a webhook (BOM, escaped slashes)', () => {
    const event = parse('update-account-sync-webhook.json');
    expect(event).toMatchObject({
      message: 'Update',
      entity: 'account',
      id: 'ec4e2f7d-9d60-e811-a95a-000d3af24950',
      stage: 40,
      mode: 'synchronous',
      depth: 1,
      initiatingUserId: 'df010dad-f103-4589-ba66-76a5a04c2a11',
      userId: 'df010dad-f103-4589-ba66-76a5a04c2a11',
      correlationId: '39499111-e689-42a1-ae8a-5b14a84514ce',
      operationId: '08fec203-ec78-4f7a-a024-c96e329a64fe',
      requestId: '08fec203-ec78-4f7a-a024-c96e329a64fe',
      organizationName: 'org94971a24',
      operationCreatedOn: '2018-05-31T09:05:30.151Z',
      stepId: '3db800fe-0963-e811-a95a-000d3af24324',
      stepName: 'D365WebHookHttpTrigger: Update of account',
      preImages: {},
      postImages: {},
      sizeExceeded: false,
    });
    expect(event.changedAttributes).toEqual({
      telephone1: '1111',
      accountid: 'ec4e2f7d-9d60-e811-a95a-000d3af24950',
      modifiedon: '2018-05-31T09:05:24.000Z',
      modifiedby: { logicalName: 'systemuser', id: 'df010dad-f103-4589-ba66-76a5a04c2a11', name: null },
      modifiedonbehalfby: null,
    });
    expect(event.inputParameters).toEqual({
      TargetReference: { logicalName: 'systemuser', id: 'df010dad-f103-4589-ba66-76a5a04c2a11', name: null },
    });
  });

  it('reads an asynchronous contact update with its post-image (docs sample, -0700 offset)', () => {
    const event = parse('update-contact-async-postimage.powerapps-docs.json');
    expect(event).toMatchObject({
      message: 'Update',
      entity: 'contact',
      id: '6d81597f-0f9f-e711-8122-000d3aa2331c',
      mode: 'asynchronous',
      stage: 40,
      requestId: null,
      organizationName: 'OrgName',
      stepName: null,
      stepId: '75417616-4ea2-e711-8122-000d3aa2331c',
    });
    expect(event.changedAttributes.firstname).toBe('James');
    expect(event.changedAttributes.modifiedon).toBe('2017-09-26T00:04:07.000Z');
    // The offset is added back: the operation is one second after the change, not seven hours.
    expect(event.operationCreatedOn).toBe('2017-09-26T00:04:08.000Z');
    expect(event.postImages).toEqual({
      AsynchronousStepPrimaryName: {
        fullname: 'James Glynn (sample)',
        contactid: '6d81597f-0f9f-e711-8122-000d3aa2331c',
      },
    });
  });

  it('reads money, choices, multi-select, lookups, dates and multi-line text (all-types create)', () => {
    const event = parse('create-alltypes-async-money-optionset-multiselect.json');
    expect(event).toMatchObject({
      message: 'Create',
      entity: 'albxrm_alltypes',
      id: '44bfc2a7-903e-eb11-a813-000d3ad9c2e1',
      mode: 'asynchronous',
      correlationId: '9d4c7524-a578-4783-b608-73f7b0b68fd2',
      initiatingUserId: 'a0bde583-0537-eb11-bf68-0022489b563d',
      organizationName: '0ba4ce62d2d64681bc25b3bfb695d4d6',
      operationCreatedOn: '2020-12-15T04:47:38.000Z',
    });
    expect(event.changedAttributes).toMatchObject({
      albxrm_currency: 2154.32,
      albxrm_currency_base: 2154.32,
      albxrm_optionset: 257760001,
      albxrm_multiselectoptionset: [257760001, 257760002],
      statecode: 0,
      statuscode: 1,
      albxrm_twooptions: true,
      albxrm_wholenumber: 987654321,
      albxrm_decimal: 10.01,
      albxrm_dateandtime: '2020-12-15T07:00:00.000Z',
      albxrm_multiplelinesoftext: 'sdafasf\nasdfas\nafsd',
      albxrm_lookupaccount: {
        logicalName: 'account',
        id: 'b76b3f4b-1be7-e611-8101-e0071b6af231',
        name: null,
      },
      modifiedonbehalfby: null,
    });
    expect(event.postImages.AsynchronousStepPrimaryName).toEqual({
      albxrm_name: 'Test Betim',
      albxrm_alltypesid: '44bfc2a7-903e-eb11-a813-000d3ad9c2e1',
    });
  });

  it('reads a pre-image with activity-party collections and extra input parameters', () => {
    const event = parse('update-customactivity-async-preimage-activityparty.json');
    expect(event).toMatchObject({
      entity: 'new_customactivity',
      operationCreatedOn: '2024-08-26T07:43:16.000Z',
      changedAttributes: { statecode: 3, statuscode: 4 },
      inputParameters: { parentExecutionId: '1ede9b8e-fdad-4116-9706-d21cd5e30eea' },
    });
    const image = event.preImages.Image!;
    expect(Object.keys(image)).toHaveLength(7);
    expect(image).toMatchObject({
      statecode: 0,
      description: 'asdf',
      subject: 'This is a subject',
      regardingobjectid: {
        logicalName: 'new_otherentity',
        id: '8b1579d9-7e63-ef11-9e4a-00155d0001ea',
        name: 'Other entity name',
      },
    });
    const from = image.from as Record<string, unknown>[];
    expect(from).toHaveLength(1);
    expect(from[0]).toMatchObject({
      participationtypemask: 1,
      partyid: { logicalName: 'contact', id: 'a76c0a41-4dec-ea11-a2d1-00155d04e323', name: 'Some Contact' },
      scheduledend: '2024-08-26T19:43:14.000Z',
    });
    expect((image.to as Record<string, unknown>[])[0]).toMatchObject({ participationtypemask: 2 });
  });
});

describe('parseRemoteExecutionContext edge cases', () => {
  const base = () => webhook('update-account-sync-webhook.json') as Record<string, unknown>;

  it('treats a body without InputParameters as size-exceeded with no changed attributes', () => {
    const body = base();
    delete body.InputParameters;
    delete body.PreEntityImages;
    const event = parseRemoteExecutionContext(body);
    expect(event).toMatchObject({
      sizeExceeded: true,
      changedAttributes: {},
      preImages: {},
      inputParameters: {},
    });
  });

  it('accepts unescaped __type and a Delete target reference', () => {
    const body = base();
    body.MessageName = 'Delete';
    body.InputParameters = [
      {
        key: 'Target',
        value: {
          __type: 'EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts',
          Id: 'A5A9F0A8-0B3E-E911-A957-000D3A3B9F3E',
          LogicalName: 'account',
          Name: null,
        },
      },
    ];
    const event = parseRemoteExecutionContext(body);
    expect(event.changedAttributes).toEqual({});
    expect(event.inputParameters).toEqual({
      Target: { logicalName: 'account', id: 'a5a9f0a8-0b3e-e911-a957-000d3a3b9f3e', name: null },
    });
  });

  it.each([
    [(b: Record<string, unknown>) => (b.Mode = 2), '$.Mode'],
    [(b: Record<string, unknown>) => delete b.MessageName, '$.MessageName'],
    [(b: Record<string, unknown>) => (b.Depth = '1'), '$.Depth'],
    [(b: Record<string, unknown>) => (b.InputParameters = {}), '$.InputParameters'],
    [(b: Record<string, unknown>) => (b.PreEntityImages = [{ value: {} }]), '$.PreEntityImages[0].key'],
    [
      (b: Record<string, unknown>) =>
        ((b.InputParameters as { value: { Attributes: unknown[] } }[])[0]!.value.Attributes[0] = {
          key: 'x',
          value: { __type: 'Money:http://schemas.microsoft.com/xrm/2011/Contracts', Value: '1' },
        }),
      '$.InputParameters[0].value.Attributes[0].value.Value',
    ],
  ])('rejects malformed structure naming the path (%#)', (mutate, path) => {
    const body = base();
    mutate(body);
    expect(() => parseRemoteExecutionContext(body)).toThrow(ValidationError);
    try {
      parseRemoteExecutionContext(body);
    } catch (error) {
      expect((error as ValidationError).path).toBe(path);
    }
  });

  it('rejects a body that is not an object', () => {
    expect(() => parseRemoteExecutionContext('{}')).toThrow(/^\$: expected a RemoteExecutionContext object/);
  });
});

describe('dotNetDateToIso', () => {
  it.each([
    ['/Date(1527757524000)/', '2018-05-31T09:05:24.000Z'],
    ['/Date(1608007658000+0000)/', '2020-12-15T04:47:38.000Z'],
    ['/Date(1724647396000+0300)/', '2024-08-26T07:43:16.000Z'],
    ['/Date(-86400000)/', '1969-12-31T00:00:00.000Z'],
    ['2020-01-01', null],
  ])('%s → %s', (input, iso) => {
    expect(dotNetDateToIso(input)).toBe(iso);
  });
});
