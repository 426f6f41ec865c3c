/** Test helpers: unsigned JWTs carrying an `oid`. */
import { UnsecuredJWT } from 'jose';

/** An unsigned token: the simulator decodes it without verification to learn the caller. */
export const tokenFor = (oid: string, extra: Record<string, unknown> = {}): string =>
  new UnsecuredJWT({ oid, tid: '11111111-1111-1111-1111-111111111111', ...extra }).encode();
