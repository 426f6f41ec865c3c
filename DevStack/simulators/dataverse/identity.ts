/**
 * Who is calling: the bearer token's `oid` claim (decoded WITHOUT verification — the simulator is
 * not a security boundary) mapped to systemuser.azureactivedirectoryobjectid, or impersonation
 * headers `CallerObjectId` (Entra object id) / `MSCRMCallerID` (systemuserid) as the real Web API
 * accepts. Unknown object ids get a systemuser on first use (like a new Entra user's first sign-in),
 * so InitiatingUserId in webhook bodies reflects the caller, with the first-use roles (a person the
 * seller role, an application user System Administrator unless configured otherwise).
 */
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { DataverseError, ErrorCodes } from './errors';
import type { Caller } from './events';
import { ROOT_BUSINESS_UNIT_ID, SYSTEM_USER_ID } from './seed';
import type { RecordStore } from './store';
import { isGuid } from '../../../Domain/ids';

export interface IdentityOptions {
  /** When true, a request without a bearer token is 401 (default: acts as SYSTEM). */
  requireAuth: boolean;
  now: () => string;
  /** A user was created on first use: give it its roles. */
  onUserCreated?: (systemuserid: string, isApplication: boolean) => void;
}

function userByObjectId(
  store: RecordStore,
  oid: string,
  claims: Record<string, unknown>,
  options: IdentityOptions,
): Caller {
  const now = options.now();
  const id = oid.toLowerCase();
  const existing = store
    .list('systemuser')
    .find((u) => String(u.azureactivedirectoryobjectid ?? '').toLowerCase() === id);
  if (existing) return { systemuserid: String(existing.systemuserid), aadObjectId: id };
  const systemuserid = randomUUID();
  const appId =
    typeof claims.appid === 'string' ? claims.appid : typeof claims.azp === 'string' ? claims.azp : null;
  const isApplication =
    claims.idtyp === 'app' || (!claims.upn && !claims.preferred_username && appId !== null);
  const name =
    (claims.name as string | undefined) ??
    (claims.upn as string | undefined) ??
    (isApplication ? `# ${appId}` : id);
  store.put('systemuser', systemuserid, {
    systemuserid,
    fullname: name,
    domainname:
      (claims.upn as string | undefined) ?? (claims.preferred_username as string | undefined) ?? null,
    azureactivedirectoryobjectid: id,
    applicationid: isApplication ? appId : null,
    isdisabled: false,
    businessunitid: { id: ROOT_BUSINESS_UNIT_ID, logicalName: 'businessunit' },
    createdon: now,
    modifiedon: now,
    versionnumber: store.nextVersion(),
  });
  options.onUserCreated?.(systemuserid, isApplication);
  return { systemuserid, aadObjectId: id };
}

export function resolveCaller(
  store: RecordStore,
  headers: Record<string, string | undefined>,
  options: IdentityOptions,
): Caller {
  const authorization = headers.authorization;
  let caller: Caller = { systemuserid: SYSTEM_USER_ID, aadObjectId: null };
  if (authorization) {
    const token = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwt(token ?? '') as Record<string, unknown>;
    } catch {
      throw new DataverseError(401, ErrorCodes.unauthorized, 'The bearer token could not be read.');
    }
    if (typeof claims.oid === 'string') caller = userByObjectId(store, claims.oid, claims, options);
  } else if (options.requireAuth) {
    throw new DataverseError(401, ErrorCodes.unauthorized, 'An Authorization: Bearer token is required.');
  }
  const callerObjectId = headers.callerobjectid;
  if (callerObjectId && isGuid(callerObjectId)) caller = userByObjectId(store, callerObjectId, {}, options);
  const callerId = headers.mscrmcallerid;
  if (callerId && isGuid(callerId)) {
    const user = store.get('systemuser', callerId);
    if (!user)
      throw new DataverseError(404, ErrorCodes.notFound, `systemuser With Id = ${callerId} Does Not Exist`);
    caller = {
      systemuserid: callerId.toLowerCase(),
      aadObjectId: (user.azureactivedirectoryobjectid as string | null) ?? null,
    };
  }
  return caller;
}
