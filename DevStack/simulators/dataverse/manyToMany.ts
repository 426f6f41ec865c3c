/**
 * Which N:N navigations the Web API serves through `$ref`, and what changing each one needs.
 */
import type { IntersectTable } from './intersect';
import type { Security } from './security';

/**
 * The N:N navigations the simulator serves (list with GET, associate with POST …/$ref, disassociate
 * with DELETE …/<navigation>(<id>)/$ref or …/$ref?$id=), as in
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/associate-disassociate-entities-using-web-api.
 * Names from the systemuser and team entity references. `guard` is what changing a link needs: roles
 * and field security profiles are for administrators (prvAssignRole; only a System Administrator
 * manages field security, https://learn.microsoft.com/power-platform/admin/field-level-security);
 * team membership needs Write on the team (our assumption for AddMembersTeam).
 */
export interface ManyToMany {
  from: string;
  navigation: string;
  target: string;
  /** The intersect table, read from `from`'s side. */
  links: (security: Security) => Links;
  /** GET also needs Read on the target table (the role list does; profiles have no such privilege here). */
  readTarget: boolean;
  guard: 'assignRole' | 'writeTeam';
}

/** The pairs of one relationship, seen from one side: `id` is the `from` row, `targetId` the other. */
export interface Links {
  list(id: string): string[];
  link(id: string, targetId: string): void;
  /** False when the pair was not linked. */
  unlink(id: string, targetId: string): boolean;
}

const forward =
  (table: (s: Security) => IntersectTable, link?: (s: Security, id: string, targetId: string) => void) =>
  (security: Security): Links => ({
    list: (id: string) => table(security).rightOf(id),
    link: (id: string, targetId: string) =>
      link ? link(security, id, targetId) : table(security).link(id, targetId),
    unlink: (id: string, targetId: string) => table(security).unlink(id, targetId),
  });

const MANY_TO_MANY: ManyToMany[] = [
  {
    from: 'systemuser',
    navigation: 'systemuserroles_association',
    target: 'role',
    links: forward((s) => s.links.userRoles),
    readTarget: true,
    guard: 'assignRole',
  },
  {
    from: 'systemuser',
    navigation: 'systemuserprofiles_association',
    target: 'fieldsecurityprofile',
    links: forward((s) => s.links.userProfiles),
    readTarget: false,
    guard: 'assignRole',
  },
  {
    from: 'team',
    navigation: 'teamroles_association',
    target: 'role',
    links: forward(
      (s) => s.links.teamRoles,
      (s, team, role) => s.associateTeamRole(team, role),
    ),
    readTarget: true,
    guard: 'assignRole',
  },
  {
    from: 'team',
    navigation: 'teamprofiles_association',
    target: 'fieldsecurityprofile',
    links: forward((s) => s.links.teamProfiles),
    readTarget: false,
    guard: 'assignRole',
  },
  {
    from: 'team',
    navigation: 'teammembership_association',
    target: 'systemuser',
    links: forward((s) => s.links.teamMembers),
    readTarget: true,
    guard: 'writeTeam',
  },
  {
    // The same relationship from the user's side: the user's teams.
    from: 'systemuser',
    navigation: 'teammembership_association',
    target: 'team',
    links: (security) => ({
      list: (user) => security.teamIdsOf(user),
      link: (user, team) => security.addMember(team, user),
      unlink: (user, team) => security.removeMember(team, user),
    }),
    readTarget: true,
    guard: 'writeTeam',
  },
];

export const findManyToMany = (from: string, navigation: string): ManyToMany | undefined =>
  MANY_TO_MANY.find((m) => m.from === from && m.navigation === navigation);
