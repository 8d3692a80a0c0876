import { describe, expect, it } from 'vitest';
import { validatePath } from '../../src/pki/path/validate.js';
import { x509 } from '../../src/pki/x509.js';
import { EKU, ca, chain3, genKeys, leaf, makeCert, mutate, root } from './path-fixtures.js';

const now = new Date();
const input = (l: x509.X509Certificate, intermediates: x509.X509Certificate[], anchors: x509.X509Certificate[], extra = {}) => ({
  leaf: l,
  intermediates,
  trustAnchors: anchors,
  at: now,
  purpose: 'seal' as const,
  ...extra,
});

describe('validatePath: chain building', () => {
  it('accepts root → issuing CA → seal certificate and returns the path leaf first', async () => {
    const c = await chain3();
    const r = await validatePath(input(c.leaf.cert, [c.ica.cert], [c.root.cert]));
    expect(r.valid, r.detail).toBe(true);
    expect(r.path?.map((p) => p.subject)).toEqual([c.leaf.cert.subject, c.ica.cert.subject, c.root.cert.subject]);
    expect(r.checks.find((k) => k.name === 'path.signatures')?.result).toBe('PASSED');
  });

  it('finds the right issuer among junk and a same-named impostor CA', async () => {
    const c = await chain3();
    const impostor = await ca('CN=Seal Issuing CA,O=Tongban', c.root);
    const other = await chain3();
    const r = await validatePath(input(c.leaf.cert, [other.ica.cert, impostor.cert, other.leaf.cert, c.ica.cert], [other.root.cert, c.root.cert]));
    expect(r.valid, r.detail).toBe(true);
    expect(r.path?.[1]?.equal(c.ica.cert)).toBe(true);
  });

  it('reports NO_CERTIFICATE_CHAIN_FOUND when the intermediate is missing or the root is untrusted', async () => {
    const c = await chain3();
    const a = await validatePath(input(c.leaf.cert, [], [c.root.cert]));
    expect(a).toMatchObject({ valid: false, subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
    const other = await root('CN=Other Root');
    const b = await validatePath(input(c.leaf.cert, [c.ica.cert, c.root.cert], [other.cert]));
    expect(b).toMatchObject({ valid: false, subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
  });

  it('rejects a garbled signature: the named issuer no longer verifies it', async () => {
    const c = await chain3();
    const bad = mutate(c.leaf.cert, (d) => {
      d[d.length - 5]! ^= 0x01;
    });
    const r = await validatePath(input(bad, [c.ica.cert], [c.root.cert]));
    expect(r.valid).toBe(false);
    expect(r.subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
    expect(r.detail).toMatch(/does not verify the signature/);
  });

  it('does not loop on CAs that cross-sign each other without reaching an anchor', async () => {
    const r0 = await root('CN=Unrelated Root');
    const kA = await genKeys();
    const kB = await genKeys();
    const aSelf = await makeCert({ subject: 'CN=A', keys: kA, ca: true, omitAki: true });
    const bSelf = await makeCert({ subject: 'CN=B', keys: kB, ca: true, omitAki: true });
    const aByB = await makeCert({ subject: 'CN=A', keys: kA, issuer: bSelf, ca: true });
    const bByA = await makeCert({ subject: 'CN=B', keys: kB, issuer: aSelf, ca: true });
    const l = await leaf('CN=Seal', aSelf);
    const t0 = Date.now();
    const r = await validatePath(input(l.cert, [aByB.cert, bByA.cert], [r0.cert]));
    expect(r.subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('honours limits.maxDepth (self-issued certificates not counted)', async () => {
    const r = await root();
    const i1 = await ca('CN=I1', r);
    const i2 = await ca('CN=I2', i1);
    const l = await leaf('CN=Seal', i2);
    expect((await validatePath(input(l.cert, [i1.cert, i2.cert], [r.cert], { limits: { maxDepth: 2 } }))).valid).toBe(true);
    const shallow = await validatePath(input(l.cert, [i1.cert, i2.cert], [r.cert], { limits: { maxDepth: 1 } }));
    expect(shallow.valid).toBe(false);
  });

  it('treats a trusted intermediate as an anchor', async () => {
    const c = await chain3();
    const r = await validatePath(input(c.leaf.cert, [c.root.cert], [c.ica.cert]));
    expect(r.valid, r.detail).toBe(true);
    expect(r.path).toHaveLength(2);
  });
});

describe('validatePath: validity (RFC 5280 §6.1.3(a)(2))', () => {
  it('EXPIRED and NOT_YET_VALID, the trust anchor included', async () => {
    const r = await root();
    const i = await ca('CN=ICA', r);
    const expired = await leaf('CN=Old', i, { notBefore: new Date(now.getTime() - 10 * 86_400_000), notAfter: new Date(now.getTime() - 86_400_000) });
    const future = await leaf('CN=Future', i, { notBefore: new Date(now.getTime() + 86_400_000) });
    expect(await validatePath(input(expired.cert, [i.cert], [r.cert]))).toMatchObject({ valid: false, subIndication: 'EXPIRED' });
    expect(await validatePath(input(future.cert, [i.cert], [r.cert]))).toMatchObject({ valid: false, subIndication: 'NOT_YET_VALID' });
    const oldRoot = await root('CN=Old Root', { notAfter: new Date(now.getTime() - 1000) });
    const l = await leaf('CN=Seal', oldRoot);
    const res = await validatePath(input(l.cert, [], [oldRoot.cert]));
    expect(res).toMatchObject({ valid: false, subIndication: 'EXPIRED' });
    expect(res.detail).toMatch(/trust anchor/);
  });

  it('notAfter is inclusive at second granularity', async () => {
    const r = await root();
    const end = new Date(Math.floor(now.getTime() / 1000) * 1000 + 60_000);
    const l = await leaf('CN=Seal', r, { notAfter: end });
    expect((await validatePath({ ...input(l.cert, [], [r.cert]), at: new Date(end.getTime() + 999) })).valid).toBe(true);
    expect((await validatePath({ ...input(l.cert, [], [r.cert]), at: new Date(end.getTime() + 1000) })).valid).toBe(false);
  });
});

describe('validatePath: algorithms', () => {
  it('accepts RSA-PSS, RSA PKCS#1 v1.5, P-384 and Ed25519 chains', async () => {
    for (const kind of ['rsa-pss', 'rsa', 'p384', 'ed25519'] as const) {
      const keys = await genKeys(kind);
      const r = await root(`CN=${kind} root`, { keys });
      const l = await leaf('CN=Seal', r, { keys: await genKeys(kind) });
      const res = await validatePath(input(l.cert, [], [r.cert]));
      expect(res.valid, `${kind}: ${res.detail}`).toBe(true);
    }
  });

  it('rejects SHA-1 signatures with CRYPTO_CONSTRAINTS_FAILURE', async () => {
    const r = await root('CN=SHA1 Root', { keys: await genKeys('rsa-sha1') });
    const l = await leaf('CN=Seal', r);
    const res = await validatePath(input(l.cert, [], [r.cert]));
    expect(res).toMatchObject({ valid: false, subIndication: 'CRYPTO_CONSTRAINTS_FAILURE' });
    expect(res.detail).toMatch(/sha1/i);
  });

  it('verifies with the issuer key, not any key: a wrong-key issuer with the right name fails', async () => {
    const r = await root('CN=Root');
    const twin = await root('CN=Root');
    const l = await leaf('CN=Seal', r);
    const res = await validatePath(input(l.cert, [], [twin.cert]));
    expect(res.subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
  });
});

describe('validatePath: purpose', () => {
  it("'seal' requires digitalSignature or nonRepudiation", async () => {
    const r = await root();
    const enc = await leaf('CN=Enc', r, { keyUsage: x509.KeyUsageFlags.keyEncipherment });
    const nr = await leaf('CN=NR', r, { keyUsage: x509.KeyUsageFlags.nonRepudiation });
    expect(await validatePath(input(enc.cert, [], [r.cert]))).toMatchObject({ valid: false, subIndication: 'CHAIN_CONSTRAINTS_FAILURE' });
    expect((await validatePath(input(enc.cert, [], [r.cert], { purpose: 'any' }))).valid).toBe(true);
    expect((await validatePath(input(nr.cert, [], [r.cert]))).valid).toBe(true);
  });

  it('requiredEku: present EKU must contain a required purpose; anyExtendedKeyUsage does not count', async () => {
    const r = await root();
    const doc = await leaf('CN=Doc', r, { eku: [EKU.documentSigning] });
    const tls = await leaf('CN=TLS', r, { eku: [EKU.serverAuth] });
    const any = await leaf('CN=Any', r, { eku: [EKU.any] });
    const none = await leaf('CN=None', r);
    const req = { requiredEku: [EKU.documentSigning, EKU.emailProtection] };
    expect((await validatePath(input(doc.cert, [], [r.cert], req))).valid).toBe(true);
    expect((await validatePath(input(none.cert, [], [r.cert], req))).valid).toBe(true);
    expect((await validatePath(input(tls.cert, [], [r.cert], req))).valid).toBe(false);
    expect((await validatePath(input(any.cert, [], [r.cert], req))).valid).toBe(false);
  });
});

describe('validatePath: never throws', () => {
  it('unparseable leaf → FORMAT_FAILURE', async () => {
    const c = await chain3();
    const broken = Object.create(c.leaf.cert, { rawData: { value: new Uint8Array([0x30, 0x03, 0x02, 0x01]).buffer } }) as x509.X509Certificate;
    const r = await validatePath(input(broken, [c.ica.cert], [c.root.cert]));
    expect(r).toMatchObject({ valid: false, subIndication: 'FORMAT_FAILURE' });
  });

  it('ignores an unparseable intermediate and reports it', async () => {
    const c = await chain3();
    const junk = Object.create(c.ica.cert, { rawData: { value: new Uint8Array([1, 2, 3]).buffer } }) as x509.X509Certificate;
    const r = await validatePath(input(c.leaf.cert, [junk, c.ica.cert], [c.root.cert]));
    expect(r.valid, r.detail).toBe(true);
    expect(r.checks.find((k) => k.name === 'path.parse')?.detail).toMatch(/ignored unparseable/);
  });
});
