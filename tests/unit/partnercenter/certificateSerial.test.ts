/**
 * DER INTEGER rules (X.690 §8.3.2): no leading 0x00 byte unless the next byte has its top bit set.
 * OpenSSL refuses a certificate whose serial breaks them, so the simulator's signing certificate and
 * the test authority's TLS certificate must never carry one, whatever the random bytes.
 */
import { X509Certificate } from 'node:crypto';
import {
  certificateSerialNumber,
  createSigningCertificate,
} from '../../../DevStack/simulators/partnercenter/certificates';

describe('certificate serial numbers', () => {
  it.each([0x00, 0x05, 0x0f, 0x7f, 0x80, 0xff])(
    'is a minimal positive DER integer when the random bytes start 0x%s',
    (first) => {
      const serial = certificateSerialNumber(Uint8Array.from([first, ...new Array(14).fill(0x42)]));
      expect(serial).toHaveLength(32);
      const leading = parseInt(serial.slice(0, 2), 16);
      expect(leading).toBeGreaterThan(0);
      expect(leading).toBeLessThan(0x80);
    },
  );

  it('gives certificates OpenSSL parses', () => {
    const { certificatePem } = createSigningCertificate();
    expect(new X509Certificate(certificatePem).serialNumber).toMatch(/^01[0-9A-F]{30}$/);
  });
});
