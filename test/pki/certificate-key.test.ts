import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../src/crypto/file-key-store.js';
import { certificateCertifiesJwk } from '../../src/pki/certificate-key.js';
import { loadOrCreateRegionPki, type RegionPki } from '../../src/pki/region-pki.js';

let dir: string;
let pki: RegionPki;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tb-certkey-'));
  pki = await loadOrCreateRegionPki(new FileKeyStore(dir), 'CN-GD');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('whether a certificate certifies a JWK', () => {
  it('is true for the key the certificate was issued to', () => {
    expect(certificateCertifiesJwk(pki.healthCodeIssuer.certificateChain[0]!, pki.healthCodeIssuer.publicJwk)).toBe(true);
    expect(certificateCertifiesJwk(pki.anchor.certificateChain[0]!, pki.anchor.publicJwk)).toBe(true);
  });

  it('is false for another key, even one of the same region', () => {
    expect(certificateCertifiesJwk(pki.healthCodeIssuer.certificateChain[0]!, pki.licenceIssuer.publicJwk)).toBe(false);
  });

  it('is false when the curve differs though the coordinates are copied', () => {
    const jwk = { ...pki.healthCodeIssuer.publicJwk, crv: 'P-384' };
    expect(certificateCertifiesJwk(pki.healthCodeIssuer.certificateChain[0]!, jwk)).toBe(false);
  });

  it('is false, never a throw, for bytes that are not a certificate', () => {
    expect(certificateCertifiesJwk(Buffer.from('not a certificate'), pki.healthCodeIssuer.publicJwk)).toBe(false);
    expect(certificateCertifiesJwk(pki.healthCodeIssuer.certificateChain[0]!.subarray(0, 100), pki.healthCodeIssuer.publicJwk)).toBe(false);
  });
});
