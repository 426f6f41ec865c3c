/**
 * The relay's application user in Dataverse: enabled, holding the solution's integration role
 * (Solution/README.md), and the user COSELL_DATAVERSE_INTEGRATION_USER_ID names (else the relay's own
 * writes would sync back as if a seller made them).
 */
import { SecurityRoles, WiringColumns } from '../../../Domain/constants';
import { guid, where } from '../../../Domain/odataQuery';
import { ApiError } from '../../ports';
import type { DataverseApi } from '../../ports';
import type { DoctorCheck } from '../check';
import { fail, pass } from '../check';

const U = WiringColumns.systemUser;
const R = WiringColumns.role;
const UR = WiringColumns.userRoles;

async function roleNames(dataverse: DataverseApi, userId: string): Promise<string[]> {
  const links = await dataverse.retrieveMultiple(UR.entitySet, {
    select: [UR.roleId],
    filter: where.eq(UR.systemUserId, guid(userId)),
  });
  const roleIds = links.map((l) => String(l[UR.roleId]));
  const roles = roleIds.length
    ? await dataverse.retrieveMultiple(R.entitySet, {
        select: [R.name],
        filter: where.in(R.id, roleIds.map(guid)),
      })
    : [];
  return roles.map((r) => String(r[R.name])).sort();
}

export const applicationUser: DoctorCheck = {
  id: 'application-user',
  title: 'Application user and its role',
  async run({ config, dataverse }) {
    const userId = (await dataverse.whoAmI()).UserId.toLowerCase();
    const configured = config.dataverse.integrationUserId;
    if (configured && configured !== userId)
      return fail(
        `COSELL_DATAVERSE_INTEGRATION_USER_ID is ${configured} but the relay signs in as ${userId}`,
        `set COSELL_DATAVERSE_INTEGRATION_USER_ID=${userId} (or leave it empty: the relay asks Dataverse)`,
      );
    const user = await dataverse.retrieve(U.entitySet, userId, { select: [U.fullName, U.isDisabled] });
    const name = String(user[U.fullName] ?? userId);
    if (user[U.isDisabled] === true)
      return fail(
        `the application user ${name} is disabled`,
        'enable it in the Power Platform admin center (Settings → Users + permissions → Application users)',
      );
    const assign = `assign the "${SecurityRoles.integration.name}" role to ${name} in the Power Platform admin center`;
    let names: string[];
    try {
      names = await roleNames(dataverse, userId);
    } catch (error) {
      // The integration role grants reading roles: a user who may not read them does not hold it.
      if (error instanceof ApiError && error.status === 403)
        return fail(
          `the application user ${name} may not read its roles: it lacks "${SecurityRoles.integration.name}"`,
          assign,
        );
      throw error;
    }
    if (!names.includes(SecurityRoles.integration.name))
      return fail(
        `the application user ${name} has ${names.length ? `the roles ${names.join(', ')}` : 'no role'}, not "${SecurityRoles.integration.name}"`,
        assign,
      );
    return pass(`${name} is enabled and has ${names.join(', ')}`);
  },
};
