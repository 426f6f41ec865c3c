/** Test helpers: unsigned JWTs carrying an `oid`. */
import path from 'node:path';
import { UnsecuredJWT } from 'jose';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const SHARED = path.resolve(REPO_ROOT, '../shared/reference');

/** An unsigned token: the simulator decodes it without verification to learn the caller. */
export const tokenFor = (oid: string, extra: Record<string, unknown> = {}): string =>
  new UnsecuredJWT({ oid, tid: '11111111-1111-1111-1111-111111111111', ...extra }).encode();
