/**
 * Role-based security as Dataverse evaluates it, enough to test least privilege: security roles hold
 * privileges (`prv<Action><Table>`) at a depth, a user's roles are cumulative, and a privilege's depth
 * decides which records it reaches through the record's owner and owning business unit.
 *
 * Sources (Microsoft):
 * - depths Basic (User) / Local (Business Unit) / Deep (Parent: Child Business Units) / Global
 *   (Organization), higher including lower; roles are cumulative; the eight record privileges:
 *   https://learn.microsoft.com/power-platform/admin/security-roles-privileges
 * - ownership columns ownerid / owninguser / owningteam / owningbusinessunit; a new record is owned by
 *   its creator unless ownerid is given; assigning changes the owner:
 *   https://learn.microsoft.com/power-apps/developer/data-platform/security-sharing-assigning
 * - activities (opportunityclose) use the Activity privileges; RetrievePrincipalAccess needs read on the
 *   target's table ("RetrievePrincipalAccess Privileges", CRM 4 SDK):
 *   https://learn.microsoft.com/previous-versions/aa662442(v=msdn.10)
 * - AccessRights flag names and values:
 *   https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/accessrights
 * - errors: 0x80040220 PrivilegeDenied (web service error codes,
 *   https://learn.microsoft.com/power-apps/developer/data-platform/reference/web-service-error-codes),
 *   with the "Principal user (Id=…, type=8) is missing prv… privilege" message quoted in
 *   MicrosoftDocs/dynamics-365-customer-engagement issue 100; a record out of the privilege's reach
 *   fails in SecLib::AccessCheckEx with hr -2147187962 = 0x80048306 (message shape from public error
 *   traces; the code is community-observed, not in Microsoft's list).
 * - teams: a user also holds the privileges of the roles of the owner and group teams they belong to
 *   (teammembership_association); an access team has no roles
 *   (https://learn.microsoft.com/power-platform/admin/manage-teams). A team role's Local/Deep depth
 *   reaches the user's business unit and the team's; its Basic depth reaches the user's own rows only
 *   when the role's member's privilege inheritance (`isinherited`) is 1, "Direct User (Basic) access
 *   level and Team privileges", the default for new roles; with 0, "Team privileges only", it reaches
 *   rows the team owns (https://learn.microsoft.com/power-platform/admin/how-record-access-determined,
 *   https://learn.microsoft.com/power-platform/admin/security-roles-privileges#team-members-privilege-inheritance).
 * Not modelled: sharing (GrantAccess / principalobjectaccess), team-owned rows, field security,
 * Append/AppendTo checks on lookups, the delegate privilege behind impersonation (the impersonated
 * user's rights apply), group teams' membership following Entra ID (their members are associated).
 */
import { AccessRights, TeamTypes } from '../../../Domain/constants';
import type { AccessRight } from '../../../Domain/constants';
import { DataverseError, ErrorCodes } from './errors';
import type { Caller } from './events';
import { stableGuid } from './ids';
import { IntersectTable } from './intersect';
import type { MetadataStore, TableDef } from './metadata';
import { isLookupValue } from './store';
import type { RecordStore, Row } from './store';

export type Depth = 'Basic' | 'Local' | 'Deep' | 'Global';
export type PrivilegeAction =
  'Create' | 'Read' | 'Write' | 'Delete' | 'Append' | 'AppendTo' | 'Assign' | 'Share';

export interface RolePrivilege {
  /** `prvReadOpportunity`, or `*` for every privilege (System Administrator). */
  name: string;
  depth: Depth;
}

export interface RoleDefinition {
  id: string;
  name: string;
  privileges: RolePrivilege[];
}

/** role.isinherited: member's privilege inheritance. */
export const MemberPrivilegeInheritance = { teamOnly: 0, directUserBasic: 1 } as const;

const DEPTH_RANK: Record<Depth, number> = { Basic: 1, Local: 2, Deep: 3, Global: 4 };

/** The right each privilege grants on a record (AccessRights member). */
const RIGHT_OF: Record<PrivilegeAction, AccessRight> = {
  Read: 'ReadAccess',
  Write: 'WriteAccess',
  Append: 'AppendAccess',
  AppendTo: 'AppendToAccess',
  Create: 'CreateAccess',
  Delete: 'DeleteAccess',
  Share: 'ShareAccess',
  Assign: 'AssignAccess',
};
const ACTIONS = Object.keys(RIGHT_OF) as PrivilegeAction[];

/**
 * Privilege-name stems of platform tables whose privilege names differ from their logical names.
 * environmentvariablevalue and sdkmessagefilter have no privileges of their own (community-observed:
 * prvReadEnvironmentVariableValue does not exist); they follow their parent table's.
 */
const PRIVILEGE_STEMS: Record<string, string> = {
  opportunity: 'Opportunity',
  account: 'Account',
  contact: 'Contact',
  lead: 'Lead',
  systemuser: 'User',
  transactioncurrency: 'TransactionCurrency',
  businessunit: 'BusinessUnit',
  opportunityclose: 'Activity',
  serviceendpoint: 'ServiceEndpoint',
  sdkmessage: 'SdkMessage',
  sdkmessagefilter: 'SdkMessage',
  sdkmessageprocessingstep: 'SdkMessageProcessingStep',
  sdkmessageprocessingstepimage: 'SdkMessageProcessingStepImage',
  environmentvariabledefinition: 'EnvironmentVariableDefinition',
  environmentvariablevalue: 'EnvironmentVariableDefinition',
  systemform: 'SystemForm',
  solution: 'Solution',
  asyncoperation: 'AsyncOperation',
  role: 'Role',
  systemuserroles: 'Role',
  team: 'Team',
};

/** Object type codes of the standard tables (error messages only); custom tables show 10000+. */
const TYPE_CODES: Record<string, number> = {
  account: 1,
  contact: 2,
  opportunity: 3,
  lead: 4,
  systemuser: 8,
  businessunit: 10,
  transactioncurrency: 9105,
  opportunityclose: 4208,
};

export const privilegeName = (table: TableDef, action: PrivilegeAction): string =>
  `prv${action}${PRIVILEGE_STEMS[table.logicalName] ?? table.schemaName}`;

export const SYSTEM_ADMINISTRATOR: RoleDefinition = {
  id: stableGuid('role', 'System Administrator'),
  name: 'System Administrator',
  privileges: [{ name: '*', depth: 'Global' }],
};

const privileges = (stem: string, depth: Depth, actions: PrivilegeAction[]): RolePrivilege[] =>
  actions.map((action) => ({ name: `prv${action}${stem}`, depth }));

/**
 * The seller's role every user gets on first use: organization-wide read and user-level (Basic) write
 * on the sales tables — the typical access for sales representatives per the security roles page.
 * This is the simulator's seller, not a copy of Microsoft's shipped "Salesperson" definition.
 */
export const SALESPERSON: RoleDefinition = {
  id: stableGuid('role', 'Salesperson'),
  name: 'Salesperson',
  privileges: [
    ...['Opportunity', 'Lead', 'Account', 'Contact'].flatMap((stem) => [
      ...privileges(stem, 'Global', ['Read']),
      ...privileges(stem, 'Basic', ['Create', 'Write', 'Delete', 'Append', 'AppendTo', 'Assign', 'Share']),
    ]),
    // Closing one's own deal creates an opportunityclose activity.
    ...privileges('Activity', 'Basic', ['Create', 'Read', 'Write', 'Append']),
    ...privileges('TransactionCurrency', 'Global', ['Read']),
    ...privileges('User', 'Global', ['Read']),
    ...privileges('BusinessUnit', 'Global', ['Read']),
    ...privileges('SystemForm', 'Global', ['Read']),
    ...privileges('EnvironmentVariableDefinition', 'Global', ['Read']),
  ],
};

/** One source of a privilege: a role the user holds, directly or through a team. */
interface Grant {
  rank: number;
  /** Business units whose rows a Local or Deep depth reaches: the user's, plus the team's for a team role. */
  units: string[];
  /** Whether a Basic depth reaches the rows the user owns. */
  ownRows: boolean;
}

/** Who asks and what their roles give them; built once per request. */
export interface AccessContext {
  userId: string;
  /** SYSTEM: the platform itself, never checked. */
  system: boolean;
  businessUnitId: string | null;
  /** Lower-case privilege name → highest depth rank over all roles (the privilege check). */
  privileges: Map<string, number>;
  /** Lower-case privilege name → where each role holding it reaches (the access check). */
  grants: Map<string, Grant[]>;
  all: boolean;
}

interface Owner {
  ownerId: string | null;
  businessUnitId: string | null;
}

export class Security {
  /** The intersect tables of the N:N relationships that carry roles, profiles and team membership. */
  readonly links: {
    userRoles: IntersectTable;
    teamRoles: IntersectTable;
    teamMembers: IntersectTable;
    userProfiles: IntersectTable;
    teamProfiles: IntersectTable;
  };

  constructor(
    private readonly deps: {
      store: RecordStore;
      metadata: MetadataStore;
      systemUserId: string;
    },
  ) {
    const { store } = deps;
    this.links = {
      userRoles: new IntersectTable(store, 'systemuserroles', 'systemuserroleid', 'systemuserid', 'roleid'),
      teamRoles: new IntersectTable(store, 'teamroles', 'teamroleid', 'teamid', 'roleid'),
      teamMembers: new IntersectTable(store, 'teammembership', 'teammembershipid', 'teamid', 'systemuserid'),
      userProfiles: new IntersectTable(
        store,
        'systemuserprofiles',
        'systemuserprofileid',
        'systemuserid',
        'fieldsecurityprofileid',
      ),
      teamProfiles: new IntersectTable(
        store,
        'teamprofiles',
        'teamprofileid',
        'teamid',
        'fieldsecurityprofileid',
      ),
    };
  }

  // ------------------------------------------------------------------ roles

  /** Creates or replaces a role (solution import updates privileges of a role it shipped before). */
  putRole(role: RoleDefinition, businessUnitId: string, now: string): void {
    const { store } = this.deps;
    const existing = store.get('role', role.id);
    store.put('role', role.id, {
      createdon: now,
      ...existing,
      roleid: role.id,
      name: role.name,
      businessunitid: { id: businessUnitId, logicalName: 'businessunit' },
      privileges: JSON.stringify(role.privileges),
      isinherited: existing?.isinherited ?? MemberPrivilegeInheritance.directUserBasic,
      modifiedon: now,
      versionnumber: store.nextVersion(),
    });
  }

  roleByName(name: string): Row | undefined {
    return this.deps.store.list('role').find((r) => String(r.name).toLowerCase() === name.toLowerCase());
  }

  roleIdsOf(userId: string): string[] {
    return this.links.userRoles.rightOf(userId);
  }

  /** systemuserroles_association: idempotent, like the platform's associate. */
  associate(userId: string, roleId: string): void {
    this.links.userRoles.link(userId, roleId);
  }

  disassociate(userId: string, roleId: string): boolean {
    return this.links.userRoles.unlink(userId, roleId);
  }

  // ------------------------------------------------------------------ teams

  teamRoleIdsOf(teamId: string): string[] {
    return this.links.teamRoles.rightOf(teamId);
  }

  /** teamroles_association: an access team cannot hold roles (it "doesn't have security roles"). */
  associateTeamRole(teamId: string, roleId: string): void {
    if (this.deps.store.get('team', teamId.toLowerCase())?.teamtype === TeamTypes.access)
      throw new DataverseError(
        400,
        ErrorCodes.invalidArgument,
        `Team ${teamId} is an access team: access teams do not have security roles.`,
      );
    this.links.teamRoles.link(teamId, roleId);
  }

  teamIdsOf(userId: string): string[] {
    return this.links.teamMembers.leftOf(userId);
  }

  /** teammembership_association (AddMembersTeam): idempotent. */
  addMember(teamId: string, userId: string): void {
    this.links.teamMembers.link(teamId, userId);
  }

  removeMember(teamId: string, userId: string): boolean {
    return this.links.teamMembers.unlink(teamId, userId);
  }

  /** Roles by name; names no role has (yet) are skipped. */
  assignByName(userId: string, names: string[]): void {
    for (const name of names) {
      const role = this.roleByName(name);
      if (role) this.associate(userId, String(role.roleid));
    }
  }

  // ------------------------------------------------------------------ evaluation

  contextOf(caller: Caller): AccessContext {
    const { store, systemUserId } = this.deps;
    const userId = caller.systemuserid.toLowerCase();
    const user = store.get('systemuser', userId);
    const bu = user?.businessunitid;
    const businessUnitId = isLookupValue(bu) ? bu.id : null;
    const context: AccessContext = {
      userId,
      system: userId === systemUserId,
      businessUnitId,
      privileges: new Map(),
      grants: new Map(),
      all: false,
    };
    const own = businessUnitId ? [businessUnitId] : [];
    for (const roleId of this.roleIdsOf(userId)) this.addRole(context, roleId, { units: own, ownRows: true });
    for (const teamId of this.teamIdsOf(userId)) {
      const team = store.get('team', teamId);
      if (!team || team.teamtype === TeamTypes.access) continue;
      const teamUnit = isLookupValue(team.businessunitid) ? team.businessunitid.id : null;
      const units = teamUnit && !own.includes(teamUnit) ? [...own, teamUnit] : own;
      for (const roleId of this.teamRoleIdsOf(teamId)) {
        const inherited = store.get('role', roleId)?.isinherited;
        this.addRole(context, roleId, {
          units,
          // Roles stored before inheritance was simulated count as new roles (the platform default).
          ownRows:
            (inherited ?? MemberPrivilegeInheritance.directUserBasic) ===
            MemberPrivilegeInheritance.directUserBasic,
        });
      }
    }
    return context;
  }

  /** A team as the principal (RetrievePrincipalAccess): its roles, reaching from its business unit. */
  contextOfTeam(teamId: string): AccessContext {
    const id = teamId.toLowerCase();
    const unit = this.deps.store.get('team', id)?.businessunitid;
    const businessUnitId = isLookupValue(unit) ? unit.id : null;
    const context: AccessContext = {
      userId: id,
      system: false,
      businessUnitId,
      privileges: new Map(),
      grants: new Map(),
      all: false,
    };
    // Basic reaches the rows the team owns (`userId` is the team here).
    for (const roleId of this.teamRoleIdsOf(id))
      this.addRole(context, roleId, { units: businessUnitId ? [businessUnitId] : [], ownRows: true });
    return context;
  }

  private addRole(context: AccessContext, roleId: string, reach: Omit<Grant, 'rank'>): void {
    const role = this.deps.store.get('role', roleId);
    if (!role) return;
    for (const p of JSON.parse(String(role.privileges ?? '[]')) as RolePrivilege[]) {
      const rank = DEPTH_RANK[p.depth] ?? 0;
      if (p.name === '*') context.all = true;
      const key = p.name.toLowerCase();
      context.privileges.set(key, Math.max(context.privileges.get(key) ?? 0, rank));
      context.grants.set(key, [...(context.grants.get(key) ?? []), { rank, ...reach }]);
    }
  }

  private rank(context: AccessContext, table: TableDef, action: PrivilegeAction): number {
    if (context.system || context.all) return DEPTH_RANK.Global;
    return context.privileges.get(privilegeName(table, action).toLowerCase()) ?? 0;
  }

  /** Organization-owned tables have no owner: any depth of the privilege reaches every row. */
  private ownerOf(table: TableDef, row: Row): Owner | null {
    if (!table.attributes.ownerid) return null;
    const owner = row.ownerid;
    const ownerId = isLookupValue(owner) ? owner.id : null;
    let businessUnitId = isLookupValue(row.owningbusinessunit) ? row.owningbusinessunit.id : null;
    if (!businessUnitId && ownerId) {
      const bu = this.deps.store.get('systemuser', ownerId)?.businessunitid;
      businessUnitId = isLookupValue(bu) ? bu.id : null;
    }
    return { ownerId, businessUnitId };
  }

  /** Is `unit` the user's business unit or one below it? */
  private inSubtree(unit: string | null, top: string | null): boolean {
    const seen = new Set<string>();
    for (let current = unit; current && !seen.has(current);) {
      if (current === top) return true;
      seen.add(current);
      const parent = this.deps.store.get('businessunit', current)?.parentbusinessunitid;
      current = isLookupValue(parent) ? parent.id : null;
    }
    return false;
  }

  private reaches(context: AccessContext, grant: Grant, owner: Owner | null): boolean {
    const { rank } = grant;
    if (rank === 0) return false;
    if (rank >= DEPTH_RANK.Global || owner === null) return true;
    if (rank >= DEPTH_RANK.Deep)
      return grant.units.some((unit) => this.inSubtree(owner.businessUnitId, unit));
    if (rank >= DEPTH_RANK.Local)
      return owner.businessUnitId !== null && grant.units.includes(owner.businessUnitId);
    return grant.ownRows && owner.ownerId === context.userId;
  }

  can(context: AccessContext, table: TableDef, row: Row, action: PrivilegeAction): boolean {
    if (context.system || context.all) return true;
    const grants = context.grants.get(privilegeName(table, action).toLowerCase()) ?? [];
    const owner = this.ownerOf(table, row);
    return grants.some((grant) => this.reaches(context, grant, owner));
  }

  /** 403 0x80040220 when the caller's roles lack the privilege at any depth. */
  requirePrivilege(context: AccessContext, table: TableDef, action: PrivilegeAction): void {
    if (this.rank(context, table, action) > 0) return;
    const name = privilegeName(table, action);
    throw new DataverseError(
      403,
      ErrorCodes.privilegeDenied,
      `Principal user (Id=${context.userId}, type=8) is missing ${name} privilege (Id=${stableGuid('privilege', name)}) on OTC=${TYPE_CODES[table.logicalName] ?? 10000} for entity '${table.logicalName}'.`,
    );
  }

  /** A privilege that is not about one table (e.g. prvImportCustomization, prvAssignRole). */
  requireMiscPrivilege(context: AccessContext, name: string): void {
    if (context.system || context.all || (context.privileges.get(name.toLowerCase()) ?? 0) > 0) return;
    throw new DataverseError(
      403,
      ErrorCodes.privilegeDenied,
      `Principal user (Id=${context.userId}, type=8) is missing ${name} privilege (Id=${stableGuid('privilege', name)}).`,
    );
  }

  /** requirePrivilege, then 403 0x80048306 when the privilege's depth does not reach this record. */
  requireAccess(context: AccessContext, table: TableDef, row: Row, action: PrivilegeAction): void {
    this.requirePrivilege(context, table, action);
    if (this.can(context, table, row, action)) return;
    const owner = this.ownerOf(table, row);
    throw new DataverseError(
      403,
      ErrorCodes.accessCheckFailed,
      `SecLib::AccessCheckEx failed. Returned hr = -2147187962, ObjectID: ${String(row[table.primaryIdAttribute])}, OwnerId: ${owner?.ownerId ?? ''}, OwnerIdType: 8 and CallingUser: ${context.userId}. ObjectTypeCode: ${TYPE_CODES[table.logicalName] ?? 10000}, objectBusinessUnitId: ${owner?.businessUnitId ?? ''}, AccessRights: ${RIGHT_OF[action]}`,
    );
  }

  /** Rights of a principal on one record, in ascending flag order like the platform's enum text. */
  accessRights(context: AccessContext, table: TableDef, row: Row): AccessRight[] {
    return ACTIONS.filter((action) => this.can(context, table, row, action))
      .map((action) => RIGHT_OF[action])
      .sort((a, b) => AccessRights[a] - AccessRights[b]);
  }
}
