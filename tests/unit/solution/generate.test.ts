/** The committed Solution/ tree is exactly what the generator produces from the shared constants. */
import { DEFAULT_VERSION, generateSolutionFiles, readVersion } from '../../../Build/solution/generate';
import { readSource } from '../../../Build/solution/inputs';
import { assertWellFormed } from '../../../Build/solution/xml';
import { SOLUTION_DIR } from './helpers';

describe('Solution/ source', () => {
  const committed = readSource(SOLUTION_DIR);
  const version = readVersion(SOLUTION_DIR);
  const generated = generateSolutionFiles(version);

  it('reads one four-part version from Other/Solution.xml', () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(DEFAULT_VERSION).toBe('1.0.0.0');
  });

  it('matches the generator output file for file (run `npx tsx Build/solution/generate.ts` when this fails)', () => {
    const stale = [...generated].filter(([path, text]) => committed.get(path) !== text).map(([path]) => path);
    expect(stale).toEqual([]);
  });

  it('has no component files the generator does not produce', () => {
    const extra = [...committed.keys()].filter((path) => !generated.has(path));
    expect(extra).toEqual([]);
  });

  it('is in the SolutionPackager layout', () => {
    const paths = [...generated.keys()];
    for (const expected of [
      'Other/Solution.xml',
      'Other/Customizations.xml',
      'Other/Relationships.xml',
      'Entities/Opportunity/Entity.xml',
      'Entities/Lead/Entity.xml',
      'Entities/pcs_syncevent/Entity.xml',
      'WebResources/pcs_/scripts/opportunityform.js.data.xml',
      'WebResources/pcs_/scripts/relayauth.js.data.xml',
      'environmentvariabledefinitions/pcs_RelayBaseUrl/environmentvariabledefinition.xml',
    ]) {
      expect(paths).toContain(expected);
    }
    expect(
      paths.filter((p) => /^Entities\/[^/]+\/FormXml\/main\/\{[0-9a-f-]{36}\}\.xml$/.test(p)),
    ).toHaveLength(5);
    // 3 co-sell views, 5 standard views of each of the 4 new tables, 3 Referral Attribute category views,
    // 2 "Referrals expiring this week" (opportunity, lead).
    expect(
      paths.filter((p) => /^Entities\/[^/]+\/SavedQueries\/\{[0-9a-f-]{36}\}\.xml$/.test(p)),
    ).toHaveLength(28);
  });
});

describe('Solution/ XML files', () => {
  it('are all well-formed', () => {
    const problems: string[] = [];
    for (const [path, text] of readSource(SOLUTION_DIR)) {
      try {
        assertWellFormed(text, path);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    expect(problems).toEqual([]);
  });
});
