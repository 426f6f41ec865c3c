/**
 * What the solution's environment variable descriptions tell an admin is what the product does. One
 * row per variable: the effect the description states (in every language), and a check of that effect
 * against the code — the constants, the defaults, the accepted values and the behaviour behind them.
 * A new variable without a row fails here.
 */
import { envVars } from '../../../Build/solution/model/envVars';
import type { EnvVarDef } from '../../../Build/solution/model/envVars';
import { CHECKMARK_FAILED, CHECKMARK_SYNCED, withCheckmark } from '../../../Domain/checkmark';
import {
  AccountColumns,
  CoSellCreationFlows,
  EnvironmentVariables,
  OpportunityColumns,
  Tables,
} from '../../../Domain/constants';
import { parseYesNo } from '../../../Domain/environmentVariables';
import { applyOverrides, DEFAULT_FIELD_MAP, findEntry } from '../../../Domain/fieldMap';
import type { Referral } from '../../../Domain/referral';
import { checkSharingRules } from '../../../Domain/rules';
import { customerFilteringAttributes } from '../../../Plugins/manifest';
import { closeRecordsFromPartnerCenter } from '../../../Relay/sync/closing';
import { DEFAULT_INBOUND_RULE, parseInboundRule, routeReferral } from '../../../Relay/sync/inboundRouting';
import { createSettings } from '../../../Relay/sync/settings';
import { SANDBOX_CLIENT_ID } from '../../../WebResources/relayClient/devTokenProvider';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { snapshotFromWebApi, opportunityQuery } from '../../../Domain/mapping';
import { FakeClock } from '../../testkit/clock';
import { FakeDataverse } from '../../testkit/fakeDataverse';
import { cosell } from '../cli/run';

const mockRunSetup = jest.fn(async (_options: { environmentVariables?: Record<string, string> }) => ({
  plan: [],
  testEvent: 'skipped' as const,
}));
jest.mock('../../../Relay/config/setup', () => ({ runSetup: (options: never) => mockRunSetup(options) }));
jest.mock('../../../Relay/server/clients', () => ({ createClients: () => ({}) }));

/** The settings the relay reads, over a Dataverse holding this value (null: no value row, no default). */
const settingsWith = (schemaName: string, value: string | null) => {
  const dataverse = new FakeDataverse();
  if (value !== null) dataverse.environmentVariables.set(schemaName, value);
  return createSettings(dataverse, new FakeClock(), 0);
};

/** A referral Microsoft sends (a marketplace lead) and a deal the partner created in the portal. */
const microsoftLead = {
  name: 'Marketplace lead',
  type: 'Independent',
  qualification: 'Direct',
  status: 'New',
  substatus: 'Pending',
  inviteContext: { invitedBy: { organizationId: 'msft' } },
} as unknown as Referral;
const partnerDeal = {
  ...microsoftLead,
  type: 'Shared',
  qualification: 'SalesQualified',
  inviteContext: {},
} as Referral;

/** The environment variable values `cosell setup` hands to the setup it runs. */
async function valuesSetupWrites(...args: string[]): Promise<Record<string, string>> {
  mockRunSetup.mockClear();
  process.env.COSELL_DATAVERSE_WEBHOOK_KEY = 'k'.repeat(40);
  try {
    const { code, err } = await cosell(
      'setup',
      '--dataverse-url',
      'https://contoso.crm.dynamics.com',
      ...args,
    );
    expect({ code, err }).toEqual({ code: 0, err: '' });
  } finally {
    delete process.env.COSELL_DATAVERSE_WEBHOOK_KEY;
  }
  return mockRunSetup.mock.calls[0]![0].environmentVariables ?? {};
}

interface DescribedEffect {
  /** What the English description must say. */
  says: RegExp[];
  /** What it must not say (claims the code does not hold). */
  never?: RegExp[];
  /** Text every language's description must carry (values, names, marks). */
  everyLanguage: string[];
  /** The code does what the description says. */
  behaves: (definition: EnvVarDef) => void | Promise<void>;
}

const DESCRIBED: Record<string, DescribedEffect> = {
  [EnvironmentVariables.showCheckmarkInName]: {
    says: [
      /^Yes \(default\)/,
      /appends ✔ .* successful sync/,
      /✖ after a failed one/,
      /No: it removes the mark/,
    ],
    never: [/prefix/i],
    everyLanguage: [CHECKMARK_SYNCED, CHECKMARK_FAILED],
    behaves: async (definition) => {
      // Appended, one mark, replaced by the next outcome, removed when switched off.
      expect(withCheckmark('Contoso deal', 'synced')).toBe(`Contoso deal ${CHECKMARK_SYNCED}`);
      expect(withCheckmark(`Contoso deal ${CHECKMARK_SYNCED}`, 'failed')).toBe(
        `Contoso deal ${CHECKMARK_FAILED}`,
      );
      expect(withCheckmark(`Contoso deal ${CHECKMARK_FAILED}`, null)).toBe('Contoso deal');
      expect(definition.defaultValue).toBe('yes');
      expect(definition.allowed).toEqual(['yes', 'no']);
      expect(definition.description[1046]).toMatch(/^Sim \(padrão\).*Não: remove a marca/);
      expect(definition.description[3082]).toMatch(/^Sí \(predeterminado\).*No: quita la marca/);
      const name = EnvironmentVariables.showCheckmarkInName;
      expect(await settingsWith(name, null).showCheckmark()).toBe(true);
      expect(await settingsWith(name, 'yes').showCheckmark()).toBe(true);
      expect(await settingsWith(name, 'no').showCheckmark()).toBe(false);
    },
  },
  [EnvironmentVariables.dealValueFieldName]: {
    says: [/opportunity column/, /default estimatedvalue/, /replaces the column of details\.dealValue/],
    everyLanguage: [OpportunityColumns.estimatedValue, 'details.dealValue'],
    behaves: (definition) => {
      const entry = () => findEntry(DEFAULT_FIELD_MAP, 'details.dealValue', [Tables.opportunity]);
      expect(definition.defaultValue).toBe(entry()?.column);
      const repointed = applyOverrides(DEFAULT_FIELD_MAP, { dealValueFieldName: 'new_dealvalue' });
      expect(findEntry(repointed, 'details.dealValue', [Tables.opportunity])?.column).toBe('new_dealvalue');
    },
  },
  [EnvironmentVariables.countryCodeFieldName]: {
    says: [
      /account column/,
      /two-letter ISO code/,
      /default address1_country/,
      /replaces the column of customerProfile\.address\.country/,
      /a change to it re-syncs the account's opportunities in error/,
    ],
    everyLanguage: [AccountColumns.country, 'customerProfile.address.country', 'US, BR'],
    behaves: async (definition) => {
      const path = 'customerProfile.address.country';
      expect(definition.defaultValue).toBe(findEntry(DEFAULT_FIELD_MAP, path, [Tables.account])?.column);
      const map = applyOverrides(DEFAULT_FIELD_MAP, { countryCodeFieldName: 'address2_country' });
      expect(findEntry(map, path, [Tables.account])?.column).toBe('address2_country');
      // The rules read the ISO code from that column…
      const dataverse = new FakeDataverse();
      const { opportunityId, accountId } = await createSeedOpportunity(dataverse, { country: 'US' });
      await dataverse.update('accounts', accountId, { address2_country: 'United States' });
      const snapshot = snapshotFromWebApi(
        await dataverse.retrieve('opportunities', opportunityId, opportunityQuery(map)),
      );
      expect(checkSharingRules(snapshot, map)).toEqual([
        expect.objectContaining({ code: 'countryNotIso2', column: 'address2_country' }),
      ]);
      // …and the account step fires on a change to it.
      expect(customerFilteringAttributes(map, Tables.account)).toEqual(['address2_country']);
    },
  },
  [EnvironmentVariables.relayBaseUrl]: {
    says: [/relay service that the Partner Center sync control calls/, /set by cosell setup/],
    never: [/HTTPS/, /form uses/],
    everyLanguage: ['cosell setup'],
    behaves: async (definition) => {
      expect(definition.isRequired).toBe(1);
      expect(await valuesSetupWrites('--relay-url', 'https://relay.contoso.example')).toMatchObject({
        [EnvironmentVariables.relayBaseUrl]: 'https://relay.contoso.example',
      });
    },
  },
  [EnvironmentVariables.relayClientId]: {
    says: [
      /application \(client\) ID of the relay API/,
      /cosell setup --relay-client-id/,
      /sandbox for the local sandbox only/,
    ],
    never: [/form uses/],
    everyLanguage: ['cosell setup --relay-client-id', SANDBOX_CLIENT_ID],
    behaves: async (definition) => {
      expect(definition.isRequired).toBe(1);
      expect(SANDBOX_CLIENT_ID).toBe('sandbox');
      const id = '3f2a8a52-9b1e-4f0e-8c39-6d1f0a2b7c11';
      expect(
        await valuesSetupWrites('--relay-url', 'https://relay.contoso.example', '--relay-client-id', id),
      ).toMatchObject({ [EnvironmentVariables.relayClientId]: id });
    },
  },
  [EnvironmentVariables.inboundReferralPolicy]: {
    says: [
      /^Replaced by .*\(pcs_MicrosoftReferralTarget\)/,
      /If set and the new variable is empty, lead or opportunity applies to referrals Microsoft sends/,
      /referrals you create in Partner Center always become opportunities/,
    ],
    never: [/default/i],
    everyLanguage: [EnvironmentVariables.microsoftReferralTarget, 'lead', 'opportunity'],
    behaves: (definition) => {
      // No default: only a value an admin set is carried over to the new rule.
      expect(definition.defaultValue).toBeUndefined();
      expect(definition.allowed).toEqual(['lead', 'opportunity']);
      expect(parseInboundRule({ target: null, legacyPolicy: 'lead' }).microsoft).toBe('lead');
      expect(parseInboundRule({ target: null, legacyPolicy: 'opportunity' }).microsoft).toBe('opportunity');
      expect(parseInboundRule({ target: 'opportunity', legacyPolicy: 'lead' }).microsoft).toBe('opportunity');
      expect(routeReferral(partnerDeal, parseInboundRule({ target: null, legacyPolicy: 'lead' })).table).toBe(
        'opportunity',
      );
    },
  },
  [EnvironmentVariables.microsoftReferralTarget]: {
    says: [
      /^lead or opportunity: what a new referral sent by Microsoft becomes/,
      /\(empty = lead\)/,
      /Referrals you create in Partner Center .* always become opportunities/,
      /a referral already accepted becomes an opportunity/,
    ],
    everyLanguage: ['lead', 'opportunity'],
    behaves: (definition) => {
      expect(definition.defaultValue).toBeUndefined();
      expect(definition.allowed).toEqual(['lead', 'opportunity']);
      expect(DEFAULT_INBOUND_RULE.microsoft).toBe('lead');
      const toOpportunity = parseInboundRule({ target: 'opportunity', legacyPolicy: null });
      expect(routeReferral(microsoftLead, DEFAULT_INBOUND_RULE).table).toBe('lead');
      expect(routeReferral(microsoftLead, toOpportunity).table).toBe('opportunity');
      expect(routeReferral(partnerDeal, DEFAULT_INBOUND_RULE).table).toBe('opportunity');
      expect(
        routeReferral({ ...microsoftLead, status: 'Active', substatus: 'Accepted' }, DEFAULT_INBOUND_RULE)
          .table,
      ).toBe('opportunity');
    },
  },
  [EnvironmentVariables.coSellCreationFlow]: {
    says: [
      /^How a deal shared with Microsoft is created in Partner Center/,
      /one-step \(one referral; default\)/,
      /two-step \(your referral, then a connected referral for Microsoft/,
    ],
    everyLanguage: [CoSellCreationFlows.oneStep, CoSellCreationFlows.twoStep],
    behaves: async (definition) => {
      expect(definition.defaultValue).toBe(CoSellCreationFlows.oneStep);
      expect(definition.allowed).toEqual(Object.values(CoSellCreationFlows));
      const name = EnvironmentVariables.coSellCreationFlow;
      expect(await settingsWith(name, null).coSellCreationFlow()).toBe(CoSellCreationFlows.oneStep);
      expect(await settingsWith(name, CoSellCreationFlows.twoStep).coSellCreationFlow()).toBe(
        CoSellCreationFlows.twoStep,
      );
    },
  },
  [EnvironmentVariables.closeOpportunityFromPartnerCenter]: {
    says: [
      /^Yes \(default\): a referral won, lost, declined or expired in Partner Center closes its opportunity/,
      /No: the record stays open/,
    ],
    everyLanguage: [],
    behaves: async (definition) => {
      expect(definition.defaultValue).toBe('yes');
      expect(definition.description[1046]).toMatch(/^Sim \(padrão\)/);
      expect(definition.description[3082]).toMatch(/^Sí \(predeterminado\)/);
      const name = EnvironmentVariables.closeOpportunityFromPartnerCenter;
      expect(await closeRecordsFromPartnerCenter(settingsWith(name, null))).toBe(true);
      expect(await closeRecordsFromPartnerCenter(settingsWith(name, 'yes'))).toBe(true);
      expect(await closeRecordsFromPartnerCenter(settingsWith(name, 'no'))).toBe(false);
    },
  },
};

describe('environment variable descriptions', () => {
  it('every variable the solution ships has a row here, and only those', () => {
    expect(envVars.map((v) => v.schemaName).sort()).toEqual(Object.keys(DESCRIBED).sort());
  });

  it.each(envVars.map((v) => [v.schemaName, v] as const))(
    '%s says what the code does',
    async (_name, definition) => {
      const described = DESCRIBED[definition.schemaName]!;
      const english = definition.description[1033];
      for (const claim of described.says) expect(english).toMatch(claim);
      for (const wrong of described.never ?? []) expect(english).not.toMatch(wrong);
      for (const lcid of [1033, 1046, 3082] as const) {
        for (const text of described.everyLanguage) expect(definition.description[lcid]).toContain(text);
        // A default the admin relies on is named in every language (a column name, a value; the Yes/No
        // ones say "(default)", checked in their rows).
        if (definition.defaultValue && definition.type !== 100000002)
          expect(definition.description[lcid]).toContain(definition.defaultValue);
      }
      // Accepted values are values the code reads as such.
      if (definition.type === 100000002)
        for (const value of definition.allowed ?? []) expect(parseYesNo(value)).not.toBeNull();
      await described.behaves(definition);
    },
  );
});
