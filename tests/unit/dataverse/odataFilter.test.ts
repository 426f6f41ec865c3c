import {
  evaluateFilter,
  FilterSyntaxError,
  parseFilter,
} from '../../../DevStack/simulators/dataverse/odata/filter';
import { parseQueryOptions } from '../../../DevStack/simulators/dataverse/odata/query';

const row: Record<string, unknown> = {
  name: "O'Brien Ltd",
  estimatedvalue: 5000,
  statecode: 0,
  pcs_syncwithpartnercenter: true,
  _parentaccountid_value: 'a1b2c3d4-0000-0000-0000-000000000001',
  estimatedclosedate: '2025-03-01',
  description: null,
};
const matches = (filter: string) => evaluateFilter(parseFilter(filter), (p) => row[p] ?? null);

describe('$filter parser and evaluator', () => {
  it.each([
    ["name eq 'o''brien ltd'", true], // quotes doubled, text case-insensitive
    ['estimatedvalue gt 4999 and estimatedvalue le 5000', true],
    ['estimatedvalue lt 10 or statecode eq 0', true],
    ['not (statecode eq 0)', false],
    ['statecode ne 1 and (estimatedvalue ge 6000 or pcs_syncwithpartnercenter eq true)', true],
    ['_parentaccountid_value eq A1B2C3D4-0000-0000-0000-000000000001', true],
    ['description eq null', true],
    ['description ne null', false],
    ["contains(name,'brien')", true],
    ["startswith(name,'x')", false],
    ['estimatedclosedate lt 2025-03-02T00:00:00Z', true],
    ['estimatedclosedate gt 2025-03-01', false],
    ['pcs_syncwithpartnercenter', true],
  ])('%s → %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('binds and tighter than or', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toMatchObject({ kind: 'or', right: { kind: 'and' } });
  });

  it.each(["name eq 'unterminated", 'name eq', '(statecode eq 0', 'statecode eq 0 extra', 'name eq #'])(
    'rejects %s',
    (filter) => {
      expect(() => parseFilter(filter)).toThrow(FilterSyntaxError);
    },
  );
});

describe('query options', () => {
  it('parses $expand with nested options, $orderby and $top', () => {
    const options = parseQueryOptions([
      ['$select', 'name,estimatedvalue'],
      [
        '$expand',
        "parentaccountid($select=name),pcs_opportunity_pcs_microsoftsolution($select=pcs_solutionid;$filter=pcs_name ne 'x';$orderby=pcs_name desc;$top=2)",
      ],
      ['$orderby', 'name asc,createdon desc'],
      ['$top', '5'],
      ['$count', 'true'],
    ]);
    expect(options.select).toEqual(['name', 'estimatedvalue']);
    expect(options.expand.map((e) => e.navigation)).toEqual([
      'parentaccountid',
      'pcs_opportunity_pcs_microsoftsolution',
    ]);
    expect(options.expand[1]!.query).toMatchObject({
      select: ['pcs_solutionid'],
      top: 2,
      orderby: [{ path: 'pcs_name', descending: true }],
    });
    expect(options.orderby).toEqual([
      { path: 'name', descending: false },
      { path: 'createdon', descending: true },
    ]);
    expect(options).toMatchObject({ top: 5, count: true });
  });

  it('parses a nested $expand inside an $expand', () => {
    const options = parseQueryOptions([
      [
        '$expand',
        'pcs_opportunity_pcs_microsoftsolution($select=pcs_solutionid;$expand=pcs_solutiondetailid($select=pcs_publishername,pcs_name))',
      ],
    ]);
    const [solutions] = options.expand;
    expect(solutions!.query.select).toEqual(['pcs_solutionid']);
    expect(solutions!.query.expand).toEqual([
      {
        navigation: 'pcs_solutiondetailid',
        query: expect.objectContaining({ select: ['pcs_publishername', 'pcs_name'] }),
      },
    ]);
  });
});
