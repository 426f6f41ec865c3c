/**
 * Before acting for a browser user, the relay asks Dataverse — on that user's behalf (the Dataverse
 * client exchanges the token on-behalf-of) — what the user may do with the opportunity. Dataverse's
 * own security (roles and their depth, ownership, sharing, business units) decides; the relay never
 * widens what a seller may see or change.
 *
 * Reading (preview, live status) needs the record to be readable as the user. Acting (sync now,
 * accept, decline) needs WriteAccess on it: the user asks RetrievePrincipalAccess about themselves
 * (WhoAmI gives their systemuserid). The action itself is queued and later carried out by the relay's
 * application user, so the check happens here, when the user asks — performing the write as the user
 * is not possible for work that runs after the request (and mostly changes Partner Center, not Dataverse).
 */
import { EntitySets, OpportunityColumns } from '../../Domain/constants';
import { ApiError } from '../ports';
import type { DataverseApi } from '../ports';
import type { AuthenticatedUser } from './tokens';

export type Permission = 'allowed' | 'forbidden' | 'notFound';
/** `readOnly`: the user sees the record but may not change it. */
export type ActPermission = Permission | 'readOnly';

export interface PermissionChecker {
  canReadOpportunity(user: AuthenticatedUser, opportunityId: string): Promise<Permission>;
  canActOnOpportunity(user: AuthenticatedUser, opportunityId: string): Promise<ActPermission>;
}

/** Dataverse's answer as a permission: 404 gone (or invisible), 401/403 not for this user. */
function denied(error: unknown): Permission {
  if (error instanceof ApiError && error.status === 404) return 'notFound';
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return 'forbidden';
  throw error;
}

export function createPermissionChecker(dataverse: DataverseApi): PermissionChecker {
  return {
    async canReadOpportunity(user, opportunityId) {
      try {
        await dataverse.retrieve(
          EntitySets.opportunity,
          opportunityId,
          { select: [OpportunityColumns.id] },
          { userAssertion: user.token },
        );
        return 'allowed';
      } catch (error) {
        return denied(error);
      }
    },

    async canActOnOpportunity(user, opportunityId) {
      try {
        const asUser = { userAssertion: user.token };
        const me = await dataverse.whoAmI(asUser);
        const rights = await dataverse.retrievePrincipalAccess(
          me.UserId,
          { entitySet: EntitySets.opportunity, id: opportunityId },
          asUser,
        );
        if (!rights.includes('ReadAccess')) return 'forbidden';
        return rights.includes('WriteAccess') ? 'allowed' : 'readOnly';
      } catch (error) {
        return denied(error);
      }
    },
  };
}
