import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AccountColumns,
  ContactColumns,
  LeadState,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  RelayOwnedOpportunityColumns,
  Tables,
} from '../../../Domain/constants';
import { applyOverrides, DEFAULT_FIELD_MAP } from '../../../Domain/fieldMap';
import type { FieldMap } from '../../../Domain/fieldMap';
import { parseRemoteExecutionContext } from '../../../Domain/pluginEvent';
import type { PluginEvent } from '../../../Domain/pluginEvent';
import { handlePluginEvent, receiptOf } from '../../../Plugins/handlers';
import {
  buildStepManifest,
  customerFilteringAttributes,
  isMapDependentStep,
  opportunityFilteringAttributes,
} from '../../../Plugins/manifest';
import { DATAVERSE_WEBHOOK_PAYLOADS } from '../../testkit/paths';

const OPP = '6d81597f-0f9f-e711-8122-000d3aa2331c';

/** A real RemoteExecutionContext (powerapps-docs sample) retargeted to an opportunity Update. */
function opportunityEvent(
  message: string,
  attributes: Record<string, unknown>,
  preName?: string,
): PluginEvent {
  const body = JSON.parse(
    readFileSync(
      path.join(DATAVERSE_WEBHOOK_PAYLOADS, 'update-contact-async-postimage.powerapps-docs.json'),
      'utf8',
    ).replace(/^\uFEFF/, ''),
  ) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  body.MessageName = message;
  body.PrimaryEntityName = Tables.opportunity;
  body.PrimaryEntityId = OPP;
  const target = body.InputParameters[0].value;
  target.LogicalName = Tables.opportunity;
  target.Attributes = [
    { key: 'opportunityid', value: OPP },
    { key: 'modifiedon', value: '/Date(1506384247000)/' },
    ...Object.entries(attributes).map(([key, value]) => ({ key, value })),
  ];
  body.PreEntityImages =
    preName === undefined
      ? []
      : [
          {
            key: 'pre',
            value: {
              LogicalName: Tables.opportunity,
              Id: OPP,
              Attributes: [{ key: 'name', value: preName }],
              FormattedValues: [],
              KeyAttributes: [],
              RelatedEntities: [],
            },
          },
        ];
  body.PostEntityImages = [];
  return parseRemoteExecutionContext(body);
}

describe('handlePluginEvent', () => {
  const context = { integrationUserId: null };

  it('queues a sync when an opportunity is created with sync on, keyed by the opportunity', () => {
    const decision = handlePluginEvent(
      opportunityEvent('Create', { [OpportunityColumns.syncWithPartnerCenter]: true }),
      context,
    );
    expect(decision.skipped).toBeNull();
    expect(decision.jobs).toEqual([
      expect.objectContaining({
        kind: 'opportunity.sync',
        key: `opportunity:${OPP}`,
        payload: { opportunityId: OPP, reason: 'Create' },
      }),
    ]);
  });

  it('skips a create without sync', () => {
    expect(handlePluginEvent(opportunityEvent('Create', { name: 'x' }), context).skipped).toBe(
      'created without sync',
    );
  });

  it('skips events initiated by the integration user (our own write-back)', () => {
    const event = opportunityEvent('Update', { name: 'Big deal' });
    const decision = handlePluginEvent(event, { integrationUserId: event.initiatingUserId.toUpperCase() });
    expect(decision.skipped).toMatch(/integration user/);
  });

  it('skips updates touching only relay-owned columns, or only the ✔/✖ mark', () => {
    const owned = Object.fromEntries(RelayOwnedOpportunityColumns.map((c) => [c, 'x']));
    expect(handlePluginEvent(opportunityEvent('Update', owned), context).skipped).toMatch(/relay-owned/);
    const markOnly = opportunityEvent(
      'Update',
      { name: 'Big deal ✔', [OpportunityColumns.syncStatus]: 1 },
      'Big deal',
    );
    expect(handlePluginEvent(markOnly, context).skipped).toMatch(/relay-owned/);
    const renamed = opportunityEvent('Update', { name: 'Bigger deal ✔' }, 'Big deal ✔');
    expect(handlePluginEvent(renamed, context).jobs).toHaveLength(1);
  });

  it('skips an update that switches sync off', () => {
    const event = opportunityEvent('Update', { [OpportunityColumns.syncWithPartnerCenter]: false });
    expect(handlePluginEvent(event, context).skipped).toBe('sync is off');
  });

  it('turns Win into a closing sync with the reason from OpportunityClose', () => {
    const event: PluginEvent = {
      ...opportunityEvent('Win', {}),
      inputParameters: {
        OpportunityClose: {
          opportunityid: { logicalName: 'opportunity', id: OPP, name: null },
          description: 'Customer signed',
        } as never,
        Status: 3,
      },
    };
    expect(handlePluginEvent(event, context).jobs[0]!.payload).toEqual({
      opportunityId: OPP,
      reason: 'Win',
      closing: { outcome: 'won', reason: 'Customer signed' },
    });
    const lose = handlePluginEvent({ ...event, message: 'Lose' }, context);
    expect(lose.jobs[0]!.payload).toMatchObject({ closing: { outcome: 'lost' } });
  });

  it('syncs the parent opportunity when a solution row changes (Delete reads the pre image)', () => {
    const base = opportunityEvent('Delete', {});
    const event: PluginEvent = {
      ...base,
      entity: Tables.microsoftSolution,
      changedAttributes: {},
      preImages: {
        pre: { [MicrosoftSolutionColumns.opportunity]: { logicalName: 'opportunity', id: OPP, name: null } },
      },
    };
    expect(handlePluginEvent(event, context).jobs[0]!.key).toBe(`opportunity:${OPP}`);
  });

  describe('solution rows picked from the catalogue', () => {
    const DETAIL = '0b6b7c2e-1111-4c4c-9d9d-5a5a5a5a5a5a';
    const ROW = '3c3c3c3c-2222-4d4d-8e8e-6b6b6b6b6b6b';
    const reference = (logicalName: string, id: string) => ({ logicalName, id, name: null });
    const solutionEvent = (
      message: 'Create' | 'Update' | 'Delete',
      target: Record<string, unknown>,
      pre: Record<string, unknown> = {},
    ): PluginEvent => ({
      ...opportunityEvent(message, {}),
      entity: Tables.microsoftSolution,
      id: ROW,
      changedAttributes: target as PluginEvent['changedAttributes'],
      preImages: { pre: pre as PluginEvent['changedAttributes'] },
    });

    it('a row created with a catalogue lookup queues the copy, keyed by its opportunity', () => {
      const decision = handlePluginEvent(
        solutionEvent('Create', {
          [MicrosoftSolutionColumns.opportunity]: reference('opportunity', OPP),
          [MicrosoftSolutionColumns.solutionDetail]: reference(Tables.solutionDetail, DETAIL),
        }),
        context,
      );
      expect(decision.jobs).toEqual([
        expect.objectContaining({
          kind: 'solution.catalogue',
          key: `opportunity:${OPP}`,
          payload: { opportunityId: OPP, solutionRowId: null, reason: 'Solution Create' },
        }),
      ]);
    });

    it('an edit of the Solution ID alone on a catalogue row is put back from the catalogue', () => {
      const decision = handlePluginEvent(
        solutionEvent(
          'Update',
          { [MicrosoftSolutionColumns.solutionId]: 'typed by hand' },
          {
            [MicrosoftSolutionColumns.opportunity]: reference('opportunity', OPP),
            [MicrosoftSolutionColumns.solutionDetail]: reference(Tables.solutionDetail, DETAIL),
          },
        ),
        context,
      );
      expect(decision.jobs[0]).toMatchObject({ kind: 'solution.catalogue', key: `opportunity:${OPP}` });
    });

    it('a row without a catalogue lookup (or whose lookup was cleared) syncs its opportunity as before', () => {
      const cleared = handlePluginEvent(
        solutionEvent(
          'Update',
          { [MicrosoftSolutionColumns.solutionDetail]: null },
          {
            [MicrosoftSolutionColumns.opportunity]: reference('opportunity', OPP),
            [MicrosoftSolutionColumns.solutionDetail]: reference(Tables.solutionDetail, DETAIL),
          },
        ),
        context,
      );
      expect(cleared.jobs[0]).toMatchObject({ kind: 'opportunity.sync', key: `opportunity:${OPP}` });
      const typed = handlePluginEvent(
        solutionEvent('Create', {
          [MicrosoftSolutionColumns.opportunity]: reference('opportunity', OPP),
          [MicrosoftSolutionColumns.solutionId]: 'SOL-1',
        }),
        context,
      );
      expect(typed.jobs[0]).toMatchObject({ kind: 'opportunity.sync' });
      const deleted = handlePluginEvent(
        solutionEvent(
          'Delete',
          {},
          {
            [MicrosoftSolutionColumns.opportunity]: reference('opportunity', OPP),
            [MicrosoftSolutionColumns.solutionDetail]: reference(Tables.solutionDetail, DETAIL),
          },
        ),
        context,
      );
      expect(deleted.jobs[0]).toMatchObject({ kind: 'opportunity.sync' });
    });

    it('a catalogue row not on an opportunity yet is copied by its own key', () => {
      const decision = handlePluginEvent(
        solutionEvent('Create', {
          [MicrosoftSolutionColumns.solutionDetail]: reference(Tables.solutionDetail, DETAIL),
        }),
        context,
      );
      expect(decision.jobs[0]).toMatchObject({
        kind: 'solution.catalogue',
        key: `solution:${ROW}`,
        payload: { opportunityId: null, solutionRowId: ROW },
      });
    });
  });

  it('an account or contact update queues the look-up of its deals in error', () => {
    for (const table of [Tables.account, Tables.contact]) {
      const event: PluginEvent = {
        ...opportunityEvent('Update', {}),
        entity: table,
        id: OPP,
        changedAttributes: { address1_country: 'US' },
      };
      expect(handlePluginEvent(event, context).jobs).toEqual([
        expect.objectContaining({
          kind: 'customer.changed',
          key: `${table}:${OPP}`,
          payload: { table, id: OPP, reason: `${table} Update` },
        }),
      ]);
    }
  });

  it('queues a lead job when a lead is qualified', () => {
    const event: PluginEvent = {
      ...opportunityEvent('Update', {}),
      entity: Tables.lead,
      changedAttributes: { [LeadState.stateCode]: LeadState.qualified },
    };
    expect(handlePluginEvent(event, context).jobs[0]).toMatchObject({
      kind: 'lead.sync',
      payload: { stateCode: 1 },
    });
  });

  it('gives the same receipt to a redelivery of the same operation', () => {
    const event = opportunityEvent('Update', { name: 'x' });
    expect(receiptOf(event)).toBe(receiptOf({ ...event }));
    expect(receiptOf(event)).not.toBe(receiptOf({ ...event, operationId: 'other' }));
  });
});

describe('step manifest', () => {
  const manifest = buildStepManifest(DEFAULT_FIELD_MAP);

  it('registers every step asynchronous post-operation with unique names', () => {
    expect(new Set(manifest.map((s) => s.name)).size).toBe(manifest.length);
    expect(manifest.every((s) => s.stage === 40 && s.mode === 'asynchronous')).toBe(true);
    expect(manifest.map((s) => `${s.table}:${s.message}`)).toEqual([
      'opportunity:Create',
      'opportunity:Update',
      'opportunity:Win',
      'opportunity:Lose',
      'pcs_microsoftsolution:Create',
      'pcs_microsoftsolution:Update',
      'pcs_microsoftsolution:Delete',
      'lead:Update',
      'lead:QualifyLead',
      'account:Update',
      'contact:Update',
    ]);
  });

  it('filters account and contact updates on the columns the sharing rules read, derived from the map', () => {
    const filters = (map: FieldMap) =>
      Object.fromEntries(
        buildStepManifest(map)
          .filter((s) => s.table === Tables.account || s.table === Tables.contact)
          .map((s) => [s.table, s.filteringAttributes]),
      );
    expect(filters(DEFAULT_FIELD_MAP)).toEqual({
      account: [AccountColumns.country],
      contact: [
        ContactColumns.email,
        ContactColumns.firstName,
        ContactColumns.lastName,
        ContactColumns.phone,
      ],
    });
    // pcs_CountryCodeFieldName repoints the country entry: the account step follows it.
    const overridden = applyOverrides(DEFAULT_FIELD_MAP, { countryCodeFieldName: 'pcs_countrycode' });
    expect(filters(overridden).account).toEqual(['pcs_countrycode']);
    expect(customerFilteringAttributes(overridden, Tables.account)).toEqual(['pcs_countrycode']);
    // A customized map: the contact's email read from another contact column.
    const repointed: FieldMap = {
      version: 1,
      entries: DEFAULT_FIELD_MAP.entries.map((e) =>
        e.table === Tables.contact && e.column === ContactColumns.email
          ? { ...e, column: 'emailaddress2' }
          : e,
      ),
    };
    expect(filters(repointed).contact).toEqual([
      'emailaddress2',
      ContactColumns.firstName,
      ContactColumns.lastName,
      ContactColumns.phone,
    ]);
    // A map whose rules read nothing on contact: no contact step (an empty filter would mean every column).
    const noContact: FieldMap = {
      version: 1,
      entries: ['firstName', 'lastName', 'email', 'phoneNumber'].map((field) => ({
        referral: `customerProfile.team[0].${field}`,
        table: Tables.opportunity,
        column: `new_contact${field.toLowerCase()}`,
        direction: 'toPartnerCenter' as const,
      })),
    };
    expect(filters(noContact)).toEqual({ account: [AccountColumns.country] });
  });

  it('realigns the Update steps whose filters follow the map, and only those', () => {
    expect(manifest.filter(isMapDependentStep).map((s) => `${s.table}:${s.message}`)).toEqual([
      'opportunity:Update',
      'account:Update',
      'contact:Update',
    ]);
  });

  it('filters opportunity updates on sync and mapped columns, never relay-owned ones', () => {
    const filtering = opportunityFilteringAttributes(DEFAULT_FIELD_MAP);
    expect(filtering).toEqual(
      expect.arrayContaining([
        OpportunityColumns.syncWithPartnerCenter,
        OpportunityColumns.name,
        OpportunityColumns.estimatedValue,
        OpportunityColumns.estimatedCloseDate,
        OpportunityColumns.description,
        OpportunityColumns.helpNeeded,
        OpportunityColumns.referralVisibility,
      ]),
    );
    for (const owned of RelayOwnedOpportunityColumns) expect(filtering).not.toContain(owned);
  });

  it('gives every image explicit columns (an empty list would mean all columns)', () => {
    for (const image of manifest.flatMap((s) => s.images)) expect(image.attributes.length).toBeGreaterThan(0);
  });
});
