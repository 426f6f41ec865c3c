/**
 * Bearer tokens of the relay's browser API. Entra ID tokens are checked with `jose` against the
 * tenant's JWKS (signature), audience, issuer and expiry; the sandbox swaps in a development issuer
 * whose key exists only in that process.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';

export interface AuthenticatedUser {
  /** Entra object id (`oid`), else `sub`; for the dev issuer the Dynamics systemuserid. */
  userId: string;
  roles: string[];
  /** The raw token, passed on as the on-behalf-of assertion. Never logged. */
  token: string;
}

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export interface TokenVerifier {
  verify(authorizationHeader: string | undefined): Promise<AuthenticatedUser>;
}

export interface JwtVerifierOptions {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
  /** Allowed clock skew in seconds. */
  clockToleranceSec?: number;
}

export function remoteJwks(jwksUri: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: 30_000, cacheMaxAge: 3_600_000 });
}

const rolesOf = (payload: JWTPayload): string[] =>
  Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];

export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  return {
    async verify(header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
      if (!match)
        throw new AuthError(
          401,
          'missingToken',
          'Send an Entra ID access token as "Authorization: Bearer <token>".',
        );
      const token = match[1]!;
      try {
        const { payload } = await jwtVerify(token, options.keys, {
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: options.clockToleranceSec ?? 60,
          requiredClaims: ['exp'],
        });
        const userId = (typeof payload.oid === 'string' && payload.oid) || payload.sub;
        if (!userId) throw new AuthError(401, 'invalidToken', 'The token names no user (oid / sub).');
        return { userId, roles: rolesOf(payload), token };
      } catch (error) {
        if (error instanceof AuthError) throw error;
        if (error instanceof joseErrors.JWTExpired)
          throw new AuthError(401, 'tokenExpired', 'The access token has expired.');
        if (error instanceof joseErrors.JWTClaimValidationFailed) {
          throw new AuthError(
            401,
            'invalidToken',
            `The access token's ${error.claim} claim is not accepted here.`,
          );
        }
        throw new AuthError(401, 'invalidToken', 'The access token is not valid for this relay.');
      }
    },
  };
}
