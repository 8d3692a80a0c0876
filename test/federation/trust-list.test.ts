import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64Url } from '../../src/crypto/base64url.js';
import { signTrustList } from '../../src/trust/trust-list/sign.js';
import { verifyTrustList, type PreviousTrustList } from '../../src/trust/trust-list/verify.js';
import type { RegionPki } from '../../src/pki/region-pki.js';
import { issuerEntry, payload, regionPki, removeTempDirs } from './helpers.js';

let sichuan: RegionPki;
let guangdong: RegionPki;
const now = new Date();
const options = { now, graceSeconds: 3600 };

beforeAll(async () => {
  sichuan = await regionPki('CN-SC');
  guangdong = await regionPki('CN-GD');
});
afterAll(removeTempDirs);

const pin = () => ({ region: 'CN-SC', anchor: sichuan.anchorCertificate });

function previousOf(sequence: number, hash: string, statuses: [string, 'active' | 'retired' | 'revoked'][] = []): PreviousTrustList {
  return { sequence, hash, statuses: new Map(statuses) };
}

describe('trust list signing and verification', () => {
  it('accepts a list signed by the list signer under the pinned anchor', async () => {
    const entry = issuerEntry('Sichuan Health Code Issuer');
    const jws = await signTrustList(payload('CN-SC', 1, [entry], now), sichuan.trustListSigner);
    const verdict = await verifyTrustList(jws, pin(), options);
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(verdict.list.payload.issuers.map((i) => i.kid)).toEqual([entry.kid]);
    expect(verdict.list.signerKid).toBe(sichuan.trustListSigner.kid);
    expect(verdict.unchanged).toBe(false);
  });

  it('puts the whole chain in x5c as standard base64 DER, leaf first', async () => {
    const jws = await signTrustList(payload('CN-SC', 1, [issuerEntry('x')], now), sichuan.trustListSigner);
    const header = JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString('utf8'));
    expect(header.typ).toBe('tongban-trust-list+jwt');
    expect(header.alg).toBe('ES256');
    expect(header.x5c).toHaveLength(3);
    expect(Buffer.from(header.x5c[0], 'base64')).toEqual(sichuan.trustListSigner.certificateChain[0]);
    expect(Buffer.from(header.x5c[2], 'base64')).toEqual(Buffer.from(sichuan.anchorCertificate.rawData));
  });

  it('refuses a list whose chain leads to another anchor', async () => {
    const jws = await signTrustList(payload('CN-SC', 1, [issuerEntry('x')], now), guangdong.trustListSigner);
    const verdict = await verifyTrustList(jws, pin(), options);
    expect(verdict).toMatchObject({ ok: false, code: 'TRUST_LIST_WRONG_ANCHOR' });
  });

  it('refuses a list signed by a key under the anchor that is a CA', async () => {
    const jws = await signTrustList(payload('CN-SC', 1, [issuerEntry('x')], now), sichuan.issuingCa);
    const verdict = await verifyTrustList(jws, pin(), options);
    expect(verdict).toMatchObject({ ok: false, code: 'TRUST_LIST_BAD_CHAIN' });
  });

  it('refuses a list whose payload was changed after signing', async () => {
    const jws = await signTrustList(payload('CN-SC', 1, [issuerEntry('x')], now), sichuan.trustListSigner);
    const [h, p, s] = jws.split('.');
    const changed = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
    changed.issuers.push(issuerEntry('intruder'));
    const verdict = await verifyTrustList(`${h}.${encodeBase64Url(JSON.stringify(changed))}.${s}`, pin(), options);
    expect(verdict).toMatchObject({ ok: false, code: 'TRUST_LIST_BAD_SIGNATURE' });
  });

  it('refuses a list whose x5c leaf was swapped for another certificate under the same anchor', async () => {
    const jws = await signTrustList(payload('CN-SC', 1, [issuerEntry('x')], now), sichuan.trustListSigner);
    const [h, p, s] = jws.split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString('utf8'));
    header.x5c = sichuan.healthCodeIssuer.certificateChain.map((d) => d.toString('base64'));
    const verdict = await verifyTrustList(`${encodeBase64Url(JSON.stringify(header))}.${p}.${s}`, pin(), options);
    expect(verdict).toMatchObject({ ok: false, code: 'TRUST_LIST_BAD_CHAIN' });
  });

  it('refuses a list signed by an issuer key of the region that is not certified for list signing', async () => {
    const jws = await signTrustList(payload('CN-SC', 1, [issuerEntry('x')], now), sichuan.healthCodeIssuer);
    const verdict = await verifyTrustList(jws, pin(), options);
    expect(verdict).toMatchObject({ ok: false, code: 'TRUST_LIST_BAD_CHAIN' });
    expect(verdict.ok === false && verdict.message).toContain('extended key usage');
  });

  it("refuses a seal CA entry whose certificate is another region's CA, or certifies another key", async () => {
    const sealEntry = (signer: RegionPki['sealCa'], certificateOf: RegionPki['sealCa']) => ({
      kid: signer.kid,
      roles: ['seal' as const],
      name: 'Seal CA',
      publicJwk: signer.publicJwk,
      certificate: certificateOf.certificateChain[0]!.toString('base64'),
      status: 'active' as const,
      statusHistory: [{ status: 'active' as const, at: '2025-01-01T00:00:00Z' }],
    });
    const own = await verifyTrustList(await signTrustList(payload('CN-SC', 1, [sealEntry(sichuan.sealCa, sichuan.sealCa)], now), sichuan.trustListSigner), pin(), options);
    expect(own.ok).toBe(true);
    // Guangdong's seal CA, listed by Sichuan: it does not chain to Sichuan's anchor.
    const foreign = await verifyTrustList(await signTrustList(payload('CN-SC', 1, [sealEntry(guangdong.sealCa, guangdong.sealCa)], now), sichuan.trustListSigner), pin(), options);
    expect(foreign).toMatchObject({ ok: false, code: 'TRUST_LIST_MALFORMED' });
    // Sichuan's key dressed in Sichuan's seal CA certificate of another key.
    const dressed = await verifyTrustList(await signTrustList(payload('CN-SC', 1, [sealEntry(sichuan.licenceIssuer, sichuan.sealCa)], now), sichuan.trustListSigner), pin(), options);
    expect(dressed).toMatchObject({ ok: false, code: 'TRUST_LIST_MALFORMED' });
  });

  it('refuses a list signer certificate whose key usage lacks digitalSignature, EKU or not', async () => {
    const { FileKeyStore } = await import('../../src/crypto/file-key-store.js');
    const { issueCertificate } = await import('../../src/pki/certificates.js');
    const { x509 } = await import('../../src/pki/x509.js');
    const { TRUST_LIST_SIGNING_EKU } = await import('../../src/pki/tongban-oids.js');
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const store = new FileKeyStore(await mkdtemp(path.join(tmpdir(), 'tb-ku-')));
    const signer = await store.generate('odd-signer');
    const cert = await issueCertificate(
      { subject: 'CN=Odd Signer, C=CN', notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), keyUsages: x509.KeyUsageFlags.keyEncipherment, extendedKeyUsages: [TRUST_LIST_SIGNING_EKU] },
      signer.publicKey,
      sichuan.issuingCa,
    );
    await store.saveChain('odd-signer', signer, [Buffer.from(cert.rawData), ...sichuan.issuingCa.certificateChain]);
    const verdict = await verifyTrustList(await signTrustList(payload('CN-SC', 1, [issuerEntry('x')], now), signer), pin(), options);
    expect(verdict).toMatchObject({ ok: false, code: 'TRUST_LIST_BAD_CHAIN' });
  });

  it('refuses alg none and an unexpected typ before any crypto', async () => {
    const jws = await signTrustList(payload('CN-SC', 1, [issuerEntry('x')], now), sichuan.trustListSigner);
    const [h, p, s] = jws.split('.');
    for (const change of [{ alg: 'none' }, { alg: 'HS256' }, { typ: 'JWT' }, { crit: ['exp'] }]) {
      const header = { ...JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')), ...change };
      const verdict = await verifyTrustList(`${encodeBase64Url(JSON.stringify(header))}.${p}.${s}`, pin(), options);
      expect(verdict).toMatchObject({ ok: false, code: 'TRUST_LIST_MALFORMED' });
    }
  });

  it('refuses a list for another region than the pinned one', async () => {
    const jws = await signTrustList(payload('CN-GD', 1, [issuerEntry('x')], now), sichuan.trustListSigner);
    expect(await verifyTrustList(jws, pin(), options)).toMatchObject({ ok: false, code: 'TRUST_LIST_REGION_MISMATCH' });
  });

  it('refuses a list past its next update beyond the grace, and accepts it within the grace', async () => {
    const issued = new Date(now.getTime() - 2 * 86_400_000);
    const jws = await signTrustList(payload('CN-SC', 1, [issuerEntry('x')], issued, 86_400), sichuan.trustListSigner);
    expect(await verifyTrustList(jws, pin(), { now, graceSeconds: 3600 })).toMatchObject({ ok: false, code: 'TRUST_LIST_STALE' });
    expect((await verifyTrustList(jws, pin(), { now, graceSeconds: 2 * 86_400 })).ok).toBe(true);
  });

  it('refuses a list whose sequence number went backwards', async () => {
    const jws = await signTrustList(payload('CN-SC', 4, [issuerEntry('x')], now), sichuan.trustListSigner);
    expect(await verifyTrustList(jws, pin(), { ...options, previous: previousOf(5, 'x') })).toMatchObject({ ok: false, code: 'TRUST_LIST_ROLLBACK' });
  });

  it('treats the same sequence with the same content as unchanged, and with other content as a conflict', async () => {
    const entry = issuerEntry('x');
    const jws = await signTrustList(payload('CN-SC', 7, [entry], now), sichuan.trustListSigner);
    const first = await verifyTrustList(jws, pin(), options);
    if (!first.ok) throw new Error(first.message);
    const again = await verifyTrustList(jws, pin(), { ...options, previous: previousOf(7, first.list.hash, [[entry.kid, 'active']]) });
    expect(again).toMatchObject({ ok: true, unchanged: true });
    const other = await signTrustList(payload('CN-SC', 7, [entry, issuerEntry('y')], now), sichuan.trustListSigner);
    expect(await verifyTrustList(other, pin(), { ...options, previous: previousOf(7, first.list.hash) })).toMatchObject({ ok: false, code: 'TRUST_LIST_SEQUENCE_CONFLICT' });
  });

  it('refuses a list with no issuers', async () => {
    const jws = await signTrustList(payload('CN-SC', 1, [], now), sichuan.trustListSigner);
    expect(await verifyTrustList(jws, pin(), options)).toMatchObject({ ok: false, code: 'TRUST_LIST_EMPTY' });
  });

  it('refuses a list that silently drops an issuer of the accepted list', async () => {
    const kept = issuerEntry('kept');
    const dropped = issuerEntry('dropped');
    const jws = await signTrustList(payload('CN-SC', 2, [kept], now), sichuan.trustListSigner);
    const previous = previousOf(1, 'h', [[kept.kid, 'active'], [dropped.kid, 'active']]);
    expect(await verifyTrustList(jws, pin(), { ...options, previous })).toMatchObject({ ok: false, code: 'TRUST_LIST_ISSUER_DROPPED' });
  });

  it('refuses a list that brings a revoked issuer back to active', async () => {
    const entry = issuerEntry('comeback');
    const jws = await signTrustList(payload('CN-SC', 2, [entry], now), sichuan.trustListSigner);
    const previous = previousOf(1, 'h', [[entry.kid, 'revoked']]);
    expect(await verifyTrustList(jws, pin(), { ...options, previous })).toMatchObject({ ok: false, code: 'TRUST_LIST_UNREVOKED' });
  });

  it('refuses an issuer whose kid is not the thumbprint of its key', async () => {
    const entry = { ...issuerEntry('liar'), kid: issuerEntry('other').kid };
    const jws = await signTrustList(payload('CN-SC', 1, [entry], now), sichuan.trustListSigner);
    expect(await verifyTrustList(jws, pin(), options)).toMatchObject({ ok: false, code: 'TRUST_LIST_MALFORMED' });
  });

  it('refuses an issuer with a role it does not know instead of dropping the role', async () => {
    const entry = { ...issuerEntry('x'), roles: ['healthcode', 'vaccination'] } as unknown as ReturnType<typeof issuerEntry>;
    const jws = await signTrustList(payload('CN-SC', 1, [entry], now), sichuan.trustListSigner);
    expect(await verifyTrustList(jws, pin(), options)).toMatchObject({ ok: false, code: 'TRUST_LIST_MALFORMED' });
  });

  it('refuses an issuer whose status contradicts its history', async () => {
    const entry = { ...issuerEntry('x'), status: 'active' as const, statusHistory: [{ status: 'active' as const, at: '2025-01-01T00:00:00Z' }, { status: 'revoked' as const, at: '2025-02-01T00:00:00Z' }] };
    const jws = await signTrustList(payload('CN-SC', 1, [entry], now), sichuan.trustListSigner);
    expect(await verifyTrustList(jws, pin(), options)).toMatchObject({ ok: false, code: 'TRUST_LIST_MALFORMED' });
  });

  it('refuses a list nested deeper than the depth limit and one over the byte or issuer limits', async () => {
    const deep = { ...payload('CN-SC', 1, [issuerEntry('x')], now), extra: JSON.parse('['.repeat(50) + ']'.repeat(50)) };
    const jws = await signTrustList(deep, sichuan.trustListSigner);
    expect(await verifyTrustList(jws, pin(), options)).toMatchObject({ ok: false, code: 'TRUST_LIST_MALFORMED' });
    const two = await signTrustList(payload('CN-SC', 1, [issuerEntry('a'), issuerEntry('b')], now), sichuan.trustListSigner);
    expect(await verifyTrustList(two, pin(), { ...options, limits: { maxBytes: 1 << 20, maxIssuers: 1, maxDepth: 8 } })).toMatchObject({ ok: false, code: 'TRUST_LIST_TOO_LARGE' });
    expect(await verifyTrustList(two, pin(), { ...options, limits: { maxBytes: 100, maxIssuers: 10, maxDepth: 8 } })).toMatchObject({ ok: false, code: 'TRUST_LIST_TOO_LARGE' });
  });

  it('refuses text that is not a JWS at all', async () => {
    for (const text of ['', 'hello', '{"region":"CN-SC"}', 'a.b.c', '<html></html>']) {
      expect(await verifyTrustList(text, pin(), options)).toMatchObject({ ok: false, code: 'TRUST_LIST_MALFORMED' });
    }
  });
});
