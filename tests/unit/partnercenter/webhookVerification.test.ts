import { createSign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  createWebhookVerifier,
  type CertificateFetcher,
  type WebhookVerifierOptions,
} from '../../../Relay/partnercenter';
import {
  createSigningCertificate,
  type SigningCertificate,
} from '../../../DevStack/simulators/partnercenter';
import { PARTNER_CENTER_PAYLOADS } from '../../testkit/paths';

const CERT_URL =
  'https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer';
const NOW = new Date('2025-06-01T12:00:00Z');

// One key pair for all certificates keeps the suite fast; each certificate differs in what is tested.
const microsoft = createSigningCertificate({
  notBefore: new Date('2025-01-01'),
  notAfter: new Date('2026-01-01'),
});
const reuseKey = { privateKeyPem: microsoft.privateKeyPem };
const expired = createSigningCertificate({
  ...reuseKey,
  notBefore: new Date('2023-01-01'),
  notAfter: new Date('2024-01-01'),
});
const foreign = createSigningCertificate({
  ...reuseKey,
  organization: 'Contoso Ltd',
  notBefore: new Date('2025-01-01'),
});
const otherKey = createSigningCertificate({ notBefore: new Date('2025-01-01') });

const sign = (body: Buffer, cert: SigningCertificate = microsoft) =>
  createSign('RSA-SHA256').update(body).sign(cert.privateKeyPem, 'base64');

/** The documented referral-updated body with a real id in ResourceUri (template placeholder replaced). */
const body = Buffer.from(
  fs
    .readFileSync(path.join(PARTNER_CENTER_PAYLOADS, 'webhook-referral-updated.json'), 'utf8')
    .replace('{{ReferralID}}', 'c5fbb3b6-be74-4795-9fb5-4324c73fed37'),
);

function verifier(cert: SigningCertificate = microsoft, extra: Partial<WebhookVerifierOptions> = {}) {
  const fetched: string[] = [];
  const fetchCertificate: CertificateFetcher = async (url) => {
    fetched.push(url);
    return cert.certificateDer;
  };
  return {
    fetched,
    verifier: createWebhookVerifier({ fetchCertificate, clock: { now: () => NOW }, ...extra }),
  };
}

const headersFor = (raw: Buffer, signer: SigningCertificate = microsoft) => ({
  authorization: `Signature ${sign(raw, signer)}`,
  'x-ms-certificate-url': CERT_URL,
  'x-ms-signature-algorithm': 'rsa-sha256',
});

describe('webhook verification', () => {
  it('accepts a correctly signed documented payload and extracts the referral id from ResourceUri', async () => {
    const { verifier: v, fetched } = verifier();
    const result = await v.verify(headersFor(body), body);
    expect(result).toEqual({
      ok: true,
      event: {
        EventName: 'referral-updated',
        ResourceUri:
          'https://api.partnercenter.microsoft.com/engagements/v1/referrals/c5fbb3b6-be74-4795-9fb5-4324c73fed37',
        ResourceName: 'referral',
        AuditUri: null,
        ResourceChangeUtcDate: '2018-02-17T00:05:39.5485487+00:00',
      },
      referralId: 'c5fbb3b6-be74-4795-9fb5-4324c73fed37',
      certificateUrl: CERT_URL,
    });
    // Cached by URL: a second delivery does not download again.
    await v.verify(headersFor(body), body);
    expect(fetched).toEqual([CERT_URL]);
  });

  it('accepts x-ms-signature with and without the "Signature " prefix, and verifies the raw bytes of test-created', async () => {
    const http = fs.readFileSync(
      path.join(PARTNER_CENTER_PAYLOADS, 'webhook-test-created.request.http'),
      'utf8',
    );
    const raw = Buffer.from(http.slice(http.indexOf('\n\n') + 2)); // as received: pretty-printed, trailing space
    const { verifier: v } = verifier();
    const base = { 'x-ms-certificate-url': CERT_URL, 'x-ms-signature-algorithm': 'RSA-SHA256' };
    const withPrefix = await v.verify({ ...base, 'x-ms-signature': `Signature ${sign(raw)}` }, raw);
    const bare = await v.verify(
      { ...base, 'X-MS-Signature': sign(raw), authorization: 'Bearer from-a-proxy' },
      raw,
    );
    expect(withPrefix).toMatchObject({ ok: true, referralId: null, event: { EventName: 'test-created' } });
    expect(bare.ok).toBe(true);
  });

  it.each([
    ['missing signature', { authorization: undefined }, 400, 'missing-signature'],
    ['bearer instead of signature', { authorization: 'Bearer abc' }, 400, 'missing-signature'],
    ['non-base64 signature', { authorization: 'Signature not*base64' }, 400, 'malformed-signature'],
    ['missing certificate url', { 'x-ms-certificate-url': undefined }, 400, 'missing-certificate-url'],
    ['missing algorithm', { 'x-ms-signature-algorithm': undefined }, 400, 'missing-algorithm'],
    ['other algorithm', { 'x-ms-signature-algorithm': 'rsa-sha1' }, 400, 'unsupported-algorithm'],
    [
      'wrong certificate host',
      { 'x-ms-certificate-url': 'https://evil.example.com/cert/pc.cer' },
      403,
      'untrusted-certificate-url',
    ],
    [
      'look-alike host',
      { 'x-ms-certificate-url': 'https://3psostorageacct.blob.core.windows.net.evil.io/cert/a.cer' },
      403,
      'untrusted-certificate-url',
    ],
    [
      'http certificate url',
      { 'x-ms-certificate-url': CERT_URL.replace('https:', 'http:') },
      403,
      'untrusted-certificate-url',
    ],
    [
      'path outside /cert',
      { 'x-ms-certificate-url': CERT_URL.replace('/cert/', '/other/') },
      403,
      'untrusted-certificate-url',
    ],
  ])('rejects %s', async (_name, override, status, reason) => {
    const { verifier: v, fetched } = verifier();
    const result = await v.verify({ ...headersFor(body), ...override }, body);
    expect(result).toMatchObject({ ok: false, status, reason });
    expect(fetched).toEqual([]);
  });

  it('rejects a forged signature (other key) and a tampered body with 401', async () => {
    const { verifier: v } = verifier();
    expect(await v.verify(headersFor(body, otherKey), body)).toMatchObject({
      ok: false,
      status: 401,
      reason: 'bad-signature',
    });
    const tampered = Buffer.from(body.toString().replace('referral-updated', 'referral-created'));
    expect(await v.verify(headersFor(body), tampered)).toMatchObject({
      ok: false,
      status: 401,
      reason: 'bad-signature',
    });
    // Re-serialised JSON is not the received bytes either.
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    expect(await v.verify(headersFor(body), reserialised)).toMatchObject({ reason: 'bad-signature' });
  });

  it('rejects an expired and a not-yet-valid certificate, and a non-Microsoft one, with 403', async () => {
    expect(await verifier(expired).verifier.verify(headersFor(body), body)).toMatchObject({
      status: 403,
      reason: 'certificate-not-valid-now',
    });
    const future = createSigningCertificate({ ...reuseKey, notBefore: new Date('2030-01-01') });
    expect(await verifier(future).verifier.verify(headersFor(body), body)).toMatchObject({
      reason: 'certificate-not-valid-now',
    });
    expect(await verifier(foreign).verifier.verify(headersFor(body), body)).toMatchObject({
      status: 403,
      reason: 'untrusted-certificate',
    });
  });

  it('refuses bodies over 1 MB with 413 before any other work', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    const { verifier: v, fetched } = verifier();
    expect(await v.verify({}, big)).toMatchObject({ ok: false, status: 413, reason: 'body-too-large' });
    expect(fetched).toEqual([]);
  });

  it('answers 502 when the certificate cannot be fetched, and retries the download once the failure expires', async () => {
    let calls = 0;
    let now = NOW;
    const v = createWebhookVerifier({
      clock: { now: () => now },
      fetchCertificate: async () => {
        calls++;
        if (calls === 1) throw new Error('HTTP 302 (redirects are not followed)');
        return microsoft.certificateDer;
      },
    });
    expect(await v.verify(headersFor(body), body)).toMatchObject({
      status: 502,
      reason: 'certificate-unavailable',
    });
    now = new Date(NOW.getTime() + 60_001);
    expect(await v.verify(headersFor(body), body)).toMatchObject({ ok: true });
    expect(calls).toBe(2);
  });

  it('rejects a signed body that is not a webhook event', async () => {
    const raw = Buffer.from('{"hello":"world"}');
    expect(await verifier().verifier.verify(headersFor(raw), raw)).toMatchObject({
      status: 400,
      reason: 'malformed-body',
    });
  });

  it('trusts a local http certificate URL only when explicitly configured (sandbox)', async () => {
    const local = {
      ...headersFor(body),
      'x-ms-certificate-url': 'http://127.0.0.1:7071/cert/pcnotifications-dispatch.microsoft.com.cer',
    };
    expect(
      await verifier(microsoft, { trustedCertificateHosts: ['127.0.0.1:7071'] }).verifier.verify(local, body),
    ).toMatchObject({
      reason: 'untrusted-certificate-url',
    });
    const sandbox = verifier(microsoft, {
      trustedCertificateHosts: ['127.0.0.1:7071'],
      allowInsecureCertificateUrls: true,
    });
    expect(await sandbox.verifier.verify(local, body)).toMatchObject({ ok: true });
  });
});
