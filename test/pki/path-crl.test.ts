import { describe, expect, it } from 'vitest';
import { validatePath } from '../../src/pki/path/validate.js';
import { x509 } from '../../src/pki/x509.js';
import { type Node, ca, crlNumber, leaf, root } from './path-fixtures.js';

const DAY = 86_400_000;
const now = new Date();

async function crl(issuer: Node, entries: x509.X509CrlEntryParams[], o: { thisUpdate?: Date; nextUpdate?: Date; number?: boolean } = {}) {
  return x509.X509CrlGenerator.create({
    issuer: issuer.name,
    thisUpdate: o.thisUpdate ?? new Date(now.getTime() - DAY),
    nextUpdate: o.nextUpdate ?? new Date(now.getTime() + 7 * DAY),
    entries,
    extensions: o.number === false ? [] : [crlNumber(1), await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.pair.publicKey)],
    signingKey: issuer.keys.pair.privateKey,
    signingAlgorithm: issuer.keys.signingAlgorithm,
  });
}

async function setup() {
  const r = await root();
  const i = await ca('CN=Seal CA', r);
  const l = await leaf('CN=Seal', i);
  const run = (crls: x509.X509Crl[], extra: Partial<Parameters<typeof validatePath>[0]> = {}) =>
    validatePath({ leaf: l.cert, intermediates: [i.cert], trustAnchors: [r.cert], at: now, purpose: 'seal', crls, ...extra });
  return { r, i, l, run };
}

describe('CRL checking (RFC 5280 §6.3)', () => {
  it('a listed serial → REVOKED with the revocation date; unlisted → valid', async () => {
    const { i, l, r, run } = await setup();
    const revoked = await run([await crl(i, [{ serialNumber: l.cert.serialNumber, revocationDate: new Date(now.getTime() - 3600_000), reason: x509.X509CrlReason.keyCompromise }]), await crl(r, [])]);
    expect(revoked).toMatchObject({ valid: false, subIndication: 'REVOKED' });
    expect(revoked.detail).toMatch(/revoked at/);
    const clean = await run([await crl(i, [{ serialNumber: 'abcdef' }]), await crl(r, [])]);
    expect(clean.valid, clean.detail).toBe(true);
    expect(clean.checks.find((c) => c.name === 'path.revocation')?.detail).toMatch(/not revoked/);
  });

  it('a revocation dated after the validation time does not revoke at that time', async () => {
    const { i, l, run } = await setup();
    const res = await run([await crl(i, [{ serialNumber: l.cert.serialNumber, revocationDate: new Date(now.getTime() + DAY) }])]);
    expect(res.valid, res.detail).toBe(true);
  });

  it('revoked intermediate (CRL from the root) → REVOKED', async () => {
    const { i, r, run } = await setup();
    const res = await run([await crl(r, [{ serialNumber: i.cert.serialNumber, revocationDate: new Date(now.getTime() - DAY) }])]);
    expect(res).toMatchObject({ valid: false, subIndication: 'REVOKED' });
    expect(res.detail).toMatch(/intermediate/);
  });

  it('a serial listed by a different issuer does not revoke', async () => {
    const { l, run } = await setup();
    const stranger = await root('CN=Stranger');
    expect((await run([await crl(stranger, [{ serialNumber: l.cert.serialNumber }])])).valid).toBe(true);
  });

  it('a covering CRL with a forged signature or without cRLNumber fails closed', async () => {
    const { i, run } = await setup();
    const impostor = await ca('CN=Seal CA', await root('CN=Evil'));
    const forged = await run([await crl(impostor, [])]);
    expect(forged).toMatchObject({ valid: false, subIndication: 'CERTIFICATE_CHAIN_GENERAL_FAILURE' });
    expect(forged.detail).toMatch(/signature/);
    expect((await run([await crl(i, [], { number: false })])).valid).toBe(false);
  });

  it('requireRevocation: missing or expired CRL → INDETERMINATE TRY_LATER', async () => {
    const { i, r, run } = await setup();
    expect(await run([], { requireRevocation: true })).toMatchObject({ valid: false, subIndication: 'TRY_LATER' });
    const stale = await crl(i, [], { thisUpdate: new Date(now.getTime() - 10 * DAY), nextUpdate: new Date(now.getTime() - DAY) });
    expect(await run([stale, await crl(r, [])], { requireRevocation: true })).toMatchObject({ valid: false, subIndication: 'TRY_LATER' });
    expect((await run([await crl(i, []), await crl(r, [])], { requireRevocation: true })).valid).toBe(true);
  });

  it('the CRL issuer must assert cRLSign when it has keyUsage', async () => {
    const r = await root();
    const i = await ca('CN=No CRL Sign', r, { keyUsage: x509.KeyUsageFlags.keyCertSign });
    const l = await leaf('CN=Seal', i);
    const res = await validatePath({ leaf: l.cert, intermediates: [i.cert], trustAnchors: [r.cert], at: now, purpose: 'seal', crls: [await crl(i, [])] });
    expect(res.valid).toBe(false);
    expect(res.detail).toMatch(/cRLSign/);
  });
});
