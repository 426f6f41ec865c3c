/** The managed solution the relay works with is installed, at least at the version it needs. */
import {
  RegistrationColumns,
  RegistrationEntitySets,
  SOLUTION_UNIQUE_NAME,
  WiringColumns,
} from '../../../Domain/constants';
import { where } from '../../../Domain/odataQuery';
import type { DoctorCheck } from '../check';
import { fail, pass } from '../check';

/** The oldest solution version whose tables, columns and role this relay reads and writes. */
export const REQUIRED_SOLUTION_VERSION = '1.1.0.0';

/** Compares dotted versions (major.minor.build.revision) number by number. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const S = RegistrationColumns.solution;
const SETUP = 'run `cosell setup --solution <PartnerCenterCoSell_…_managed.zip>`';

export const solutionInstalled: DoctorCheck = {
  id: 'solution',
  title: 'Solution installed',
  async run({ dataverse }) {
    const [row] = await dataverse.retrieveMultiple(RegistrationEntitySets.solutions, {
      select: [S.version, WiringColumns.solution.isManaged],
      filter: where.eq(S.uniqueName, SOLUTION_UNIQUE_NAME),
    });
    if (!row) return fail(`${SOLUTION_UNIQUE_NAME} is not installed`, SETUP);
    const version = String(row[S.version]);
    const managed = row[WiringColumns.solution.isManaged] === true;
    if (compareVersions(version, REQUIRED_SOLUTION_VERSION) < 0)
      return fail(
        `${SOLUTION_UNIQUE_NAME} ${version} is installed; this relay needs ${REQUIRED_SOLUTION_VERSION} or later`,
        SETUP,
      );
    return pass(`${SOLUTION_UNIQUE_NAME} ${version} (${managed ? 'managed' : 'unmanaged'}) is installed`);
  },
};
