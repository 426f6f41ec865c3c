/**
 * `cosell setup --assign-role`: the security roles and field security profiles the solution ships,
 * given to the people and the application user that need them (Solution/README.md, Importing):
 * sellers get the seller role and the read-only profile on the relay-owned columns, the relay's
 * application user the integration role and profile. Already assigned → unchanged; `dryRun` only plans.
 * Roles are matched by id (the solution's roles live in the root business unit).
 *
 * A seller argument is a user (systemuserid or UPN) or, with the `team:` prefix, a team (name or
 * teamid): its members then hold the role through the team
 * (https://learn.microsoft.com/power-platform/admin/manage-teams). Only owner and Microsoft Entra
 * group teams can hold roles; an access team is refused.
 */
import {
  EntitySets,
  FieldSecurityProfiles,
  SecurityAssignments,
  SecurityRoles,
  SystemUserColumns,
  TEAM_PRINCIPAL_PREFIX,
  TeamColumns,
  TeamTypes,
  WiringColumns,
} from '../../Domain/constants';
import { normalizeGuid } from '../../Domain/ids';
import { where } from '../../Domain/odataQuery';
import type { PlanItem } from '../../Plugins/registration';
import type { DataverseApi } from '../ports';

export interface RoleAssignmentOptions {
  dataverse: DataverseApi;
  /** Sellers: a systemuserid or UPN (domainname), or `team:<name or teamid>` (parsePrincipal). */
  sellers: string[];
  /** The relay's application user (systemuserid), when known. */
  integrationUserId: string | null;
  dryRun: boolean;
}

/** What an `--assign-role` argument names, before it is looked up. */
export type PrincipalArgument = { kind: 'user'; key: string } | { kind: 'team'; key: string };

/** A user or team found in Dataverse, with the navigations that carry its roles and profiles. */
export interface Principal {
  entitySet: string;
  id: string;
  /** How the plan names it. */
  label: string;
  roles: string;
  profiles: string;
}

export interface Grant {
  kind: 'roles' | 'profiles';
  targetEntitySet: string;
  targetId: string;
  idColumn: string;
  label: string;
}

/** `team:<name or teamid>` is a team; anything else a user. */
export function parsePrincipal(argument: string): PrincipalArgument {
  const text = argument.trim();
  if (!text.toLowerCase().startsWith(TEAM_PRINCIPAL_PREFIX)) return { kind: 'user', key: text };
  const key = text.slice(TEAM_PRINCIPAL_PREFIX.length).trim();
  if (!key)
    throw new Error(
      `--assign-role ${argument}: name the team after "${TEAM_PRINCIPAL_PREFIX}" (its name or teamid).`,
    );
  return { kind: 'team', key };
}

export const grantsFor = (who: 'seller' | 'integration'): Grant[] => [
  {
    kind: 'roles',
    targetEntitySet: WiringColumns.role.entitySet,
    targetId: SecurityRoles[who].id,
    idColumn: WiringColumns.role.id,
    label: `role ${SecurityRoles[who].name}`,
  },
  {
    kind: 'profiles',
    targetEntitySet: SecurityAssignments.fieldSecurityProfile.entitySet,
    targetId: FieldSecurityProfiles[who].id,
    idColumn: SecurityAssignments.fieldSecurityProfile.id,
    label: `field security profile ${FieldSecurityProfiles[who].name}`,
  },
];

/** The plan for one principal, given the role and profile ids it already holds. */
export function planGrants(
  principal: Pick<Principal, 'label'>,
  grants: Grant[],
  held: Record<Grant['kind'], string[]>,
): Array<{ grant: Grant; item: PlanItem }> {
  return grants.map((grant) => {
    const has = held[grant.kind].some((id) => id.toLowerCase() === grant.targetId);
    return {
      grant,
      item: {
        component: 'security',
        name: `${principal.label}: ${grant.label}`,
        action: has ? 'unchanged' : 'create',
      },
    };
  });
}

async function resolveUser(dataverse: DataverseApi, key: string): Promise<Principal> {
  const id = normalizeGuid(key);
  const [user] = await dataverse.retrieveMultiple(EntitySets.systemuser, {
    select: [SystemUserColumns.id, SystemUserColumns.domainName],
    filter: id ? where.eq(SystemUserColumns.id, id) : where.eq(SystemUserColumns.domainName, key),
  });
  if (!user)
    throw new Error(
      `No Dataverse user ${key}: give a systemuserid or the user's UPN (domainname), or ${TEAM_PRINCIPAL_PREFIX}<name or teamid> for a team.`,
    );
  return {
    entitySet: EntitySets.systemuser,
    id: String(user[SystemUserColumns.id]),
    label: key,
    roles: SecurityAssignments.userRoles,
    profiles: SecurityAssignments.userProfiles,
  };
}

async function resolveTeam(dataverse: DataverseApi, key: string): Promise<Principal> {
  const id = normalizeGuid(key);
  // Team names are not unique in Dataverse: a name that several teams share must be given as an id.
  const teams = await dataverse.retrieveMultiple(TeamColumns.entitySet, {
    select: [TeamColumns.id, TeamColumns.name, TeamColumns.teamType],
    filter: id ? where.eq(TeamColumns.id, id) : where.eq(TeamColumns.name, key),
  });
  const label = `${TEAM_PRINCIPAL_PREFIX}${key}`;
  if (teams.length === 0) throw new Error(`No Dataverse team ${key}: give the team's name or teamid.`);
  if (teams.length > 1)
    throw new Error(
      `${teams.length} Dataverse teams are named ${key}: give one teamid (${teams.map((t) => String(t[TeamColumns.id])).join(', ')}).`,
    );
  const team = teams[0]!;
  if (team[TeamColumns.teamType] === TeamTypes.access)
    throw new Error(
      `Team ${key} is an access team, which cannot hold security roles: use an owner team or a Microsoft Entra group team.`,
    );
  return {
    entitySet: TeamColumns.entitySet,
    id: String(team[TeamColumns.id]),
    label,
    roles: SecurityAssignments.teamRoles,
    profiles: SecurityAssignments.teamProfiles,
  };
}

export function resolvePrincipal(dataverse: DataverseApi, argument: string): Promise<Principal> {
  const parsed = parsePrincipal(argument);
  return parsed.kind === 'team' ? resolveTeam(dataverse, parsed.key) : resolveUser(dataverse, parsed.key);
}

async function grant(
  dataverse: DataverseApi,
  principal: Principal,
  grants: Grant[],
  dryRun: boolean,
): Promise<PlanItem[]> {
  const held = async (navigation: string, idColumn: string) =>
    (
      await dataverse.retrieveMultiple(`${principal.entitySet}(${principal.id})/${navigation}`, {
        select: [idColumn],
      })
    ).map((row) => String(row[idColumn]));
  const plan = planGrants(principal, grants, {
    roles: await held(principal.roles, WiringColumns.role.id),
    profiles: await held(principal.profiles, SecurityAssignments.fieldSecurityProfile.id),
  });
  for (const { grant: g, item } of plan)
    if (item.action === 'create' && !dryRun)
      await dataverse.associate(
        principal.entitySet,
        principal.id,
        g.kind === 'roles' ? principal.roles : principal.profiles,
        g.targetEntitySet,
        g.targetId,
      );
  return plan.map((p) => p.item);
}

export async function assignRoles(options: RoleAssignmentOptions): Promise<PlanItem[]> {
  const { dataverse, dryRun } = options;
  const items: PlanItem[] = [];
  // Every argument is resolved first: a typo stops the run before anything is assigned.
  const sellers = [];
  for (const argument of options.sellers) sellers.push(await resolvePrincipal(dataverse, argument));
  if (options.integrationUserId)
    items.push(
      ...(await grant(
        dataverse,
        {
          entitySet: EntitySets.systemuser,
          id: options.integrationUserId,
          label: 'relay application user',
          roles: SecurityAssignments.userRoles,
          profiles: SecurityAssignments.userProfiles,
        },
        grantsFor('integration'),
        dryRun,
      )),
    );
  for (const principal of sellers)
    items.push(...(await grant(dataverse, principal, grantsFor('seller'), dryRun)));
  return items;
}
