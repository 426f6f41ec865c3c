/**
 * An xrm-mock opportunity form with our columns (one control each, as on the shipped form) and an
 * in-memory Dataverse behind Xrm.WebApi that answers the reads the form scripts make, in Web API shape.
 */
import { XrmMockGenerator } from 'xrm-mock';
import {
  AccountColumns,
  ContactColumns,
  EnvironmentVariableColumns,
  MicrosoftSolutionColumns,
  OpportunityColumns as O,
  Tables,
  TransactionCurrencyColumns,
} from '../../../../Domain/constants';

export const IDS = {
  opportunity: '{A1B2C3D4-0000-4000-8000-000000000001}',
  account: '{A1B2C3D4-0000-4000-8000-0000000000AC}',
  contact: '{A1B2C3D4-0000-4000-8000-0000000000C0}',
  currency: '{A1B2C3D4-0000-4000-8000-0000000000CC}',
};

export interface FormSetup {
  id?: string;
  lcid?: number;
  values?: Partial<{
    name: string | null;
    estimatedvalue: number | null;
    estimatedclosedate: Date | null;
    sync: boolean | null;
    helpNeeded: number | null;
    visibility: number | null;
    syncStatus: number | null;
    audit: string | null;
    account: boolean;
    contact: boolean;
  }>;
  /** Columns left off the form (to prove the form-notification fallback). */
  omit?: string[];
}

const lookup = (id: string, entityType: string, name: string): Xrm.LookupValue[] => [
  { id, entityType, name },
];

export function createOpportunityForm(setup: FormSetup = {}) {
  const v = {
    name: 'Contoso — Azure migration',
    estimatedvalue: 250000,
    estimatedclosedate: new Date(2026, 11, 31),
    sync: true,
    helpNeeded: null,
    visibility: null,
    syncStatus: null,
    audit: null,
    account: true,
    contact: true,
    ...setup.values,
  };
  XrmMockGenerator.initialise({
    entity: { id: setup.id ?? IDS.opportunity, entityName: Tables.opportunity },
  });
  // A new record's getId() is '' on the platform; xrm-mock substitutes a placeholder for a falsy id.
  if (setup.id === '') (XrmMockGenerator.getFormContext().data.entity as unknown as { id: string }).id = '';
  XrmMockGenerator.context.userSettings.languageId = setup.lcid ?? 1033;
  const omit = new Set(setup.omit ?? []);
  const A = XrmMockGenerator.Attribute;
  const control = (name: string) => ({ name, visible: true, disabled: false });
  const add = (name: string, create: () => void) => {
    if (!omit.has(name)) create();
  };

  add(O.name, () => A.createString({ name: O.name, value: v.name }, control(O.name)));
  add(O.estimatedValue, () =>
    A.createNumber({ name: O.estimatedValue, value: v.estimatedvalue }, control(O.estimatedValue)),
  );
  add(O.estimatedCloseDate, () =>
    A.createDate(
      { name: O.estimatedCloseDate, value: v.estimatedclosedate, format: 'date' },
      control(O.estimatedCloseDate),
    ),
  );
  add(O.description, () =>
    A.createString({ name: O.description, value: 'Lift and shift' }, control(O.description)),
  );
  add(O.parentAccount, () =>
    A.createLookup(
      {
        name: O.parentAccount,
        value: v.account ? lookup(IDS.account, Tables.account, 'Contoso Brasil') : null,
      },
      control(O.parentAccount),
    ),
  );
  add(O.parentContact, () =>
    A.createLookup(
      { name: O.parentContact, value: v.contact ? lookup(IDS.contact, Tables.contact, 'Ana Souza') : null },
      control(O.parentContact),
    ),
  );
  add(O.transactionCurrency, () =>
    A.createLookup(
      { name: O.transactionCurrency, value: lookup(IDS.currency, Tables.transactioncurrency, 'Real') },
      control(O.transactionCurrency),
    ),
  );
  A.createBoolean({ name: O.syncWithPartnerCenter, value: v.sync }, control(O.syncWithPartnerCenter));
  A.createOptionSet({ name: O.helpNeeded, value: v.helpNeeded }, control(O.helpNeeded));
  A.createOptionSet({ name: O.referralVisibility, value: v.visibility }, control(O.referralVisibility));
  // Relay-owned columns, as the shipped form shows them.
  A.createString({ name: O.referralId, value: null }, control(O.referralId));
  A.createString({ name: O.referralLink, value: null }, control(O.referralLink));
  A.createString({ name: O.microsoftCrmId, value: null }, control(O.microsoftCrmId));
  A.createString({ name: O.audit, value: v.audit }, control(O.audit));
  A.createOptionSet({ name: O.syncStatus, value: v.syncStatus }, control(O.syncStatus));
  A.createDate({ name: O.lastSyncedOn, value: null }, control(O.lastSyncedOn));
  A.createString({ name: O.engagementId, value: null }, control(O.engagementId));
  A.createOptionSet({ name: O.referralStatus, value: null }, control(O.referralStatus));
  A.createOptionSet({ name: O.referralSubstatus, value: null }, control(O.referralSubstatus));
  // Not on the shipped form (the control shows them); a customizer may add them to theirs.
  A.createDate({ name: O.referralExpiresOn, value: null }, control(O.referralExpiresOn));
  A.createBoolean({ name: O.referralExpiryEstimated, value: null }, control(O.referralExpiryEstimated));
  A.createString({ name: O.microsoftSellerName, value: null }, control(O.microsoftSellerName));
  A.createString({ name: O.microsoftSellerEmail, value: null }, control(O.microsoftSellerEmail));
  A.createDate({ name: O.microsoftEngagedOn, value: null }, control(O.microsoftEngagedOn));
  A.createDate({ name: O.microsoftUpdatedOn, value: null }, control(O.microsoftUpdatedOn));
  A.createString({ name: O.microsoftNotes, value: null }, control(O.microsoftNotes));
  A.createOptionSet({ name: O.microsoftStatus, value: null }, control(O.microsoftStatus));

  return XrmMockGenerator.getFormContext();
}

export type Row = Record<string, unknown>;

/** Rows as the Web API returns them (with the @odata.etag annotation Dataverse adds). */
export interface Dataverse {
  accounts: Record<string, Row>;
  contacts: Record<string, Row>;
  currencies: Record<string, Row>;
  solutions: Row[];
  environmentVariables: Record<string, { defaultvalue?: string | null; value?: string }>;
  /** Every call, for assertions on what was read. */
  calls: string[];
}

const bare = (id: string) => id.replace(/[{}]/g, '').toLowerCase();

export function goodDataverse(): Dataverse {
  return {
    accounts: {
      [bare(IDS.account)]: {
        '@odata.etag': 'W/"1001"',
        [AccountColumns.id]: bare(IDS.account),
        [AccountColumns.name]: 'Contoso Brasil',
        [AccountColumns.city]: 'São Paulo',
        [AccountColumns.country]: 'BR',
      },
    },
    contacts: {
      [bare(IDS.contact)]: {
        '@odata.etag': 'W/"1002"',
        [ContactColumns.id]: bare(IDS.contact),
        [ContactColumns.firstName]: 'Ana',
        [ContactColumns.lastName]: 'Souza',
        [ContactColumns.email]: 'ana.souza@contoso.com.br',
        [ContactColumns.phone]: '+55 11 5555-0100',
      },
    },
    currencies: {
      [bare(IDS.currency)]: { '@odata.etag': 'W/"9"', [TransactionCurrencyColumns.isoCode]: 'BRL' },
    },
    solutions: [
      {
        '@odata.etag': 'W/"3"',
        [MicrosoftSolutionColumns.solutionId]: 'SOL-15974-MQF',
        [MicrosoftSolutionColumns.name]: 'Azure Migrate',
        [`_${MicrosoftSolutionColumns.opportunity}_value`]: bare(IDS.opportunity),
      },
    ],
    environmentVariables: {},
    calls: [],
  };
}

/** Replaces Xrm.WebApi's reads with answers from `data` (select-aware, like the Web API). */
export function serveWebApi(data: Dataverse, fail?: Error): void {
  const pick = (row: Row | undefined, options: string) => {
    if (!row) throw Object.assign(new Error('Entity Does Not Exist'), { errorCode: -2147220969 });
    const selected = /\$select=([^&]+)/.exec(options)?.[1]?.split(',') ?? Object.keys(row);
    return Object.fromEntries([
      ['@odata.etag', row['@odata.etag']],
      ...selected.map((c) => [c, row[c] ?? null]),
    ]);
  };
  const retrieveRecord = jest.fn(async (table: string, id: string, options = '') => {
    data.calls.push(`${table}(${id})${options}`);
    if (fail) throw fail;
    const key = bare(id);
    if (table === Tables.account) return pick(data.accounts[key], options);
    if (table === Tables.contact) return pick(data.contacts[key], options);
    if (table === Tables.transactioncurrency) return pick(data.currencies[key], options);
    throw new Error(`unexpected retrieveRecord ${table}`);
  });
  const retrieveMultipleRecords = jest.fn(async (table: string, options = '') => {
    data.calls.push(`${table}${options}`);
    if (fail) throw fail;
    if (table === EnvironmentVariableColumns.definitionTable) {
      const name = /schemaname eq '([^']+)'/.exec(options)?.[1] ?? '';
      const variable = data.environmentVariables[name];
      if (!variable) return { entities: [] };
      const values = variable.value === undefined ? [] : [{ value: variable.value }];
      return {
        entities: [
          {
            defaultvalue: variable.defaultvalue ?? null,
            [EnvironmentVariableColumns.valuesNavigation]: values,
          },
        ],
      };
    }
    if (table === Tables.microsoftSolution) {
      const opportunityId = / eq ([0-9a-f-]+)/.exec(options)?.[1];
      const lookupName = `_${MicrosoftSolutionColumns.opportunity}_value`;
      return {
        entities: data.solutions
          .filter((row) => row[lookupName] === opportunityId)
          .map((row) => pick(row, options)),
      };
    }
    throw new Error(`unexpected retrieveMultipleRecords ${table}`);
  });
  Object.assign(Xrm.WebApi, { retrieveRecord, retrieveMultipleRecords });
}
