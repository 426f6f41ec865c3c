/**
 * `cosell setup --assign-role`: the security roles and field security profiles the solution ships,
 * given to the people and the application user that need them (Solution/README.md, Importing):
 * sellers get the seller role and the read-only profile on the relay-owned columns, the relay's
 * application user the integration role and profile. Already assigned → unchanged; `dryRun` only plans.
 * Roles are matched by id (the solution's roles live in the root business unit).
 */
import {
  EntitySets,
  FieldSecurityProfiles,
  SecurityAssignments,
  SecurityRoles,
  SystemUserColumns,
  WiringColumns,
} from '../../Domain/constants';
import { isGuid } from '../../Domain/ids';
import { where } from '../../Domain/odataQuery';
import type { PlanItem } from '../../Plugins/registration';
import type { DataverseApi } from '../ports';

export interface RoleAssignmentOptions {
  dataverse: DataverseApi;
  /** Sellers: systemuserid or UPN (domainname). */
  sellers: string[];
  /** The relay's application user (systemuserid), when known. */
  integrationUserId: string | null;
  dryRun: boolean;
}

interface Grant {
  navigation: string;
  targetEntitySet: string;
  targetId: string;
  idColumn: string;
  label: string;
}

const grantsFor = (who: 'seller' | 'integration'): Grant[] => [
  {
    navigation: SecurityAssignments.userRoles,
    targetEntitySet: WiringColumns.role.entitySet,
    targetId: SecurityRoles[who].id,
    idColumn: WiringColumns.role.id,
    label: `role ${SecurityRoles[who].name}`,
  },
  {
    navigation: SecurityAssignments.userProfiles,
    targetEntitySet: SecurityAssignments.fieldSecurityProfile.entitySet,
    targetId: FieldSecurityProfiles[who].id,
    idColumn: SecurityAssignments.fieldSecurityProfile.id,
    label: `field security profile ${FieldSecurityProfiles[who].name}`,
  },
];

async function resolveUser(
  dataverse: DataverseApi,
  principal: string,
): Promise<{ id: string; name: string }> {
  const [user] = await dataverse.retrieveMultiple(EntitySets.systemuser, {
    select: [SystemUserColumns.id, SystemUserColumns.domainName],
    filter: isGuid(principal)
      ? where.eq(SystemUserColumns.id, principal)
      : where.eq(SystemUserColumns.domainName, principal),
  });
  if (!user)
    throw new Error(`No Dataverse user ${principal}: give a systemuserid or the user's UPN (domainname).`);
  return { id: String(user[SystemUserColumns.id]), name: principal };
}

async function grant(
  dataverse: DataverseApi,
  user: { id: string; name: string },
  grants: Grant[],
  dryRun: boolean,
): Promise<PlanItem[]> {
  const items: PlanItem[] = [];
  for (const g of grants) {
    const held = await dataverse.retrieveMultiple(`${EntitySets.systemuser}(${user.id})/${g.navigation}`, {
      select: [g.idColumn],
    });
    const has = held.some((row) => String(row[g.idColumn]).toLowerCase() === g.targetId);
    items.push({
      component: 'security',
      name: `${user.name}: ${g.label}`,
      action: has ? 'unchanged' : 'create',
    });
    if (!has && !dryRun)
      await dataverse.associate(EntitySets.systemuser, user.id, g.navigation, g.targetEntitySet, g.targetId);
  }
  return items;
}

export async function assignRoles(options: RoleAssignmentOptions): Promise<PlanItem[]> {
  const { dataverse, dryRun } = options;
  const items: PlanItem[] = [];
  if (options.integrationUserId)
    items.push(
      ...(await grant(
        dataverse,
        { id: options.integrationUserId, name: 'relay application user' },
        grantsFor('integration'),
        dryRun,
      )),
    );
  for (const principal of options.sellers)
    items.push(
      ...(await grant(dataverse, await resolveUser(dataverse, principal), grantsFor('seller'), dryRun)),
    );
  return items;
}
