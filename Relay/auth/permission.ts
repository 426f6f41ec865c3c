/**
 * Before acting for a browser user, the relay asks Dataverse — on that user's behalf (the Dataverse
 * client exchanges the token on-behalf-of) — to read the opportunity. Dataverse's own security
 * (roles, sharing, business units) decides; the relay never widens what a seller may see.
 */
import { EntitySets, OpportunityColumns } from '../../Domain/constants';
import { ApiError } from '../ports';
import type { DataverseApi } from '../ports';
import type { AuthenticatedUser } from './tokens';

export type Permission = 'allowed' | 'forbidden' | 'notFound';

export interface PermissionChecker {
  canReadOpportunity(user: AuthenticatedUser, opportunityId: string): Promise<Permission>;
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
        if (error instanceof ApiError && error.status === 404) return 'notFound';
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return 'forbidden';
        throw error;
      }
    },
  };
}
