/**
 * The sandbox's development token issuer: signs short-lived tokens for any Dynamics user id with a
 * key generated at start. The relay trusts its JWKS only when started in sandbox mode; nothing about
 * it is persisted, so a token cannot outlive the sandbox process.
 */
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import type { JWTVerifyGetKey } from 'jose';

export interface DevIssuer {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
  issue(userId: string, roles?: string[]): Promise<{ access_token: string; expires_in: number }>;
}

export const DEV_TOKEN_LIFETIME_SEC = 3600;

export async function createDevIssuer(options: {
  issuer: string;
  audience: string;
  roles: string[];
}): Promise<DevIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'sandbox', alg: 'ES256', use: 'sig' };
  return {
    issuer: options.issuer,
    audience: options.audience,
    keys: createLocalJWKSet({ keys: [jwk] }),
    async issue(userId, roles = options.roles) {
      const access_token = await new SignJWT({ oid: userId, roles })
        .setProtectedHeader({ alg: 'ES256', kid: 'sandbox' })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime(`${DEV_TOKEN_LIFETIME_SEC}s`)
        .sign(privateKey);
      return { access_token, expires_in: DEV_TOKEN_LIFETIME_SEC };
    },
  };
}
