import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../src/crypto/file-key-store.js';
import { issueCertificate } from '../../src/pki/certificates.js';
import { issueCrl } from '../../src/pki/crl.js';
import { loadOrCreateRegionPki, type RegionPki } from '../../src/pki/region-pki.js';
import { x509 } from '../../src/pki/x509.js';
import { RemoteCrlCache } from '../../src/credentials/seal/verification/remote-crls.js';
import { checkLeafRevocation } from '../../src/credentials/seal/verification/revocation-check.js';
import { certificateFingerprint as fingerprint } from '../../src/pki/fingerprint.js';

const NOW = new Date();
let dir: string;
let sichuan: RegionPki;
let impostor: RegionPki;
let server: Server;
let served: Buffer = Buffer.alloc(0);
let leaf: x509.X509Certificate;
let sealCa: x509.X509Certificate;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tb-crl-'));
  sichuan = await loadOrCreateRegionPki(new FileKeyStore(path.join(dir, 'sc')), 'CN-SC');
  impostor = await loadOrCreateRegionPki(new FileKeyStore(path.join(dir, 'x')), 'CN-SC');
  server = createServer((_, res) => res.end(served));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/seals/crl`;
  const sealKey = await new FileKeyStore(path.join(dir, 'seal')).generate('seal');
  leaf = await issueCertificate(
    { subject: 'CN=成都市公章, O=成都市人民政府, C=CN', notBefore: new Date(NOW.getTime() - 3600_000), notAfter: new Date(NOW.getTime() + 86400_000), keyUsages: x509.KeyUsageFlags.digitalSignature, crlDistributionPoint: url },
    sealKey.publicKey,
    sichuan.sealCa,
  );
  sealCa = new x509.X509Certificate(new Uint8Array(sichuan.sealCa.certificateChain[0]!));
});
afterAll(async () => {
  server?.close();
  await rm(dir, { recursive: true, force: true });
});

const crl = (pki: RegionPki, revoked: boolean) =>
  issueCrl({
    issuer: pki.sealCa,
    crlNumber: 1n,
    thisUpdate: new Date(NOW.getTime() - 60_000),
    nextUpdate: new Date(NOW.getTime() + 3600_000),
    entries: revoked ? [{ serialNumber: leaf.serialNumber, revokedAt: new Date(NOW.getTime() - 30_000), reason: 'keyCompromise' }] : [],
  });

describe("partners' seal CRLs", () => {
  it('never fetches for a path that ends at an anchor the federation does not vouch for (SSRF)', async () => {
    let requests = 0;
    server.on('request', () => requests++);
    served = await crl(sichuan, true);
    const cache = new RemoteCrlCache(() => false);
    await cache.prepare([leaf, sealCa], NOW);
    expect(requests).toBe(0);
    expect(checkLeafRevocation([leaf, sealCa], NOW, NOW, cache)).toMatchObject({ subIndication: 'TRY_LATER' });
  });

  it('does not believe a CRL signed by another CA with the same name, so the stamp stays TRY_LATER', async () => {
    served = await crl(impostor, false);
    const cache = new RemoteCrlCache(() => true);
    await cache.prepare([leaf, sealCa], NOW);
    expect(cache.revocationListFor(fingerprint(sealCa.rawData))).toBeUndefined();
    expect(checkLeafRevocation([leaf, sealCa], NOW, NOW, cache)).toMatchObject({ subIndication: 'TRY_LATER' });
  });

  it("fetches the CA's own CRL from the distribution point and reports a revoked seal", async () => {
    served = await crl(sichuan, true);
    const cache = new RemoteCrlCache(() => true);
    await cache.prepare([leaf, sealCa], NOW);
    expect(cache.revocationListFor(fingerprint(sealCa.rawData))?.size).toBe(1);
    expect(checkLeafRevocation([leaf, sealCa], NOW, NOW, cache)).toMatchObject({ subIndication: 'REVOKED' });
  });
});

describe('fetching a CRL under one deadline', () => {
  it('gives up on all distribution points once the budget of one prepare is spent', async () => {
    let requests = 0;
    const hanging = createServer(() => requests++); // accepts, never answers
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
      const slowLeaf = await issueCertificate(
        {
          subject: 'CN=慢公章, O=成都市人民政府, C=CN',
          notBefore: new Date(NOW.getTime() - 3600_000),
          notAfter: new Date(NOW.getTime() + 86400_000),
          keyUsages: x509.KeyUsageFlags.digitalSignature,
          extraExtensions: [new x509.CRLDistributionPointsExtension([1, 2, 3, 4].map((i) => `${base}/crl${i}`))],
        },
        (await new FileKeyStore(path.join(dir, 'slow')).generate('slow')).publicKey,
        sichuan.sealCa,
      );
      const cache = new RemoteCrlCache(() => true, { budgetMs: 400 });
      const started = Date.now();
      await cache.prepare([slowLeaf, sealCa], NOW);
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(requests).toBe(1);
      expect(checkLeafRevocation([slowLeaf, sealCa], NOW, NOW, cache)).toMatchObject({ subIndication: 'TRY_LATER' });
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  }, 8_000);
});
