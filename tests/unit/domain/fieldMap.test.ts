import {
  AccountColumns,
  applyOverrides,
  DEFAULT_FIELD_MAP,
  formatFieldMapError,
  HelpNeededOptions,
  LeadColumns,
  MicrosoftSolutionColumns,
  OpportunityColumns,
  parseFieldMap,
  ReferralVisibility,
  Tables,
  TransactionCurrencyColumns,
  type FieldMapEntry,
} from '../../../Domain';

const entry = (over: Partial<FieldMapEntry>): FieldMapEntry => ({
  referral: 'details.notes',
  table: 'opportunity',
  column: 'description',
  direction: 'both',
  ...over,
});
const errorsOf = (entries: unknown[]) => {
  const result = parseFieldMap({ version: 1, entries });
  if (result.ok) throw new Error('expected errors');
  return result.errors;
};
const find = (referral: string, table: string) =>
  DEFAULT_FIELD_MAP.entries.find((e) => e.referral === referral && e.table === table);

describe('DEFAULT_FIELD_MAP', () => {
  it('is itself a valid field map', () => {
    expect(parseFieldMap(JSON.stringify(DEFAULT_FIELD_MAP))).toEqual({ ok: true, map: DEFAULT_FIELD_MAP });
  });

  it.each([
    ['name', Tables.opportunity, OpportunityColumns.name, 'both'],
    ['details.dealValue', Tables.opportunity, OpportunityColumns.estimatedValue, 'both'],
    ['details.currency', Tables.transactioncurrency, TransactionCurrencyColumns.isoCode, 'both'],
    ['details.closingDateTime', Tables.opportunity, OpportunityColumns.estimatedCloseDate, 'both'],
    ['details.notes', Tables.opportunity, OpportunityColumns.description, 'both'],
    ['customerProfile.name', Tables.account, AccountColumns.name, 'both'],
    ['customerProfile.address.addressLine1', Tables.account, AccountColumns.line1, 'both'],
    ['customerProfile.address.addressLine2', Tables.account, AccountColumns.line2, 'both'],
    ['customerProfile.address.city', Tables.account, AccountColumns.city, 'both'],
    ['customerProfile.address.state', Tables.account, AccountColumns.state, 'both'],
    ['customerProfile.address.postalCode', Tables.account, AccountColumns.postalCode, 'both'],
    ['customerProfile.address.country', Tables.account, AccountColumns.country, 'both'],
    ['customerProfile.team[0].firstName', Tables.contact, 'firstname', 'both'],
    ['customerProfile.team[0].lastName', Tables.contact, 'lastname', 'both'],
    ['customerProfile.team[0].email', Tables.contact, 'emailaddress1', 'both'],
    ['customerProfile.team[0].phoneNumber', Tables.contact, 'telephone1', 'both'],
    [
      'consent.consentToShareReferralWithMicrosoftSellers',
      Tables.opportunity,
      OpportunityColumns.referralVisibility,
      'both',
    ],
    ['inviteContext.assistanceRequestCode', Tables.opportunity, OpportunityColumns.helpNeeded, 'both'],
    [
      'details.requirements.solutions[]',
      Tables.microsoftSolution,
      MicrosoftSolutionColumns.solutionId,
      'both',
    ],
    ['status', Tables.opportunity, OpportunityColumns.referralStatus, 'toDataverse'],
    ['substatus', Tables.opportunity, OpportunityColumns.referralSubstatus, 'toDataverse'],
    ['trackingInfo.microsoftMsxId', Tables.opportunity, OpportunityColumns.microsoftCrmId, 'toDataverse'],
    ['engagementId', Tables.opportunity, OpportunityColumns.engagementId, 'toDataverse'],
    ['id', Tables.opportunity, OpportunityColumns.referralId, 'toDataverse'],
    ['externalReferenceId', Tables.opportunity, OpportunityColumns.id, 'toPartnerCenter'],
    ['name', Tables.lead, LeadColumns.subject, 'toDataverse'],
    ['customerProfile.name', Tables.lead, LeadColumns.companyName, 'toDataverse'],
    ['details.dealValue', Tables.lead, LeadColumns.budgetAmount, 'toDataverse'],
  ])('maps %s to %s.%s (%s)', (referral, table, column, direction) => {
    expect(find(referral, table)).toMatchObject({ column, direction });
  });

  it('maps visibility and help codes through value maps of our option values', () => {
    expect(find('consent.consentToShareReferralWithMicrosoftSellers', 'opportunity')?.valueMap).toEqual({
      true: ReferralVisibility.visible,
      false: ReferralVisibility.notVisible,
    });
    expect(find('inviteContext.assistanceRequestCode', 'opportunity')?.valueMap).toEqual({
      WorkloadSpecificValueProposition: 727100001,
      CustomerTechnicalArchitecture: 727100002,
      ProofOfConceptOrDemo: 727100003,
      QuotesOrLicensing: 727100004,
      PostSalesCustomerSuccess: 727100005,
      GeneralOrOther: 727100006,
    });
    expect(Object.values(HelpNeededOptions)).toHaveLength(6);
  });
});

describe('parseFieldMap', () => {
  it.each([[''], ['   '], [null], [undefined]])('treats %p as the default map', (input) => {
    expect(parseFieldMap(input)).toEqual({ ok: true, map: DEFAULT_FIELD_MAP });
  });

  it('accepts JSON text and values alike', () => {
    const doc = { version: 1, entries: [entry({})] };
    expect(parseFieldMap(JSON.stringify(doc))).toEqual({ ok: true, map: doc });
    expect(parseFieldMap(doc)).toEqual({ ok: true, map: doc });
  });

  it('reports bad JSON text as one document error carrying the parser message', () => {
    const result = parseFieldMap('{"version": 1, "entries": [}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ entry: null });
    expect(result.errors[0]!.message).toMatch(/^field map is not valid JSON: Unexpected token '}'/);
  });

  it('reports a wrong document shape without naming an entry', () => {
    const result = parseFieldMap({ version: 2, entries: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.entry)).toEqual([null, null]);
    expect(result.errors.map((e) => e.message)).toEqual([
      'version: expected 1',
      'entries: expected a list of entries',
    ]);
  });

  it('names the entry index, referral path and reason of each bad entry', () => {
    const errors = errorsOf([
      entry({}),
      entry({ referral: 'details.dealValue', table: 'opportunities' as never, column: 'estimatedvalue' }),
      entry({ referral: 'customerProfile.address.city', table: 'account', column: 'Address1_City' }),
      entry({ referral: 'details.notes', direction: 'sideways' as never }),
      entry({ referral: 'details.dealvalue', column: 'estimatedvalue' }),
      entry({ referral: 'details.notes', column: 'description' }),
      entry({ referral: 'id', column: 'pcs_referralid', direction: 'both' }),
      entry({ referral: 'name', column: 'pcs_microsoftcrmid', direction: 'toPartnerCenter' }),
      entry({ referral: 'externalReferenceId', column: 'opportunityid', direction: 'toDataverse' }),
      entry({ referral: 'name', table: 'lead', column: 'subject', direction: 'both' }),
      entry({ referral: 'details.requirements.solutions[]', table: 'opportunity', column: 'pcs_solutionid' }),
      entry({ referral: 'details.currency', table: 'transactioncurrency', column: 'currencyname' }),
      entry({ referral: 'customerProfile.name', table: 'account', column: 'accountid', direction: 'both' }),
    ]);
    expect(errors.map((e) => [e.entry, e.referral])).toEqual([
      [1, 'details.dealValue'],
      [2, 'customerProfile.address.city'],
      [3, 'details.notes'],
      [4, 'details.dealvalue'],
      [5, 'details.notes'],
      [6, 'id'],
      [7, 'name'],
      [8, 'externalReferenceId'],
      [9, 'name'],
      [10, 'details.requirements.solutions[]'],
      [11, 'details.currency'],
      [12, 'customerProfile.name'],
    ]);
    const messages = errors.map((e) => e.message);
    expect(messages[0]).toBe(
      'table: expected one of opportunity, account, contact, lead, pcs_microsoftsolution, transactioncurrency',
    );
    expect(messages[1]).toBe('column: not a Dataverse logical name (lower-case a-z, 0-9, _)');
    expect(messages[2]).toBe('direction: expected one of both, toPartnerCenter, toDataverse');
    expect(messages[3]).toMatch(/^unknown referral path 'details.dealvalue'/);
    expect(messages[4]).toBe('column opportunity.description is already written by entries[0]');
    expect(messages[5]).toBe("direction must be 'toDataverse' for 'id'");
    expect(messages[6]).toBe(
      "column pcs_microsoftcrmid is written only by the relay: direction must be 'toDataverse'",
    );
    expect(messages[7]).toBe("direction must be 'toPartnerCenter' for 'externalReferenceId'");
    expect(messages[8]).toMatch(/^lead columns are only written from referrals/);
    expect(messages[9]).toMatch(/only it maps to table pcs_microsoftsolution/);
    expect(messages[10]).toBe('table transactioncurrency only offers column isocurrencycode');
    expect(messages[11]).toBe("primary key accountid cannot be written: direction must be 'toPartnerCenter'");
  });

  it('names an entry that is not an object, or misses a property', () => {
    expect(errorsOf(['x', { referral: 'name', table: 'opportunity', direction: 'both' }])).toEqual([
      { entry: 0, message: 'entry: expected an entry object' },
      { entry: 1, referral: 'name', message: 'column: expected a column logical name (text)' },
    ]);
  });

  it('allows the same column twice when only one entry writes it', () => {
    const result = parseFieldMap({
      version: 1,
      entries: [entry({ direction: 'toPartnerCenter' }), entry({ direction: 'toDataverse' })],
    });
    expect(result.ok).toBe(true);
  });

  it('formats errors as one line naming the entry', () => {
    expect(formatFieldMapError({ entry: 4, referral: 'id', message: 'boom' })).toBe('entries[4] (id): boom');
    expect(formatFieldMapError({ entry: null, message: 'not JSON' })).toBe('not JSON');
  });

  it('keeps value maps and defaults, drops unknown entry properties', () => {
    const result = parseFieldMap({
      version: 1,
      entries: [{ ...entry({ default: 'n/a', valueMap: { a: 1 } }), note: 'ignored' }],
    });
    expect(result).toEqual({
      ok: true,
      map: { version: 1, entries: [entry({ default: 'n/a', valueMap: { a: 1 } })] },
    });
  });
});

describe('applyOverrides', () => {
  it('repoints deal value and country columns named by the environment variables', () => {
    const map = applyOverrides(DEFAULT_FIELD_MAP, {
      dealValueFieldName: 'new_dealvalue',
      countryCodeFieldName: 'new_countryiso',
    });
    expect(
      map.entries.find((e) => e.referral === 'details.dealValue' && e.table === 'opportunity')?.column,
    ).toBe('new_dealvalue');
    expect(map.entries.find((e) => e.referral === 'customerProfile.address.country')?.column).toBe(
      'new_countryiso',
    );
    // The lead's budget column is not the opportunity's deal value column.
    expect(map.entries.find((e) => e.referral === 'details.dealValue' && e.table === 'lead')?.column).toBe(
      'budgetamount',
    );
    expect(DEFAULT_FIELD_MAP.entries.find((e) => e.referral === 'details.dealValue')?.column).toBe(
      'estimatedvalue',
    );
  });

  it('keeps the map when the variables are empty', () => {
    expect(applyOverrides(DEFAULT_FIELD_MAP, { dealValueFieldName: '', countryCodeFieldName: null })).toEqual(
      DEFAULT_FIELD_MAP,
    );
  });
});
