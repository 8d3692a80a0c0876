import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveAnchors } from '../../src/credentials/seal/verification/anchors.js';
import { certificateFingerprint } from '../../src/pki/fingerprint.js';
import { parseCertificate } from '../../src/pki/path/cert.js';
import { root } from './path-fixtures.js';

describe('certificateFingerprint', () => {
  it('is the SHA-256 hex of the DER, whether given an ArrayBuffer or bytes, and every user agrees', async () => {
    const { cert } = await root();
    const expected = createHash('sha256').update(new Uint8Array(cert.rawData)).digest('hex');
    expect(certificateFingerprint(cert.rawData)).toBe(expected);
    expect(certificateFingerprint(new Uint8Array(cert.rawData))).toBe(expected);
    const anchors = resolveAnchors([cert.toString('pem')], { issuersByKid: () => [], issuersWithRole: () => [] } as never);
    expect(anchors.ok && anchors.set.anchors[0]!.fingerprint).toBe(expected);
    const parsed = parseCertificate(cert);
    expect(parsed.ok && parsed.cert.fingerprint).toBe(expected);
  });
});
