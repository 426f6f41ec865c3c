import {
  checkSharingRules,
  DEFAULT_FIELD_MAP,
  applyOverrides,
  dealTypeOf,
  HelpNeededOptions,
  isIso2Country,
  LANGUAGES,
  problemMessage,
  ReferralVisibility,
  snapshotFromWebApi,
  type OpportunitySnapshot,
  type Problem,
  type ProblemCode,
} from '../../../Domain';
import { PROBLEM_MESSAGES } from '../../../Domain/messages';
import { ISO_3166_ALPHA2 } from '../../../Domain/iso3166';
import { opportunityFixture } from '../../testkit/fixtureFiles';

const cosell = () => snapshotFromWebApi(opportunityFixture('cosell'));
const codes = (problems: Problem[]) => problems.map((p) => p.code);

describe('dealTypeOf', () => {
  it.each([
    [null, null, 'private'],
    [undefined, undefined, 'private'],
    [ReferralVisibility.notVisible, null, 'private'],
    [ReferralVisibility.visible, null, 'partnerLed'],
    [ReferralVisibility.visible, HelpNeededOptions.ProofOfConceptOrDemo, 'coSell'],
    // Help implies sharing: an empty visibility next to a help code is co-sell (the form sets Visible).
    [null, HelpNeededOptions.GeneralOrOther, 'coSell'],
    // Contradiction: still co-sell, and checkSharingRules reports visibilityRequiredForHelp.
    [ReferralVisibility.notVisible, HelpNeededOptions.QuotesOrLicensing, 'coSell'],
  ])('visibility %p + help %p → %s', (visibility, help, type) => {
    expect(dealTypeOf(visibility, help)).toBe(type);
  });
});

describe('isIso2Country', () => {
  it('accepts assigned alpha-2 codes only', () => {
    expect(['US', 'BR', 'ES', 'GB', 'SS', 'XK'].map(isIso2Country)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(['us', 'USA', 'United States', 'UK', 'EU', '', ' US', null, 12].map(isIso2Country)).toEqual(
      Array(9).fill(false),
    );
  });

  it('lists the 249 assigned codes, each a region the ICU data knows', () => {
    expect(ISO_3166_ALPHA2.size).toBe(249);
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    const unknown = [...ISO_3166_ALPHA2].filter((code) => names.of(code) === code);
    expect(unknown).toEqual([]);
  });
});

describe('checkSharingRules', () => {
  it('passes the three complete fixtures', () => {
    for (const kind of ['cosell', 'partnerled', 'private'] as const) {
      expect(checkSharingRules(snapshotFromWebApi(opportunityFixture(kind)), DEFAULT_FIELD_MAP)).toEqual([]);
    }
  });

  it('reports everything missing in a stable order, pointing at the column to fix', () => {
    const empty: OpportunitySnapshot = {
      opportunity: {
        opportunityid: 'x',
        name: ' ✔',
        pcs_referralvisibility: ReferralVisibility.notVisible,
        pcs_helpneeded: HelpNeededOptions.GeneralOrOther,
      },
      account: null,
      contact: null,
      currencyIsoCode: null,
      solutions: [],
    };
    expect(checkSharingRules(empty, DEFAULT_FIELD_MAP)).toEqual([
      { code: 'nameMissing', table: 'opportunity', column: 'name' },
      { code: 'accountMissing', table: 'opportunity', column: 'parentaccountid' },
      { code: 'dealValueMissing', table: 'opportunity', column: 'estimatedvalue' },
      { code: 'closeDateMissing', table: 'opportunity', column: 'estimatedclosedate' },
      { code: 'visibilityRequiredForHelp', table: 'opportunity', column: 'pcs_referralvisibility' },
      { code: 'customerContactMissing', table: 'opportunity', column: 'parentcontactid' },
      { code: 'solutionMissing', table: 'pcs_microsoftsolution' },
    ]);
  });

  it('checks the country on the account, as ISO alpha-2, with the offending value', () => {
    const s = cosell();
    s.account = { ...s.account, address1_country: 'Brasil' };
    expect(checkSharingRules(s, DEFAULT_FIELD_MAP)).toEqual([
      { code: 'countryNotIso2', table: 'account', column: 'address1_country', params: { country: 'Brasil' } },
    ]);
    s.account = { ...s.account, address1_country: '  ' };
    expect(codes(checkSharingRules(s, DEFAULT_FIELD_MAP))).toEqual(['countryMissing']);
  });

  it('reads the columns the environment variables point at', () => {
    const map = applyOverrides(DEFAULT_FIELD_MAP, {
      dealValueFieldName: 'new_dealvalue',
      countryCodeFieldName: 'new_countryiso',
    });
    const s = cosell();
    expect(checkSharingRules(s, map)).toEqual([
      { code: 'countryMissing', table: 'account', column: 'new_countryiso' },
      { code: 'dealValueMissing', table: 'opportunity', column: 'new_dealvalue' },
    ]);
    s.opportunity.new_dealvalue = 10;
    s.account = { ...s.account, new_countryiso: 'PT' };
    expect(checkSharingRules(s, map)).toEqual([]);
  });

  it('needs a complete customer contact for co-sell only', () => {
    const s = cosell();
    s.contact = { ...s.contact, emailaddress1: null, telephone1: '' };
    expect(checkSharingRules(s, DEFAULT_FIELD_MAP)).toEqual([
      {
        code: 'contactDetailsMissing',
        table: 'contact',
        column: 'emailaddress1',
        params: { columns: 'emailaddress1, telephone1' },
      },
    ]);
    s.opportunity.pcs_helpneeded = null;
    expect(checkSharingRules(s, DEFAULT_FIELD_MAP)).toEqual([]);
    s.contact = null;
    expect(checkSharingRules(s, DEFAULT_FIELD_MAP)).toEqual([]);
  });

  it('needs a Microsoft solution for partner-led and co-sell, not for private deals', () => {
    const s = cosell();
    s.solutions = [{ solutionId: ' ' }];
    expect(codes(checkSharingRules(s, DEFAULT_FIELD_MAP))).toEqual(['solutionMissing']);
    s.opportunity.pcs_helpneeded = null;
    expect(codes(checkSharingRules(s, DEFAULT_FIELD_MAP))).toEqual(['solutionMissing']);
    s.opportunity.pcs_referralvisibility = ReferralVisibility.notVisible;
    expect(codes(checkSharingRules(s, DEFAULT_FIELD_MAP))).toEqual([]);
  });

  it('accepts a zero deal value but not an empty one', () => {
    const s = cosell();
    s.opportunity.estimatedvalue = 0;
    expect(checkSharingRules(s, DEFAULT_FIELD_MAP)).toEqual([]);
    s.opportunity.estimatedvalue = null;
    expect(codes(checkSharingRules(s, DEFAULT_FIELD_MAP))).toEqual(['dealValueMissing']);
  });
});

describe('Services co-sell: solution area, solution play and partner role', () => {
  /** The co-sell fixture with its first solution marked Services in the catalogue. */
  const servicesCoSell = () => {
    const s = cosell();
    s.solutions = [{ ...s.solutions[0]!, services: true }, s.solutions[1]!];
    return s;
  };
  const picked = {
    _pcs_solutionareaid_value: '5e2c1a40-0000-4000-8000-000000000001',
    _pcs_solutionplayid_value: '5e2c1a40-0000-4000-8000-000000000002',
    _pcs_partnerroleid_value: '5e2c1a40-0000-4000-8000-000000000003',
  };

  it('blocks a co-sell with a Services solution until all three are chosen, one problem per field', () => {
    const s = servicesCoSell();
    expect(checkSharingRules(s, DEFAULT_FIELD_MAP)).toEqual([
      { code: 'solutionAreaMissing', table: 'opportunity', column: 'pcs_solutionareaid' },
      { code: 'solutionPlayMissing', table: 'opportunity', column: 'pcs_solutionplayid' },
      { code: 'partnerRoleMissing', table: 'opportunity', column: 'pcs_partnerroleid' },
    ]);
    s.opportunity._pcs_solutionareaid_value = picked._pcs_solutionareaid_value;
    expect(codes(checkSharingRules(s, DEFAULT_FIELD_MAP))).toEqual([
      'solutionPlayMissing',
      'partnerRoleMissing',
    ]);
    Object.assign(s.opportunity, picked);
    expect(checkSharingRules(s, DEFAULT_FIELD_MAP)).toEqual([]);
  });

  it('does not apply to IP solutions, partner-led or private deals', () => {
    expect(checkSharingRules(cosell(), DEFAULT_FIELD_MAP)).toEqual([]);
    const partnerLed = servicesCoSell();
    partnerLed.opportunity.pcs_helpneeded = null;
    expect(checkSharingRules(partnerLed, DEFAULT_FIELD_MAP)).toEqual([]);
    partnerLed.opportunity.pcs_referralvisibility = ReferralVisibility.notVisible;
    expect(checkSharingRules(partnerLed, DEFAULT_FIELD_MAP)).toEqual([]);
  });

  it('reads the columns a customized map names, whichever spelling of the path it uses', () => {
    const map = {
      version: 1 as const,
      entries: DEFAULT_FIELD_MAP.entries.map((e) =>
        e.column === 'pcs_solutionareaid' ? { ...e, referral: 'solutionArea', column: 'new_areaid' } : e,
      ),
    };
    const s = servicesCoSell();
    Object.assign(s.opportunity, picked);
    expect(checkSharingRules(s, map)).toEqual([
      { code: 'solutionAreaMissing', table: 'opportunity', column: 'new_areaid' },
    ]);
    s.opportunity._new_areaid_value = picked._pcs_solutionareaid_value;
    expect(checkSharingRules(s, map)).toEqual([]);
  });

  it.each([
    [1033, ['solution area', 'solution play', 'partner role'], 'Services co-sell'],
    [1046, ['área de solução', 'cenário de solução', 'função de parceiro'], 'co-venda de serviços'],
    [3082, ['área de solución', 'escenario de solución', 'rol de partner'], 'venta conjunta de servicios'],
  ] as const)('tells the seller in %i which field to choose and why', (lcid, fields, kind) => {
    const messages = checkSharingRules(servicesCoSell(), DEFAULT_FIELD_MAP).map((p) =>
      problemMessage(p, lcid),
    );
    messages.forEach((message, i) => {
      expect(message).toContain(fields[i]);
      expect(message).toContain(kind);
      expect(message).toContain('Partner Center');
    });
  });
});

const ALL_CODES = Object.keys(PROBLEM_MESSAGES) as ProblemCode[];

describe('problemMessage', () => {
  it('covers every problem code', () => {
    // Adding a ProblemCode without texts is a type error in messages.ts; this keeps the list honest.
    expect(ALL_CODES.sort()).toEqual(
      [
        'nameMissing',
        'accountMissing',
        'customerContactMissing',
        'contactDetailsMissing',
        'solutionMissing',
        'countryMissing',
        'countryNotIso2',
        'dealValueMissing',
        'closeDateMissing',
        'visibilityRequiredForHelp',
        'visibilityCannotRevert',
        'fieldMapInvalid',
        'solutionAreaMissing',
        'solutionPlayMissing',
        'partnerRoleMissing',
      ].sort(),
    );
  });

  it.each(ALL_CODES.flatMap((code) => LANGUAGES.map((lcid) => [code, lcid] as const)))(
    '%s has a distinct, complete sentence in %i',
    (code, lcid) => {
      const text = problemMessage(
        { code, table: 'opportunity', params: { country: 'Brasil', reason: 'x' } },
        lcid,
      );
      expect(text).toMatch(/^\S.{20,}[.!]$/s);
      expect(text).not.toMatch(/\{\w+\}/);
      const others = LANGUAGES.filter((l) => l !== lcid).map((l) =>
        problemMessage({ code, table: 'opportunity' }, l),
      );
      expect(others).not.toContain(text);
    },
  );

  it('says exactly what to fix, in the seller language, with the offending value', () => {
    const p: Problem = { code: 'countryNotIso2', table: 'account', params: { country: 'Brasil' } };
    expect(problemMessage(p, 1033)).toBe(
      'The customer account’s country “Brasil” is not a two-letter ISO country code. Change it to a code such as US, BR or ES.',
    );
    expect(problemMessage(p, 1046)).toBe(
      'O país “Brasil” da conta do cliente não é um código ISO de duas letras. Altere para um código como US, BR ou ES.',
    );
    expect(problemMessage(p, 3082)).toBe(
      'El país «Brasil» de la cuenta del cliente no es un código ISO de dos letras. Cámbielo por un código como US, BR o ES.',
    );
    expect(problemMessage({ code: 'solutionMissing', table: 'pcs_microsoftsolution' }, 1046)).toBe(
      'Adicione pelo menos uma solução Microsoft à oportunidade antes de compartilhá-la com a Microsoft.',
    );
  });

  it('falls back to English for other languages', () => {
    const p: Problem = { code: 'closeDateMissing', table: 'opportunity' };
    expect(problemMessage(p, 1036)).toBe(problemMessage(p, 1033));
    expect(problemMessage(p, 1033)).toBe('Enter the estimated close date of the opportunity.');
  });
});
