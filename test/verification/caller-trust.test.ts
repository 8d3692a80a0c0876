import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyStore, derToPem } from '../../src/crypto/file-key-store.js';
import { loadOrCreateRegionPki, type RegionPki } from '../../src/pki/region-pki.js';
import { IssuerIndex, type TrustedIssuer } from '../../src/trust/trust-material.js';
import { callerAnchoredTrust } from '../../src/verification/caller-trust.js';

let dir: string;
let guangdong: RegionPki;
let rogue: RegionPki;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tb-caller-'));
  [guangdong, rogue] = await Promise.all([
    loadOrCreateRegionPki(new FileKeyStore(path.join(dir, 'gd')), 'CN-GD'),
    loadOrCreateRegionPki(new FileKeyStore(path.join(dir, 'rogue')), 'CN-SC'),
  ]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const issuer = (pki: RegionPki, certificateFrom: RegionPki): TrustedIssuer => ({
  kid: pki.healthCodeIssuer.kid,
  region: pki.region,
  name: 'issuer',
  roles: ['healthcode'],
  publicKey: pki.healthCodeIssuer.publicKey,
  certificate: certificateFrom.healthCodeIssuer.certificateChain[0]!,
  certificateChain: certificateFrom.healthCodeIssuer.certificateChain.slice(1),
  status: 'active',
  source: 'peer',
});

describe('trust restricted to the caller anchors', () => {
  const anchor = () => derToPem(guangdong.anchor.certificateChain[0]!);

  it("keeps an issuer whose own certificate chains to the caller's anchor", async () => {
    const honest = issuer(guangdong, guangdong);
    const trust = await callerAnchoredTrust([anchor()], honest.kid, new IssuerIndex([honest]), new Date());
    expect(trust.issuersByKid(honest.kid)).toHaveLength(1);
  });

  it("drops an issuer whose key is dressed in another key's certificate under the caller's anchor", async () => {
    const dressed = issuer(rogue, guangdong);
    const trust = await callerAnchoredTrust([anchor()], dressed.kid, new IssuerIndex([dressed]), new Date());
    expect(trust.issuersByKid(dressed.kid)).toHaveLength(0);
  });
});

describe('batch verification budget', () => {
  it('answers items it had no time for as INDETERMINATE / TRY_LATER, never as passed or missing', async () => {
    const { CredentialVerifier } = await import('../../src/verification/verify-credential.js');
    const { DEFAULT_POLICY } = await import('../../src/verification/policy.js');
    const verifier = new CredentialVerifier({ trust: () => new IssuerIndex([]), status: { lookup: async () => ({ ok: false, reason: 'none' }) }, policy: DEFAULT_POLICY });
    const reports = await verifier.verifyBatch([{ credential: 'a.b.c' }, { credential: 'x' }], 0);
    expect(reports).toHaveLength(2);
    expect(reports.map((r) => r.subIndication)).toEqual(['TRY_LATER', 'TRY_LATER']);
    expect(reports[0]!.checks[0]!.name).toBe('batch-budget');
  });
});
