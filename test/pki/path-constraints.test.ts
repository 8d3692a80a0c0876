import { describe, expect, it } from 'vitest';
import { validatePath } from '../../src/pki/path/validate.js';
import { x509 } from '../../src/pki/x509.js';
import { type Node, ca, leaf, makeCert, nameConstraints, root, tlv } from './path-fixtures.js';

const run = (l: Node, inter: Node[], anchor: Node) =>
  validatePath({ leaf: l.cert, intermediates: inter.map((n) => n.cert), trustAnchors: [anchor.cert], at: new Date(), purpose: 'seal' });

describe('basic constraints and key usage (RFC 5280 §6.1.4(k)(l)(n))', () => {
  it('pathLenConstraint 0 forbids a further CA; self-issued CAs are not counted', async () => {
    const r = await root();
    const i1 = await ca('CN=I1', r, { ca: { pathLen: 0 } });
    const i2 = await ca('CN=I2', i1);
    const l = await leaf('CN=Seal', i2);
    const res = await run(l, [i1, i2], r);
    expect(res).toMatchObject({ valid: false, subIndication: 'CHAIN_CONSTRAINTS_FAILURE' });
    expect(res.detail).toMatch(/6\.1\.4\(l\)/);

    // Key rollover: I1 (pathLen 0) re-certifies its new key under the same name.
    const newKey = await makeCert({ subject: 'CN=I1', issuer: i1, ca: true });
    const l2 = await leaf('CN=Seal', newKey);
    expect((await run(l2, [i1, newKey], r)).valid).toBe(true);
  });

  it('an issuing certificate needs cA=TRUE (critical) and keyCertSign', async () => {
    const r = await root();
    const notCa = await ca('CN=NotCA', r, { ca: false, keyUsage: x509.KeyUsageFlags.digitalSignature });
    expect((await run(await leaf('CN=Seal', notCa), [notCa], r)).valid).toBe(false);
    const noCertSign = await ca('CN=NoCertSign', r, { keyUsage: x509.KeyUsageFlags.cRLSign });
    const res = await run(await leaf('CN=Seal', noCertSign), [noCertSign], r);
    expect(res.valid).toBe(false);
    expect(res.detail).toMatch(/keyCertSign/);
  });

  it('a leaf asserting keyCertSign without cA is rejected', async () => {
    const r = await root();
    const l = await leaf('CN=Seal', r, { ca: false, keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign });
    expect((await run(l, [], r)).valid).toBe(false);
  });
});

describe('extensions (RFC 5280 §4.2)', () => {
  it('unknown critical extension in the path → reject; in an unused CA → ignored', async () => {
    const weird = new x509.Extension('1.3.6.1.4.1.55738.666.1', true, tlv(0x05));
    const r = await root();
    const l = await leaf('CN=Seal', r, { extensions: [weird] });
    const res = await run(l, [], r);
    expect(res.valid).toBe(false);
    expect(res.detail).toMatch(/unrecognised critical extension/);
    const unused = await ca('CN=Unused', r, { extensions: [weird] });
    const good = await leaf('CN=Seal', r);
    expect((await run(good, [unused], r)).valid).toBe(true);
  });

  it('missing AKI on a leaf and missing SKI on a CA are rejected (§4.2.1.1, §4.2.1.2)', async () => {
    const r = await root();
    expect((await run(await leaf('CN=Seal', r, { omitAki: true }), [], r)).detail).toMatch(/authorityKeyIdentifier missing/);
    const i = await ca('CN=ICA', r, { omitSki: true });
    expect((await run(await leaf('CN=Seal', i), [i], r)).detail).toMatch(/subjectKeyIdentifier/);
  });

  it('a non-critical policyConstraints is rejected (§4.2.1.11)', async () => {
    const pc = new x509.Extension('2.5.29.36', false, tlv(0x30, tlv(0x80, new Uint8Array([0]))));
    const r = await root();
    const i = await ca('CN=ICA', r, { extensions: [pc] });
    expect((await run(await leaf('CN=Seal', i), [i], r)).valid).toBe(false);
  });

  it('requireExplicitPolicy needs a policy all the way down (§6.1.3(f))', async () => {
    const policy = (oid: number[]) => new x509.Extension('2.5.29.32', false, tlv(0x30, tlv(0x30, tlv(0x06, new Uint8Array(oid)))));
    const sealPolicy = [0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x08, 0x01]; // 1.2.156.10197.8.1
    const pc = new x509.Extension('2.5.29.36', true, tlv(0x30, tlv(0x80, new Uint8Array([0]))));
    const r = await root();
    const i = await ca('CN=ICA', r, { extensions: [pc, policy(sealPolicy)] });
    expect((await run(await leaf('CN=With', i, { extensions: [policy(sealPolicy)] }), [i], r)).valid).toBe(true);
    const res = await run(await leaf('CN=Without', i), [i], r);
    expect(res.valid).toBe(false);
    expect(res.detail).toMatch(/explicit policy/);
  });
});

describe('name constraints (RFC 5280 §4.2.1.10, §6.1.3(b)(c))', () => {
  async function constrained(nc: Parameters<typeof nameConstraints>[0]) {
    const r = await root();
    const i = await ca('CN=Constrained CA,O=Tongban', r, { extensions: [nameConstraints(nc)] });
    return { r, i };
  }

  it('dNSName permitted subtree: equal or more labels on the left; excluded wins', async () => {
    const { r, i } = await constrained({ permitted: [{ dns: 'gov.cn' }], excluded: [{ dns: 'bad.gov.cn' }] });
    const ok = await leaf('CN=A', i, { san: [{ dns: 'seal.beijing.gov.cn' }] });
    const outside = await leaf('CN=B', i, { san: [{ dns: 'notgov.cn' }] });
    const excluded = await leaf('CN=C', i, { san: [{ dns: 'x.bad.gov.cn' }] });
    expect((await run(ok, [i], r)).valid).toBe(true);
    expect((await run(outside, [i], r)).detail).toMatch(/outside the permitted/);
    expect((await run(excluded, [i], r)).detail).toMatch(/excluded subtree/);
  });

  it('a wildcard SAN must lie entirely inside permitted and clear of excluded subtrees', async () => {
    const { r, i } = await constrained({ excluded: [{ dns: 'bar.example.com' }] });
    expect((await run(await leaf('CN=W', i, { san: [{ dns: '*.example.com' }] }), [i], r)).valid).toBe(false);
    const p = await constrained({ permitted: [{ dns: 'example.com' }] });
    expect((await run(await leaf('CN=W', p.i, { san: [{ dns: '*.example.com' }] }), [p.i], p.r)).valid).toBe(true);
  });

  it('directoryName applies to the subject DN', async () => {
    const { r, i } = await constrained({ permitted: [{ dn: 'C=CN,O=Beijing' }] });
    expect((await run(await leaf('C=CN,O=Beijing,CN=Seal', i), [i], r)).valid).toBe(true);
    expect((await run(await leaf('C=CN,O=Shanghai,CN=Seal', i), [i], r)).valid).toBe(false);
  });

  it('iPAddress with masks, v4 and v6', async () => {
    const { r, i } = await constrained({
      permitted: [
        { ip: [10, 1, 0, 0, 255, 255, 0, 0] },
        { ip: [0x20, 0x01, 0x0d, 0xb8, ...Array(12).fill(0), ...Array(4).fill(0xff), ...Array(12).fill(0)] },
      ],
    });
    expect((await run(await leaf('CN=A', i, { san: [{ ip: [10, 1, 2, 3] }] }), [i], r)).valid).toBe(true);
    expect((await run(await leaf('CN=B', i, { san: [{ ip: [10, 2, 0, 1] }] }), [i], r)).valid).toBe(false);
    expect((await run(await leaf('CN=C', i, { san: [{ ip: [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1] }] }), [i], r)).valid).toBe(true);
    expect((await run(await leaf('CN=D', i, { san: [{ ip: [0x20, 0x01, 0x0d, 0xb9, ...Array(11).fill(0), 1] }] }), [i], r)).valid).toBe(false);
  });

  it('rfc822Name covers SAN email and the emailAddress attribute of the subject', async () => {
    const { r, i } = await constrained({ permitted: [{ email: '.gov.cn' }] });
    expect((await run(await leaf('CN=A', i, { san: [{ email: 'seal@bj.gov.cn' }] }), [i], r)).valid).toBe(true);
    expect((await run(await leaf('CN=B', i, { san: [{ email: 'seal@evil.com' }] }), [i], r)).valid).toBe(false);
    expect((await run(await leaf('CN=C,E=seal@evil.com', i), [i], r)).valid).toBe(false);
  });

  it('self-issued intermediates are exempt, the leaf is not', async () => {
    const r = await root('CN=Root', { extensions: [nameConstraints({ permitted: [{ dns: 'example.com' }] })] });
    const i = await ca('CN=ICA', r, { san: [{ dns: 'example.com' }] });
    const rollover = await makeCert({ subject: 'CN=ICA', issuer: i, ca: true, san: [{ dns: 'elsewhere.org' }] });
    expect((await run(await leaf('CN=Seal', rollover, { san: [{ dns: 'a.example.com' }] }), [i, rollover], r)).valid).toBe(true);
    expect((await run(await leaf('CN=Seal', rollover, { san: [{ dns: 'elsewhere.org' }] }), [i, rollover], r)).valid).toBe(false);
  });

  it('URI constraints match on the host; forms no constraint names are unaffected', async () => {
    const { r, i } = await constrained({ excluded: [{ uri: 'evil.com' }] });
    const otherNameSan = new x509.Extension('2.5.29.17', false, tlv(0x30, tlv(0xa0, tlv(0x06, new Uint8Array([0x2b, 0x06, 0x01])), tlv(0xa0, tlv(0x0c, new Uint8Array([0x41]))))));
    expect((await run(await leaf('CN=ok', i, { san: [{ uri: 'https://good.org/x' }] }), [i], r)).valid).toBe(true);
    expect((await run(await leaf('CN=bad', i, { san: [{ uri: 'https://evil.com/x' }] }), [i], r)).valid).toBe(false);
    const oth = await constrained({ excluded: [{ dns: 'x.com' }] });
    expect((await run(await leaf('CN=on', oth.i, { extensions: [otherNameSan] }), [oth.i], oth.r)).valid).toBe(true);
  });

  it('malformed constraints and non-critical nameConstraints make the CA unusable', async () => {
    const { r, i } = await constrained({ permitted: [{ dns: '.example.com' }] });
    expect((await run(await leaf('CN=A', i, { san: [{ dns: 'a.example.com' }] }), [i], r)).valid).toBe(false);
    const r2 = await root();
    const nc = await ca('CN=NC', r2, { extensions: [nameConstraints({ permitted: [{ dns: 'example.com' }] }, false)] });
    expect((await run(await leaf('CN=A', nc, { san: [{ dns: 'a.example.com' }] }), [nc], r2)).valid).toBe(false);
  });
});
