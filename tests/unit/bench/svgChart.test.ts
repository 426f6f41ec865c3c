import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { callsPerOperationChart, ingestRateChart, reconciliationCostChart } from '../../../bench/charts';
import { niceTicks } from '../../../bench/svgChart';

const parse = (svg: string) => new XMLParser({ ignoreAttributes: false }).parse(svg);

describe('bench charts', () => {
  it('draw well-formed SVG with every label escaped', () => {
    const charts = [
      ingestRateChart({
        receipts: [0, 100_000, 1_000_000],
        series: [{ name: 'Dataverse, c=8 <loopback>', values: [2100, null, 1900] }],
        goalPerSecond: 2000,
      }),
      callsPerOperationChart([
        { operation: 'outbound create', calls: 3, before: 5, goal: 3 },
        { operation: 'inbound "new" referral & co', calls: 5, before: 16, goal: 5 },
      ]),
      reconciliationCostChart({
        sizes: [1_000, 10_000, 50_000],
        series: [{ name: 'calls, nothing changed', values: [2, 2, 2] }],
        goal: { y: 5, label: 'goal ≤ 5' },
      }),
    ];
    for (const svg of charts) {
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(parse(svg).svg['@_xmlns']).toBe('http://www.w3.org/2000/svg');
    }
    expect(charts[0]).toContain('Dataverse, c=8 &lt;loopback&gt;');
    expect(charts[0]).toContain('>100 k<');
    expect(charts[1]).toContain('inbound &quot;new&quot; referral &amp; co');
    // A gap (null) is left out of the line rather than drawn at 0.
    expect(charts[0]!.match(/<circle /g)).toHaveLength(2);
  });

  it('picks round axis steps that reach the largest value', () => {
    expect(niceTicks(2100)).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    expect(niceTicks(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});
