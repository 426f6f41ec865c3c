/**
 * The form library's four handlers, called exactly as FormXml registers them (execution context in),
 * on an xrm-mock opportunity form with an in-memory Dataverse behind Xrm.WebApi. Problem texts are the
 * shared rules' (problemMessage) in the user's language.
 */
import { SaveEventContextMock, XrmMockGenerator } from 'xrm-mock';
import {
  AccountColumns,
  EnvironmentVariables,
  HelpNeededOptions,
  OpportunityColumns as O,
  ReferralVisibility,
  RelayOwnedOpportunityColumns,
  SyncStatus,
  Tables,
} from '../../../Domain/constants';
import type { Problem } from '../../../Domain/opportunity';
import { problemMessage } from '../../../Domain/rules';
import * as OpportunityForm from '../../../WebResources/OpportunityForm';
import { createOpportunityForm, goodDataverse, serveWebApi, type Dataverse } from './helpers/opportunityForm';

const LCIDS = [1033, 1046, 3082] as const;

let data: Dataverse;
beforeEach(() => {
  data = goodDataverse();
});

const controlOf = (form: Xrm.FormContext, column: string) =>
  form.getAttribute(column)!.controls.get(0) as unknown as {
    getVisible(): boolean;
    getDisabled(): boolean;
    getNotifications(): Array<{ messages: string[]; uniqueId: string }>;
  };

const formNotifications = (form: Xrm.FormContext) =>
  (form.ui as unknown as { formNotifications?: Array<{ message: string; level: string; uniqueId: string }> })
    .formNotifications ?? [];

const fieldMessages = (form: Xrm.FormContext, column: string) =>
  controlOf(form, column)
    .getNotifications()
    .flatMap((n) => n.messages);

function save(form: Xrm.FormContext) {
  const context = new SaveEventContextMock({ formContext: form, context: XrmMockGenerator.context });
  const result = OpportunityForm.onSave(context);
  return { context, result, prevented: () => context.getEventArgs().isDefaultPrevented() };
}

describe('onLoad', () => {
  it('locks every relay-owned column and leaves the seller’s columns editable', () => {
    const form = createOpportunityForm();
    OpportunityForm.onLoad(XrmMockGenerator.getEventContext());

    for (const column of RelayOwnedOpportunityColumns)
      expect([column, controlOf(form, column).getDisabled()]).toEqual([column, true]);
    for (const column of [O.name, O.estimatedValue, O.syncWithPartnerCenter, O.helpNeeded, O.parentContact]) {
      expect([column, controlOf(form, column).getDisabled()]).toEqual([column, false]);
    }
  });

  it.each([
    [true, true],
    [false, false],
    [null, false],
  ])('sync %p → help needed and visibility visible: %p', (sync, visible) => {
    const form = createOpportunityForm({ values: { sync } });
    OpportunityForm.onLoad(XrmMockGenerator.getEventContext());
    expect(controlOf(form, O.helpNeeded).getVisible()).toBe(visible);
    expect(controlOf(form, O.referralVisibility).getVisible()).toBe(visible);
  });

  it.each([
    [ReferralVisibility.visible, true],
    [ReferralVisibility.notVisible, false],
    [null, false],
  ])('visibility %p → locked: %p (Visible cannot be reverted)', (visibility, locked) => {
    const form = createOpportunityForm({ values: { visibility } });
    OpportunityForm.onLoad(XrmMockGenerator.getEventContext());
    expect(controlOf(form, O.referralVisibility).getDisabled()).toBe(locked);
  });

  it('makes the customer contact required when help was already chosen', () => {
    const form = createOpportunityForm({ values: { helpNeeded: HelpNeededOptions.ProofOfConceptOrDemo } });
    OpportunityForm.onLoad(XrmMockGenerator.getEventContext());
    expect(form.getAttribute(O.parentContact)!.getRequiredLevel()).toBe('required');
  });

  it('leaves a requirement level set by the form designer alone when no help is chosen', () => {
    const form = createOpportunityForm({ values: { helpNeeded: null } });
    form.getAttribute(O.parentContact)!.setRequiredLevel('recommended');
    OpportunityForm.onLoad(XrmMockGenerator.getEventContext());
    expect(form.getAttribute(O.parentContact)!.getRequiredLevel()).toBe('recommended');
  });

  // pcs_audit as the relay writes it (Relay/sync/writeBack.ts auditLine/prependAudit): newest line on top.
  const failedLine =
    '2026-11-21T09:15:02.000Z ✖ → Partner Center: 400 customerProfile.address.country must be ISO 3166-1 alpha-2';
  const audit = `${failedLine}\n2026-11-20T10:00:00.000Z ✔ → Partner Center: created referral 5a7ad0f4`;

  it.each([
    [1033, `The last sync with Partner Center failed: ${failedLine}`],
    [1046, `A última sincronização com o Partner Center falhou: ${failedLine}`],
    [3082, `La última sincronización con el Centro de partners no se pudo completar: ${failedLine}`],
  ])('shows the latest audit line when the last sync failed (lcid %i)', (lcid, expected) => {
    const form = createOpportunityForm({ lcid, values: { syncStatus: SyncStatus.error, audit } });
    OpportunityForm.onLoad(XrmMockGenerator.getEventContext());
    expect(formNotifications(form)).toEqual([
      { message: expected, level: 'ERROR', uniqueId: 'pcs.lastSyncFailed' },
    ]);
  });

  it('points to the sync events when the audit is empty, and says nothing when the last sync worked', () => {
    let form = createOpportunityForm({ values: { syncStatus: SyncStatus.error, audit: null } });
    OpportunityForm.onLoad(XrmMockGenerator.getEventContext());
    expect(formNotifications(form).map((n) => n.message)).toEqual([
      'The last sync with Partner Center failed. The sync events on this opportunity show why.',
    ]);

    form = createOpportunityForm({ values: { syncStatus: SyncStatus.synced, audit } });
    OpportunityForm.onLoad(XrmMockGenerator.getEventContext());
    expect(formNotifications(form)).toEqual([]);
  });
});

describe('onHelpNeededChange', () => {
  it('sets visibility to Visible (raising its OnChange) and requires the customer contact', () => {
    const form = createOpportunityForm({
      values: {
        helpNeeded: HelpNeededOptions.CustomerTechnicalArchitecture,
        visibility: ReferralVisibility.notVisible,
      },
    });
    const visibilityChanged = jest.fn();
    form.getAttribute(O.referralVisibility)!.addOnChange(visibilityChanged);

    OpportunityForm.onHelpNeededChange(XrmMockGenerator.getEventContext());

    expect(form.getAttribute(O.referralVisibility)!.getValue()).toBe(ReferralVisibility.visible);
    expect(visibilityChanged).toHaveBeenCalledTimes(1);
    expect(form.getAttribute(O.parentContact)!.getRequiredLevel()).toBe('required');
  });

  it('makes the contact optional again when help is cleared, leaving visibility as it is', () => {
    const form = createOpportunityForm({
      values: { helpNeeded: null, visibility: ReferralVisibility.visible },
    });
    form.getAttribute(O.parentContact)!.setRequiredLevel('required');
    OpportunityForm.onHelpNeededChange(XrmMockGenerator.getEventContext());
    expect(form.getAttribute(O.parentContact)!.getRequiredLevel()).toBe('none');
    expect(form.getAttribute(O.referralVisibility)!.getValue()).toBe(ReferralVisibility.visible);
  });
});

describe('onSyncChange', () => {
  it('sync switched on: shows the co-sell fields and runs the pre-flight (clean deal → no notifications)', async () => {
    const form = createOpportunityForm({ values: { sync: true } });
    serveWebApi(data);
    await OpportunityForm.onSyncChange(XrmMockGenerator.getEventContext());

    expect(controlOf(form, O.helpNeeded).getVisible()).toBe(true);
    expect(controlOf(form, O.referralVisibility).getVisible()).toBe(true);
    expect(formNotifications(form)).toEqual([]);
    expect(data.calls.some((c) => c.startsWith(`${Tables.account}(`))).toBe(true);
  });

  it.each(LCIDS)('sync switched on with problems: shows them as notifications (lcid %i)', async (lcid) => {
    const form = createOpportunityForm({ lcid, values: { sync: true, estimatedvalue: null } });
    data.accounts = Object.fromEntries(
      Object.entries(data.accounts).map(([k, row]) => [k, { ...row, [AccountColumns.country]: 'Brasil' }]),
    );
    serveWebApi(data);
    await OpportunityForm.onSyncChange(XrmMockGenerator.getEventContext());

    const dealValue: Problem = { code: 'dealValueMissing', table: 'opportunity', column: O.estimatedValue };
    const country: Problem = {
      code: 'countryNotIso2',
      table: 'account',
      column: AccountColumns.country,
      params: { country: 'Brasil' },
    };
    expect(fieldMessages(form, O.estimatedValue)).toEqual([problemMessage(dealValue, lcid)]);
    expect(formNotifications(form).map((n) => n.message)).toEqual([problemMessage(country, lcid)]);
    expect(formNotifications(form)[0]?.message).toContain('Brasil');
  });

  it('sync switched off: hides the co-sell fields, clears notifications and reads nothing', async () => {
    const form = createOpportunityForm({ values: { sync: true, estimatedvalue: null } });
    serveWebApi(data);
    await OpportunityForm.onSyncChange(XrmMockGenerator.getEventContext());
    expect(fieldMessages(form, O.estimatedValue)).toHaveLength(1);
    const callsWhenOn = data.calls.length;

    form.getAttribute(O.syncWithPartnerCenter)!.setValue(false);
    await OpportunityForm.onSyncChange(XrmMockGenerator.getEventContext());

    expect(controlOf(form, O.helpNeeded).getVisible()).toBe(false);
    expect(controlOf(form, O.referralVisibility).getVisible()).toBe(false);
    expect(fieldMessages(form, O.estimatedValue)).toEqual([]);
    expect(formNotifications(form)).toEqual([]);
    expect(data.calls).toHaveLength(callsWhenOn);
  });
});

describe('onSave', () => {
  it('sync off: the save goes ahead synchronously and nothing is read', () => {
    const form = createOpportunityForm({ values: { sync: false, estimatedvalue: null, account: false } });
    serveWebApi(data);
    const { result, prevented } = save(form);
    expect(result).toBeUndefined();
    expect(prevented()).toBe(false);
    expect(data.calls).toEqual([]);
    expect(formNotifications(form)).toEqual([]);
  });

  it('sync on and every rule passes (co-sell with contact and solution): the save goes ahead', async () => {
    const form = createOpportunityForm({
      values: { helpNeeded: HelpNeededOptions.ProofOfConceptOrDemo, visibility: ReferralVisibility.visible },
    });
    serveWebApi(data);
    const { result, prevented } = save(form);
    await result;
    expect(prevented()).toBe(false);
    expect(formNotifications(form)).toEqual([]);
    expect(fieldMessages(form, O.parentContact)).toEqual([]);
    // What it read: env vars for the map, then the related rows with the map's columns.
    expect(data.calls).toContain(
      `${Tables.account}(a1b2c3d4-0000-4000-8000-0000000000ac)?$select=accountid,name,address1_line1,address1_line2,address1_city,address1_stateorprovince,address1_postalcode,address1_country`,
    );
    expect(data.calls).toContain(
      `${Tables.microsoftSolution}?$select=pcs_solutionid,pcs_name&$filter=_pcs_opportunityid_value eq a1b2c3d4-0000-4000-8000-000000000001` +
        '&$expand=pcs_solutiondetailid($select=pcs_solutionid,pcs_publishername,pcs_solutionkind)',
    );
  });

  it.each(LCIDS)(
    'sync on and rules fail: cancels the save and shows each problem in the user language (lcid %i)',
    async (lcid) => {
      const form = createOpportunityForm({
        lcid,
        values: {
          estimatedclosedate: null,
          contact: false,
          helpNeeded: HelpNeededOptions.GeneralOrOther,
          visibility: ReferralVisibility.visible,
        },
      });
      data.solutions = [];
      serveWebApi(data);
      const { result, prevented } = save(form);
      expect(result).toBeInstanceOf(Promise);
      await result;

      expect(prevented()).toBe(true);
      const closeDate: Problem = {
        code: 'closeDateMissing',
        table: 'opportunity',
        column: O.estimatedCloseDate,
      };
      const contact: Problem = {
        code: 'customerContactMissing',
        table: 'opportunity',
        column: O.parentContact,
      };
      const solution: Problem = { code: 'solutionMissing', table: 'pcs_microsoftsolution' };
      expect(fieldMessages(form, O.estimatedCloseDate)).toEqual([problemMessage(closeDate, lcid)]);
      expect(fieldMessages(form, O.parentContact)).toEqual([problemMessage(contact, lcid)]);
      expect(formNotifications(form)).toEqual([
        { message: problemMessage(solution, lcid), level: 'ERROR', uniqueId: 'pcs.problem.solutionMissing' },
      ]);
      // Each language really is different text.
      expect(new Set(LCIDS.map((l) => problemMessage(solution, l))).size).toBe(3);
    },
  );

  it('shows a problem whose column is not on the form as a form notification', async () => {
    const form = createOpportunityForm({ values: { estimatedvalue: null }, omit: [O.estimatedValue] });
    serveWebApi(data);
    const { result, prevented } = save(form);
    await result;
    expect(prevented()).toBe(true);
    expect(formNotifications(form)).toEqual([
      {
        message: problemMessage(
          { code: 'dealValueMissing', table: 'opportunity', column: O.estimatedValue },
          1033,
        ),
        level: 'ERROR',
        uniqueId: 'pcs.problem.dealValueMissing',
      },
    ]);
  });

  it('clears the previous problems once they are fixed and lets the next save through', async () => {
    const form = createOpportunityForm({ values: { estimatedvalue: null } });
    serveWebApi(data);
    const first = save(form);
    await first.result;
    expect(first.prevented()).toBe(true);

    form.getAttribute(O.estimatedValue)!.setValue(120000);
    const second = save(form);
    await second.result;
    expect(second.prevented()).toBe(false);
    expect(fieldMessages(form, O.estimatedValue)).toEqual([]);
    expect(formNotifications(form)).toEqual([]);
  });

  it('checks the country column named by pcs_CountryCodeFieldName', async () => {
    const form = createOpportunityForm();
    const countryColumn = 'pcs_countryiso2';
    data.environmentVariables[EnvironmentVariables.countryCodeFieldName] = {
      defaultvalue: 'address1_country',
      value: countryColumn,
    };
    data.accounts = Object.fromEntries(
      Object.entries(data.accounts).map(([k, row]) => [
        k,
        { ...row, [AccountColumns.country]: 'BR', [countryColumn]: null },
      ]),
    );
    serveWebApi(data);
    const { result, prevented } = save(form);
    await result;
    expect(prevented()).toBe(true);
    expect(data.calls.find((c) => c.startsWith(`${Tables.account}(`))).toContain(countryColumn);
    expect(formNotifications(form).map((n) => n.uniqueId)).toEqual(['pcs.problem.countryMissing']);
  });

  it('does not read solution rows of an unsaved opportunity: a shared deal is then blocked for lack of one', async () => {
    const form = createOpportunityForm({ id: '', values: { visibility: ReferralVisibility.visible } });
    serveWebApi(data);
    const { result, prevented } = save(form);
    await result;
    expect(prevented()).toBe(true);
    expect(data.calls.some((c) => c.startsWith(Tables.microsoftSolution))).toBe(false);
    expect(formNotifications(form).map((n) => n.uniqueId)).toEqual(['pcs.problem.solutionMissing']);
  });

  it('a private deal (not visible, no help) needs no Microsoft solution', async () => {
    const form = createOpportunityForm({ values: { visibility: ReferralVisibility.notVisible } });
    data.solutions = [];
    serveWebApi(data);
    const { result, prevented } = save(form);
    await result;
    expect(prevented()).toBe(false);
  });

  it.each([
    [1033, "couldn't be checked here (Network request failed)"],
    [1046, 'Não foi possível verificar aqui'],
    [3082, 'No se pudieron comprobar aquí'],
  ])('a failed read does not block the save: it warns instead (lcid %i)', async (lcid, text) => {
    const form = createOpportunityForm({ lcid });
    serveWebApi(data, new Error('Network request failed'));
    const { result, prevented } = save(form);
    await result;
    expect(prevented()).toBe(false);
    expect(formNotifications(form)).toEqual([
      expect.objectContaining({ level: 'WARNING', uniqueId: 'pcs.checkFailed' }),
    ]);
    expect(formNotifications(form)[0]?.message).toContain(text);
  });
});
