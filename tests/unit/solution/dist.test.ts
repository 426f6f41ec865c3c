/**
 * The zips `npm run build` wrote to dist/ (`npm test` builds first): built from the real PCF control and
 * form script, they must pass the same checks as the fixture-built ones and unpack to Solution/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOLUTION_UNIQUE_NAME } from '../../../Domain/constants';
import { checkPackage } from '../../../Build/solution/checks';
import { readVersion } from '../../../Build/solution/generate';
import { readSource } from '../../../Build/solution/inputs';
import { zipFileName } from '../../../Build/solution/packer';
import { readZip, unpackParts } from '../../../Build/solution/unpack';
import { validateCustomizations } from '../../../Build/solution/xsd';
import { DIST_DIR, XSD_DIR } from '../../testkit/paths';
import { SOLUTION_DIR } from './helpers';

const version = readVersion(SOLUTION_DIR);
const zips = [false, true].map((managed) =>
  join(DIST_DIR, zipFileName(SOLUTION_UNIQUE_NAME, version, managed)),
);

describe.each(zips)('%s', (zipPath) => {
  let parts: Map<string, Buffer>;

  beforeAll(async () => {
    if (!existsSync(zipPath))
      throw new Error(`${zipPath} is missing: run \`npm run build\` first (npm test does).`);
    parts = await readZip(readFileSync(zipPath));
  });

  it('passes every structural check against the real built control manifest', () => {
    expect(checkPackage(parts)).toEqual([]);
  });

  it('validates against the 2018 XSD with only the known-new constructs stripped', () => {
    expect(validateCustomizations(parts.get('customizations.xml')!.toString('utf8'), XSD_DIR)).toEqual([]);
  });

  it('unpacks back to the committed Solution/ source (solution.xml up to <Managed>)', () => {
    const source = readSource(SOLUTION_DIR);
    const unpacked = unpackParts(parts);
    expect([...unpacked.keys()].sort()).toEqual([...source.keys()].sort());
    for (const [path, text] of source) {
      const got =
        path === 'Other/Solution.xml'
          ? unpacked.get(path)!.replace('<Managed>1</Managed>', '<Managed>0</Managed>')
          : unpacked.get(path);
      expect({ path, text: got }).toEqual({ path, text });
    }
  });
});
