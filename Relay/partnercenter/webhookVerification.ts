/**
 * Verification of Partner Center webhook callbacks (partner-center-api.md §5.4), for the relay's
 * webhook route: give it the headers and the raw body bytes, get back either the parsed event or a
 * precise rejection with the HTTP status to answer.
 *
 * Checks, in order: body ≤ 1 MB; signature (`Authorization: Signature …` or `x-ms-signature`),
 * certificate URL and `rsa-sha256` algorithm headers; certificate URL https on an allow-listed host
 * and port under /cert/*.cer; certificate O=Microsoft Corporation and within validity; RSA-SHA256
 * (PKCS#1 v1.5) over the exact bytes received; then the body must be a webhook event, nested no
 * deeper than MAX_JSON_DEPTH, whose referral events name a referral by GUID.
 * Certificates are cached per URL, and so are failures to get one (for less time), so a stream of
 * forged deliveries cannot turn into a stream of outbound downloads.
 * Not done: chain building to a Microsoft root (Node has no chain builder) — the URL pin stands in.
 */
import { X509Certificate, verify as verifySignature } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import {
  excessNestingAt,
  MAX_JSON_DEPTH,
  REFERRAL_WEBHOOK_EVENTS,
  WebhookEventSchema,
  referralIdFromResourceUri,
  type WebhookEvent,
} from '../../Domain';
import type { Clock } from '../ports';
import { headerOf, redactUrl } from '../http';
import type { HeaderBag } from '../http';

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
/** The host Partner Center's X-MS-Certificate-Url points to in the docs sample (a pin, UNCONFIRMED as a guarantee). */
export const DEFAULT_CERTIFICATE_HOSTS = ['3psostorageacct.blob.core.windows.net'];
export const MICROSOFT_ORGANIZATION = 'Microsoft Corporation';

export type WebhookRejectReason =
  | 'body-too-large'
  | 'missing-signature'
  | 'malformed-signature'
  | 'missing-certificate-url'
  | 'missing-algorithm'
  | 'unsupported-algorithm'
  | 'untrusted-certificate-url'
  | 'certificate-unavailable'
  | 'untrusted-certificate'
  | 'certificate-not-valid-now'
  | 'bad-signature'
  | 'malformed-body';

const STATUS: Record<WebhookRejectReason, 400 | 401 | 403 | 413 | 502> = {
  'body-too-large': 413,
  'missing-signature': 400,
  'malformed-signature': 400,
  'missing-certificate-url': 400,
  'missing-algorithm': 400,
  'unsupported-algorithm': 400,
  'untrusted-certificate-url': 403,
  // Our side could not fetch the certificate: answer 5xx so Partner Center retries the delivery.
  'certificate-unavailable': 502,
  'untrusted-certificate': 403,
  'certificate-not-valid-now': 403,
  'bad-signature': 401,
  'malformed-body': 400,
};

export type WebhookVerification =
  | {
      ok: true;
      event: WebhookEvent;
      /** Last segment of ResourceUri for referral events; null for others (test-created…). */
      referralId: string | null;
      certificateUrl: string;
    }
  | {
      ok: false;
      status: 400 | 401 | 403 | 413 | 502;
      reason: WebhookRejectReason;
      /** Safe to answer to an unauthenticated caller. */
      message: string;
      /** For the relay's log only (e.g. the TLS or ASN.1 error behind a certificate failure). */
      detail?: string;
    };

/** Downloads a certificate (DER or PEM bytes); must not follow redirects. */
export type CertificateFetcher = (url: string) => Promise<Buffer>;

export interface WebhookVerifierOptions {
  fetchCertificate: CertificateFetcher;
  /** Hosts X-MS-Certificate-Url may point to: `host` (the scheme's default port only) or `host:port`. Default DEFAULT_CERTIFICATE_HOSTS. */
  trustedCertificateHosts?: string[];
  /**
   * SANDBOX ONLY: accept http:// certificate URLs, so the local simulator's certificate
   * (http://127.0.0.1:<port>/cert/….cer) can be trusted. Never enable against the real Partner Center.
   */
  allowInsecureCertificateUrls?: boolean;
  /** Required subject O= of the signing certificate. Default "Microsoft Corporation". */
  requiredOrganization?: string;
  maxBodyBytes?: number;
  clock?: Clock;
  /** How long a downloaded certificate is reused for the same URL. Default 24 h. */
  certificateCacheTtlMs?: number;
  /** How long a failed download is remembered for the same URL (answered 502 without a new GET). Default 60 s. */
  certificateFailureTtlMs?: number;
  /** Most certificate URLs remembered (the oldest is forgotten first). Default 64. */
  certificateCacheSize?: number;
}

export type { HeaderBag };

export interface WebhookVerifier {
  verify(headers: HeaderBag, rawBody: Buffer): Promise<WebhookVerification>;
}

const reject = (reason: WebhookRejectReason, message: string, detail?: string): WebhookVerification => ({
  ok: false,
  status: STATUS[reason],
  reason,
  message,
  ...(detail === undefined ? {} : { detail }),
});

/** `Signature <b64>` in Authorization, or x-ms-signature with or without the `Signature ` prefix. */
function signatureOf(headers: HeaderBag): string | undefined {
  const msSignature = headerOf(headers, 'x-ms-signature');
  if (msSignature) return msSignature.replace(/^Signature\s+/i, '');
  const authorization = /^Signature\s+(\S+)$/i.exec(headerOf(headers, 'authorization') ?? '');
  return authorization?.[1];
}

const organizationOf = (distinguishedName: string): string[] =>
  distinguishedName
    .split('\n')
    .filter((line) => line.startsWith('O='))
    .map((line) => line.slice(2));

/** A downloaded certificate with what every delivery checks, read from it once per download. */
interface SigningCertificate {
  publicKey: KeyObject;
  fromOrganization: boolean;
  rsa: boolean;
  validFrom: string;
  validTo: string;
  notBefore: number;
  notAfter: number;
}

function signingCertificate(bytes: Buffer, organization: string): SigningCertificate {
  const cert = new X509Certificate(bytes);
  return {
    publicKey: cert.publicKey,
    fromOrganization: organizationOf(cert.subject).includes(organization),
    rsa: cert.publicKey.asymmetricKeyType === 'rsa',
    validFrom: cert.validFrom,
    validTo: cert.validTo,
    notBefore: Date.parse(cert.validFrom),
    notAfter: Date.parse(cert.validTo),
  };
}

export function createWebhookVerifier(options: WebhookVerifierOptions): WebhookVerifier {
  const trustedHosts = (options.trustedCertificateHosts ?? DEFAULT_CERTIFICATE_HOSTS).map((h) =>
    h.toLowerCase(),
  );
  const organization = options.requiredOrganization ?? MICROSOFT_ORGANIZATION;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
  const ttl = options.certificateCacheTtlMs ?? 24 * 3600_000;
  const failureTtl = options.certificateFailureTtlMs ?? 60_000;
  const cacheSize = options.certificateCacheSize ?? 64;
  const now = () => options.clock?.now() ?? new Date();
  // Insertion-ordered: the first key is the oldest. A loading or failed certificate is cached too.
  const cache = new Map<string, { certificate: Promise<SigningCertificate>; expiresAt: number }>();

  function checkCertificateUrl(raw: string): string | null {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'X-MS-Certificate-Url is not a URL';
    }
    const schemeOk =
      url.protocol === 'https:' ||
      (options.allowInsecureCertificateUrls === true && url.protocol === 'http:');
    if (!schemeOk) return 'X-MS-Certificate-Url must use https';
    if (url.username || url.password) return 'X-MS-Certificate-Url must not carry credentials';
    // Host and port both: an entry without a port allows the scheme's default port only
    // (URL drops a default port from `host`, so `host:443` and `host` compare equal under https).
    const trusted = trustedHosts.some((entry) => hostOf(url.protocol, entry) === url.host);
    if (!trusted) return `X-MS-Certificate-Url host ${url.host} is not trusted`;
    if (!/^\/cert\/[^/]+\.cer$/i.test(url.pathname)) return 'X-MS-Certificate-Url must point to /cert/*.cer';
    return null;
  }

  function certificate(url: string): Promise<SigningCertificate> {
    const cached = cache.get(url);
    if (cached && now().getTime() < cached.expiresAt) return cached.certificate;
    cache.delete(url);
    const loading = options.fetchCertificate(url).then((bytes) => signingCertificate(bytes, organization));
    const entry = { certificate: loading, expiresAt: now().getTime() + ttl };
    cache.set(url, entry);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    // A failure is remembered briefly: Partner Center retries a 502, a forger's next try costs nothing.
    loading.catch(() => {
      entry.expiresAt = now().getTime() + failureTtl;
    });
    return loading;
  }

  return {
    async verify(headers, rawBody) {
      if (rawBody.length > maxBodyBytes) {
        return reject('body-too-large', `Body of ${rawBody.length} bytes exceeds ${maxBodyBytes}`);
      }
      const signature = signatureOf(headers);
      if (!signature)
        return reject('missing-signature', 'No Authorization: Signature or x-ms-signature header');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature) || signature.length % 4 !== 0) {
        return reject('malformed-signature', 'The signature is not base64');
      }
      const certificateUrl = headerOf(headers, 'x-ms-certificate-url');
      if (!certificateUrl) return reject('missing-certificate-url', 'No X-MS-Certificate-Url header');
      const algorithm = headerOf(headers, 'x-ms-signature-algorithm');
      if (!algorithm) return reject('missing-algorithm', 'No X-MS-Signature-Algorithm header');
      if (algorithm.toLowerCase() !== 'rsa-sha256') {
        return reject('unsupported-algorithm', `Unsupported signature algorithm ${algorithm}`);
      }
      const urlProblem = checkCertificateUrl(certificateUrl);
      if (urlProblem) return reject('untrusted-certificate-url', urlProblem);

      let cert: SigningCertificate;
      try {
        cert = await certificate(certificateUrl);
      } catch (error) {
        // The caller is not authenticated yet: no TLS, HTTP or OpenSSL detail in the answer.
        return reject(
          'certificate-unavailable',
          `Could not load the signing certificate ${redactUrl(certificateUrl)}; try again later.`,
          messageOf(error),
        );
      }
      if (!cert.fromOrganization) {
        return reject('untrusted-certificate', `Certificate subject is not O=${organization}`);
      }
      if (!cert.rsa) return reject('untrusted-certificate', 'Certificate key is not RSA');
      const at = now().getTime();
      if (at < cert.notBefore || at > cert.notAfter) {
        return reject(
          'certificate-not-valid-now',
          `Certificate is valid ${cert.validFrom} – ${cert.validTo} only`,
        );
      }
      // The exact bytes received: re-serialised JSON would not match (the docs sample even ends in a space).
      if (!verifySignature('RSA-SHA256', rawBody, cert.publicKey, Buffer.from(signature, 'base64'))) {
        return reject('bad-signature', 'The signature does not match the body');
      }

      if (excessNestingAt(rawBody) >= 0) {
        return reject('malformed-body', `The body nests deeper than ${MAX_JSON_DEPTH} levels`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return reject('malformed-body', 'The body is not JSON');
      }
      const event = WebhookEventSchema.safeParse(parsed);
      if (!event.success) return reject('malformed-body', 'The body is not a Partner Center webhook event');
      const isReferralEvent = (REFERRAL_WEBHOOK_EVENTS as readonly string[]).includes(event.data.EventName);
      const referralId = isReferralEvent ? referralIdFromResourceUri(event.data.ResourceUri) : null;
      if (isReferralEvent && !referralId) {
        // Signed by Microsoft yet unusable: a 4xx, not a 5xx Partner Center would retry for ever.
        // Reconciliation still finds the referral through the list.
        return reject(
          'malformed-body',
          'ResourceUri does not end in a referral id (a GUID, %-encoded correctly)',
        );
      }
      return { ok: true, event: event.data, referralId, certificateUrl };
    },
  };
}

/** Node's crypto errors come from another realm under some runners: `instanceof Error` is not enough. */
const messageOf = (error: unknown): string =>
  typeof (error as { message?: unknown } | null)?.message === 'string'
    ? (error as { message: string }).message
    : String(error);

/** `host` or `host:port` as URL spells it for this scheme (a default port dropped, lower case). */
function hostOf(protocol: string, entry: string): string | null {
  try {
    return new URL(`${protocol}//${entry}`).host;
  } catch {
    return null;
  }
}

/** Certificate download over undici: no redirects (a 3xx is a failure), size-capped, timed out. */
export function createCertificateFetcher(
  options: { dispatcher?: Dispatcher; timeoutMs?: number; maxBytes?: number } = {},
): CertificateFetcher {
  const maxBytes = options.maxBytes ?? 64 * 1024;
  return async (url) => {
    const res = await request(url, {
      method: 'GET',
      dispatcher: options.dispatcher,
      headersTimeout: options.timeoutMs ?? 10_000,
      bodyTimeout: options.timeoutMs ?? 10_000,
    });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} (redirects are not followed)`);
    if (bytes.length > maxBytes) throw new Error(`certificate larger than ${maxBytes} bytes`);
    return bytes;
  };
}
