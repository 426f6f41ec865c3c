/** The one OData query builder: literals, GUIDs, lookups, dates, nesting, and the query string. */
import {
  dateOnly,
  filterText,
  guid,
  lookup,
  normalizeGuid,
  isODataQueryError,
  odataQueryString,
  where,
} from '../../../Domain';

/** The builder refused the query (an ODataQueryError, not a bug elsewhere). */
const refused = (build: () => unknown): boolean => {
  try {
    build();
  } catch (error) {
    return isODataQueryError(error);
  }
  return false;
};

const ID = '8F2A1C3E-0B4D-4E5F-8A6B-7C8D9E0F1A2B';
const id = ID.toLowerCase();

describe('filterText', () => {
  it('quotes strings and doubles their quotes; numbers, booleans and null stay bare', () => {
    expect(filterText(where.eq('name', "O'Brien's"))).toBe("name eq 'O''Brien''s'");
    expect(filterText(where.eq('name', "''"))).toBe("name eq ''''''");
    expect(filterText(where.ge('estimatedvalue', 1500.5))).toBe('estimatedvalue ge 1500.5');
    expect(filterText(where.eq('pcs_syncwithpartnercenter', false))).toBe(
      'pcs_syncwithpartnercenter eq false',
    );
    expect(filterText(where.isNull('address1_postalcode'))).toBe('address1_postalcode eq null');
    expect(filterText(where.isNotNull('pcs_referralid'))).toBe('pcs_referralid ne null');
  });

  it('writes GUIDs bare and lower-case (braces dropped), and refuses anything else where a GUID belongs', () => {
    expect(filterText(where.eq('systemuserid', guid(`{${ID}}`)))).toBe(`systemuserid eq ${id}`);
    expect(refused(() => filterText(where.eq('systemuserid', guid("x' or 1 eq 1"))))).toBe(true);
    expect(() => filterText(where.eq('systemuserid', guid('not-a-guid')))).toThrow(
      'systemuserid takes a GUID, got "not-a-guid"',
    );
  });

  it('reads lookups through _x_value, whose plain string values must be GUIDs', () => {
    expect(filterText(where.eq(lookup('parentaccountid'), ID))).toBe(`_parentaccountid_value eq ${id}`);
    expect(filterText(where.isNull(lookup('parentaccountid')))).toBe('_parentaccountid_value eq null');
    expect(() => filterText(where.eq(lookup('originatingleadid'), 'lead-1'))).toThrow(
      '_originatingleadid_value takes a GUID, got "lead-1"',
    );
  });

  it('writes a Date as a UTC DateTimeOffset and a date-only value as YYYY-MM-DD', () => {
    expect(filterText(where.gt('modifiedon', new Date('2026-03-01T12:00:00+02:00')))).toBe(
      'modifiedon gt 2026-03-01T10:00:00.000Z',
    );
    expect(filterText(where.le('estimatedclosedate', dateOnly('2026-09-30')))).toBe(
      'estimatedclosedate le 2026-09-30',
    );
    expect(refused(() => filterText(where.eq('modifiedon', new Date('nope'))))).toBe(true);
    expect(refused(() => filterText(where.eq('estimatedclosedate', dateOnly('30/09/2026'))))).toBe(true);
    expect(refused(() => filterText(where.eq('estimatedvalue', Number.NaN)))).toBe(true);
  });

  it('parenthesises only where precedence needs it: or inside and, anything compound inside not', () => {
    const a = where.eq('a', 1);
    const b = where.eq('b', 2);
    const c = where.eq('c', 3);
    expect(filterText(where.and(a, b, c))).toBe('a eq 1 and b eq 2 and c eq 3');
    expect(filterText(where.or(a, where.and(b, c)))).toBe('a eq 1 or b eq 2 and c eq 3');
    expect(filterText(where.and(a, where.or(b, c)))).toBe('a eq 1 and (b eq 2 or c eq 3)');
    expect(filterText(where.not(where.and(a, b)))).toBe('not (a eq 1 and b eq 2)');
    expect(filterText(where.not(a))).toBe('not a eq 1');
    expect(filterText(where.and(where.or(a, where.not(where.or(b, c))), c))).toBe(
      '(a eq 1 or not (b eq 2 or c eq 3)) and c eq 3',
    );
  });

  it("spells 'in' as eq … or …, parenthesised inside and", () => {
    expect(filterText(where.in('statecode', [0, 1]))).toBe('statecode eq 0 or statecode eq 1');
    expect(filterText(where.in('statecode', [2]))).toBe('statecode eq 2');
    expect(filterText(where.and(where.eq('name', 'x'), where.in(lookup('ownerid'), [ID, guid(ID)])))).toBe(
      `name eq 'x' and (_ownerid_value eq ${id} or _ownerid_value eq ${id})`,
    );
    expect(() => filterText(where.in('statecode', []))).toThrow("'in' on statecode needs at least one value");
    expect(refused(() => filterText(where.and()))).toBe(true);
  });

  it('builds string functions and refuses names that are not OData identifiers', () => {
    expect(filterText(where.startsWith('name', "Bench 'A'"))).toBe("startswith(name,'Bench ''A''')");
    expect(filterText(where.contains('emailaddress1', '@contoso'))).toBe(
      "contains(emailaddress1,'@contoso')",
    );
    expect(refused(() => filterText(where.eq('name eq name or name', 'x')))).toBe(true);
    expect(refused(() => filterText(where.eq(lookup('a)'), ID)))).toBe(true);
  });
});

describe('odataQueryString', () => {
  it('orders the options $select, $filter, $expand, $orderby, $top; nested expand options use ;', () => {
    expect(
      odataQueryString({
        select: ['name', lookup('parentaccountid'), 'name'],
        filter: where.eq('statecode', 0),
        expand: [
          { navigation: 'parentaccountid', select: ['name'] },
          {
            navigation: 'pcs_opportunity_pcs_microsoftsolution',
            select: ['pcs_name'],
            filter: where.eq('pcs_solutionid', 'SOL-1'),
            orderBy: [{ column: 'pcs_name', descending: true }],
            top: 5,
          },
          { navigation: 'transactioncurrencyid' },
        ],
        orderBy: [{ column: 'name' }, { column: 'createdon', descending: true }],
        top: 1,
      }),
    ).toBe(
      '?$select=name,_parentaccountid_value&$filter=statecode eq 0' +
        '&$expand=parentaccountid($select=name),' +
        "pcs_opportunity_pcs_microsoftsolution($select=pcs_name;$filter=pcs_solutionid eq 'SOL-1';$orderby=pcs_name desc;$top=5)," +
        'transactioncurrencyid' +
        '&$orderby=name asc,createdon desc&$top=1',
    );
    expect(odataQueryString(undefined)).toBe('');
    expect(odataQueryString({ select: [] })).toBe('');
  });

  it('writes a nested $expand inside its parent’s options', () => {
    expect(
      odataQueryString({
        expand: [
          {
            navigation: 'pcs_opportunity_pcs_microsoftsolution',
            select: ['pcs_solutionid'],
            expand: [{ navigation: 'pcs_solutiondetailid', select: ['pcs_publishername'] }],
          },
        ],
      }),
    ).toBe(
      '?$expand=pcs_opportunity_pcs_microsoftsolution($select=pcs_solutionid;' +
        '$expand=pcs_solutiondetailid($select=pcs_publishername))',
    );
  });

  it('percent-encodes the characters that would cut an option short, and nothing else', () => {
    const text = odataQueryString({ filter: where.eq('name', "A&B #1 + 100% O'Neil é") });
    expect(text).toBe("?$filter=name eq 'A%26B %231 %2B 100%25 O''Neil é'");
    expect(new URLSearchParams(text).get('$filter')).toBe("name eq 'A&B #1 + 100% O''Neil é'");
  });

  it('refuses a $top that is not a positive whole number', () => {
    expect(refused(() => odataQueryString({ top: 0 }))).toBe(true);
    expect(refused(() => odataQueryString({ top: 2.5 }))).toBe(true);
  });
});

describe('normalizeGuid', () => {
  it('accepts braces, upper case and blanks; null for anything else', () => {
    expect(normalizeGuid(` {${ID}} `)).toBe(id);
    expect(normalizeGuid(id)).toBe(id);
    expect(normalizeGuid(`${id}0`)).toBeNull();
    expect(normalizeGuid('{}')).toBeNull();
    expect(normalizeGuid(42)).toBeNull();
  });
});
