import { createSign, X509Certificate } from 'node:crypto';
import { createSigningCertificate } from '../../../DevStack/simulators/partnercenter';
import { MAX_JSON_DEPTH } from '../../../Domain';
import { createWebhookVerifier, type CertificateFetcher } from '../../../Relay/partnercenter';

const HOST = '3psostorageacct.blob.core.windows.net';
const CERT_URL = `https://${HOST}/cert/pcnotifications-dispatch.microsoft.com.cer`;
const NOW = new Date('2025-06-01T12:00:00Z');
const microsoft = createSigningCertificate({
  notBefore: new Date('2025-01-01'),
  notAfter: new Date('2026-01-01'),
});

const event = (resourceUri: string) =>
  Buffer.from(
    JSON.stringify({
      EventName: 'referral-updated',
      ResourceUri: resourceUri,
      ResourceName: 'referral',
      AuditUri: null,
      ResourceChangeUtcDate: '2025-06-01T11:59:00Z',
    }),
  );

const headersFor = (raw: Buffer, certificateUrl = CERT_URL) => ({
  authorization: `Signature ${createSign('RSA-SHA256').update(raw).sign(microsoft.privateKeyPem, 'base64')}`,
  'x-ms-certificate-url': certificateUrl,
  'x-ms-signature-algorithm': 'rsa-sha256',
});

function verifierWith(fetchCertificate: CertificateFetcher, trustedCertificateHosts = [HOST]) {
  let now = NOW;
  const verifier = createWebhookVerifier({
    fetchCertificate,
    trustedCertificateHosts,
    clock: { now: () => now },
  });
  return { verifier, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const serving = async () => microsoft.certificateDer;

describe('Partner Center webhook verification against hostile input', () => {
  it('answers a signed event with a bad %-escape in ResourceUri with 400, not an exception', async () => {
    const { verifier } = verifierWith(serving);
    for (const uri of [
      'https://api.partnercenter.microsoft.com/engagements/v1/referrals/%E0%A4%A',
      'https://api.partnercenter.microsoft.com/engagements/v1/referrals/%',
    ]) {
      const raw = event(uri);
      await expect(verifier.verify(headersFor(raw), raw)).resolves.toMatchObject({
        ok: false,
        status: 400,
        reason: 'malformed-body',
        message: expect.stringMatching(/ResourceUri does not end in a referral id/),
      });
    }
  });

  it('refuses a referral id that is not a GUID (it would go into a request URL)', async () => {
    const { verifier } = verifierWith(serving);
    const raw = event(
      'https://api.partnercenter.microsoft.com/engagements/v1/referrals/1%2F..%2F..%2Fwebhooks',
    );
    expect(await verifier.verify(headersFor(raw), raw)).toMatchObject({
      status: 400,
      reason: 'malformed-body',
    });
  });

  it('refuses a signed body nested deeper than the limit before parsing it', async () => {
    const { verifier } = verifierWith(serving);
    const raw = Buffer.from(`{"EventName":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(await verifier.verify(headersFor(raw), raw)).toEqual({
      ok: false,
      status: 400,
      reason: 'malformed-body',
      message: `The body nests deeper than ${MAX_JSON_DEPTH} levels`,
    });
  });

  it('checks the port of the certificate URL, not only its host name', async () => {
    const raw = event('https://x/referrals/c5fbb3b6-be74-4795-9fb5-4324c73fed37');
    const { verifier } = verifierWith(serving);
    const otherPort = `https://${HOST}:8443/cert/pcnotifications-dispatch.microsoft.com.cer`;
    expect(await verifier.verify(headersFor(raw, otherPort), raw)).toMatchObject({
      status: 403,
      reason: 'untrusted-certificate-url',
    });
    // The scheme's default port written out is the same place.
    const explicitDefault = `https://${HOST}:443/cert/pcnotifications-dispatch.microsoft.com.cer`;
    expect(await verifier.verify(headersFor(raw, explicitDefault), raw)).toMatchObject({ ok: true });
    // An allow-list entry with a port allows that port only.
    const local = verifierWith(serving, ['127.0.0.1:7071']).verifier;
    expect(await local.verify(headersFor(raw, 'https://127.0.0.1:7072/cert/a.cer'), raw)).toMatchObject({
      reason: 'untrusted-certificate-url',
    });
    expect(await local.verify(headersFor(raw, 'https://127.0.0.1:7071/cert/a.cer'), raw)).toMatchObject({
      ok: true,
    });
  });

  it('remembers a failed certificate download for a while: forged deliveries cost no further GET', async () => {
    const fetched: string[] = [];
    const { verifier, advance } = verifierWith(async (url) => {
      fetched.push(url);
      throw new Error('HTTP 404 (redirects are not followed)');
    });
    const raw = event('https://x/referrals/c5fbb3b6-be74-4795-9fb5-4324c73fed37');
    for (let i = 0; i < 20; i++) {
      expect(await verifier.verify(headersFor(raw), raw)).toMatchObject({ status: 502 });
    }
    expect(fetched).toHaveLength(1);
    advance(60_001);
    expect(await verifier.verify(headersFor(raw), raw)).toMatchObject({ status: 502 });
    expect(fetched).toHaveLength(2);
  });

  it('keeps a bounded number of certificate URLs however many a caller invents', async () => {
    const fetched: string[] = [];
    const verifier = createWebhookVerifier({
      fetchCertificate: async (url) => {
        fetched.push(url);
        throw new Error('HTTP 404');
      },
      clock: { now: () => NOW },
      certificateCacheSize: 4,
    });
    const raw = event('https://x/referrals/c5fbb3b6-be74-4795-9fb5-4324c73fed37');
    const url = (i: number) => `https://${HOST}/cert/forged-${i}.cer`;
    for (let i = 0; i < 6; i++) await verifier.verify(headersFor(raw, url(i)), raw);
    // The four newest are remembered; the oldest were forgotten and cost a new GET.
    await verifier.verify(headersFor(raw, url(5)), raw);
    await verifier.verify(headersFor(raw, url(0)), raw);
    expect(fetched).toEqual([0, 1, 2, 3, 4, 5, 0].map(url));
  });

  it('never shows the OpenSSL error behind a certificate failure to the caller; keeps it for the log', async () => {
    let opensslError = '';
    try {
      new X509Certificate(Buffer.from('not a certificate'));
    } catch (error) {
      opensslError = (error as Error).message;
    }
    expect(opensslError).not.toBe('');
    const { verifier } = verifierWith(async () => Buffer.from('not a certificate'));
    const raw = event('https://x/referrals/c5fbb3b6-be74-4795-9fb5-4324c73fed37');
    const result = await verifier.verify(headersFor(raw), raw);
    expect(result).toMatchObject({
      ok: false,
      status: 502,
      reason: 'certificate-unavailable',
      detail: opensslError,
    });
    if (result.ok) throw new Error('unreachable');
    expect(result.message).not.toContain(opensslError);
    expect(result.message).not.toMatch(/error:|asn1|openssl|routines/i);
  });
});
