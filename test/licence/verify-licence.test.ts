import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64Url } from '../../src/crypto/base64url.js';
import { publicJwkOf } from '../../src/crypto/jwk.js';
import type { Signer } from '../../src/crypto/signer.js';
import { disclosureDigest } from '../../src/credentials/licence/disclosures.js';
import { present } from '../../src/credentials/licence/present.js';
import { DEFAULT_POLICY } from '../../src/verification/policy.js';
import { isSdJwt, verifyLicence, type LicenceVerificationOptions } from '../../src/credentials/licence/verify-licence.js';
import { businessFields, issueBusinessLicence, keyStore, MemoryStatusList, STATUS_URI, trustedIssuer, trustOf } from './helpers.js';

let signer: Signer;
let otherSigner: Signer;
let cleanup: () => Promise<void>;
let licence: string;
let statusList: MemoryStatusList;

beforeAll(async () => {
  const ks = await keyStore();
  cleanup = ks.cleanup;
  signer = await ks.store.generate('licence-issuer');
  otherSigner = await ks.store.generate('other-issuer');
  licence = await issueBusinessLicence(signer);
});
afterAll(() => cleanup());

function options(overrides: Partial<LicenceVerificationOptions> = {}): LicenceVerificationOptions {
  statusList = new MemoryStatusList(STATUS_URI, signer.kid);
  return { trust: trustOf(trustedIssuer(signer)), status: statusList, ...overrides };
}

const parts = (sdJwt: string) => sdJwt.split('~');
const disclosureNamed = (sdJwt: string, name: string) =>
  parts(sdJwt).slice(1, -1).find((d) => JSON.parse(Buffer.from(d, 'base64url').toString())[1] === name)!;

describe('verifying a licence', () => {
  it('passes a freshly issued licence and reports every disclosed claim', async () => {
    const report = await verifyLicence(licence, options());
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.subIndication).toBeUndefined();
    expect(report.credentialType).toBe('licence');
    expect(report.issuer).toEqual({ region: 'CN-GD', kid: signer.kid, name: 'Licence Issuer CN-GD' });
    expect(report.claims).toMatchObject({ vct: 'urn:tongban:licence:business-licence', ...businessFields, holder: { name: '张三', idType: 'resident-id-card' } });
    expect(report.claims?.identifier).toMatch(/^1\.2\.156\.3005\.2\.TB0001\./);
    expect(report.checks.map((c) => `${c.name}:${c.result}`)).toEqual([
      'format:PASSED', 'algorithm:PASSED', 'issuer-key:PASSED', 'signature:PASSED', 'disclosures:PASSED',
      'key-binding:SKIPPED', 'validity-window:PASSED', 'status:PASSED', 'type-rules:PASSED',
    ]);
  });

  it('reports only the claims of a selective presentation', async () => {
    const presentation = await present(licence, { disclose: ['companyName', 'address'] });
    expect(parts(presentation)).toHaveLength(4);
    const report = await verifyLicence(presentation, options());
    expect(report.indication).toBe('TOTAL_PASSED');
    const { vct, identifier, iat, exp, ...disclosed } = report.claims!;
    expect(disclosed).toEqual({ companyName: businessFields.companyName, address: businessFields.address });
    expect([vct, identifier, iat, exp].every((v) => v !== undefined)).toBe(true);
  });

  it('passes with no disclosures at all', async () => {
    const report = await verifyLicence(await present(licence, { disclose: [] }), options());
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(Object.keys(report.claims!).sort()).toEqual(['exp', 'iat', 'identifier', 'vct']);
  });

  it('refuses a forged disclosure', async () => {
    const forged = encodeBase64Url(JSON.stringify(['c2FsdHNhbHRzYWx0c2FsdA', 'registeredCapital', '1亿元人民币']));
    const [jwt, ...rest] = parts(await present(licence, { disclose: ['companyName'] }));
    const report = await verifyLicence([jwt, forged, ...rest].join('~'), options());
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.subIndication).toBe('HASH_FAILURE');
    expect(report.claims).toBeUndefined();
  });

  it('refuses a disclosure whose value was changed', async () => {
    const original = disclosureNamed(licence, 'companyName');
    const [salt, name] = JSON.parse(Buffer.from(original, 'base64url').toString()) as [string, string];
    const altered = encodeBase64Url(JSON.stringify([salt, name, '深圳伪造有限公司']));
    const report = await verifyLicence(licence.replace(original, altered), options());
    expect(report.subIndication).toBe('HASH_FAILURE');
  });

  it('refuses a disclosure taken from another licence', async () => {
    const other = await issueBusinessLicence(signer);
    const stolen = disclosureNamed(other, 'legalRepresentative');
    const presentation = await present(licence, { disclose: ['companyName'] });
    const report = await verifyLicence(presentation.replace(/~$/, `~${stolen}~`), options());
    expect(report.subIndication).toBe('HASH_FAILURE');
  });

  it('refuses a disclosure presented twice', async () => {
    const d = disclosureNamed(licence, 'companyName');
    const report = await verifyLicence(`${licence}${d}~`, options());
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.subIndication).toBe('FORMAT_FAILURE');
    expect(report.checks.find((c) => c.name === 'disclosures')?.detail).toMatch(/more than once/);
  });

  it('refuses a licence whose issuer-signed payload was altered', async () => {
    const [jwt, ...rest] = parts(licence);
    const [h, p, s] = jwt!.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.exp += 10 * 365 * 86400;
    const tampered = [`${h}.${encodeBase64Url(JSON.stringify(payload))}.${s}`, ...rest].join('~');
    const report = await verifyLicence(tampered, options());
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.subIndication).toBe('SIG_CRYPTO_FAILURE');
  });

  it('refuses a licence signed by a key other than the one its kid names', async () => {
    const forgedByOther = await issueBusinessLicence(otherSigner);
    const [jwt, ...rest] = parts(forgedByOther);
    const [h, p, s] = jwt!.split('.');
    const header = { ...(JSON.parse(Buffer.from(h!, 'base64url').toString()) as object), kid: signer.kid };
    const report = await verifyLicence([`${encodeBase64Url(JSON.stringify(header))}.${p}.${s}`, ...rest].join('~'), options());
    expect(report.subIndication).toBe('SIG_CRYPTO_FAILURE');
  });

  it('refuses a digest the issuer put in twice', async () => {
    // A badly behaved issuer (here: a trusted key) signs a payload listing the same digest twice.
    const d = disclosureNamed(licence, 'companyName');
    const digest = disclosureDigest(d);
    const header = { typ: 'dc+sd-jwt', alg: 'ES256', kid: signer.kid };
    const [, p] = parts(licence)[0]!.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload._sd = [digest, digest];
    const input = `${encodeBase64Url(JSON.stringify(header))}.${encodeBase64Url(JSON.stringify(payload))}`;
    const jwt = `${input}.${encodeBase64Url(await signer.sign(Buffer.from(input)))}`;
    const report = await verifyLicence(`${jwt}~${d}~`, options());
    expect(report.subIndication).toBe('FORMAT_FAILURE');
    expect(report.checks.find((c) => c.name === 'disclosures')?.detail).toMatch(/digest occurs more than once/);
  });

  it.each([
    ['an empty string', ''],
    ['a plain compact JWS', 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln'],
    ['garbage with a tilde', 'not-a-jwt~'],
    ['a licence without its trailing tilde', 'x'],
  ])('returns FORMAT_FAILURE for %s without throwing', async (_label, text) => {
    const input = text === 'x' ? licence.slice(0, -1) : text;
    const report = await verifyLicence(input, options());
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.subIndication).toBe('FORMAT_FAILURE');
  });

  it('recognises an SD-JWT by its tilde', () => {
    expect(isSdJwt(licence)).toBe(true);
    expect(isSdJwt('a.b.c')).toBe(false);
  });
});

describe('trust in the issuer key', () => {
  it('is INDETERMINATE NO_SIGNING_CERTIFICATE_FOUND for an unknown kid', async () => {
    const report = await verifyLicence(licence, options({ trust: trustOf(trustedIssuer(otherSigner)) }));
    expect(report.indication).toBe('INDETERMINATE');
    expect(report.subIndication).toBe('NO_SIGNING_CERTIFICATE_FOUND');
  });

  it('does not accept a key trusted for another region only', async () => {
    const report = await verifyLicence(licence, options({ trust: trustOf(trustedIssuer(signer, { region: 'CN-SC' })) }));
    expect(report.subIndication).toBe('NO_SIGNING_CERTIFICATE_FOUND');
  });

  it('does not pass a key that is not trusted to issue licences', async () => {
    // EN 319 102-1 Table 6 (src/verification/report.ts): a constraint failure is INDETERMINATE.
    const report = await verifyLicence(licence, options({ trust: trustOf(trustedIssuer(signer, { roles: ['healthcode'] })) }));
    expect(report.indication).toBe('INDETERMINATE');
    expect(report.subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
  });

  it('fails REVOKED when the issuer key was revoked', async () => {
    const report = await verifyLicence(licence, options({ trust: trustOf(trustedIssuer(signer, { status: 'revoked', statusSince: new Date() })) }));
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.subIndication).toBe('REVOKED');
  });

  it('accepts a retired key only for licences issued before its retirement', async () => {
    const issuedAt = new Date(Date.now() - 86400_000);
    const older = await issueBusinessLicence(signer, { issuedAt });
    const retiredAfter = trustOf(trustedIssuer(signer, { status: 'retired', statusSince: new Date(issuedAt.getTime() + 3600_000) }));
    expect((await verifyLicence(older, options({ trust: retiredAfter }))).indication).toBe('TOTAL_PASSED');
    const retiredBefore = trustOf(trustedIssuer(signer, { status: 'retired', statusSince: new Date(issuedAt.getTime() - 3600_000) }));
    const report = await verifyLicence(older, options({ trust: retiredBefore }));
    expect(report.subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
  });

  it('verifies a licence from a peer region while its trust list is fresh, and says TRY_LATER once stale', async () => {
    const hkLicence = await issueBusinessLicence(signer, { region: 'CN-HK', issuer: 'https://hk.tongban.example' });
    const peer = (freshUntil: Date) => trustOf(trustedIssuer(signer, { region: 'CN-HK', name: 'Licence Issuer CN-HK', source: 'peer', freshUntil }));
    const fresh = await verifyLicence(hkLicence, options({ trust: peer(new Date(Date.now() + 3600_000)) }));
    expect(fresh.indication).toBe('TOTAL_PASSED');
    expect(fresh.issuer?.region).toBe('CN-HK');
    const stale = await verifyLicence(hkLicence, options({ trust: peer(new Date(Date.now() - 1000)) }));
    expect(stale.indication).toBe('INDETERMINATE');
    expect(stale.subIndication).toBe('TRY_LATER');
  });
});

describe('validity and status', () => {
  it('is EXPIRED after exp, allowing the clock skew', async () => {
    const report = await verifyLicence(licence, options({ at: new Date(Date.now() + 366 * 86400_000) }));
    expect(report.subIndication).toBe('EXPIRED');
    const withinSkew = await verifyLicence(licence, options({ at: new Date(Date.now() + 365 * 86400_000 + 30_000), clockSkewSeconds: 60 }));
    expect(withinSkew.indication).toBe('TOTAL_PASSED');
  });

  it('is NOT_YET_VALID for a licence issued in the future', async () => {
    const report = await verifyLicence(licence, options({ at: new Date(Date.now() - 3600_000) }));
    expect(report.subIndication).toBe('NOT_YET_VALID');
  });

  it('fails REVOKED when the status list says revoked', async () => {
    const opts = options();
    statusList.set(7, 1);
    const report = await verifyLicence(licence, opts);
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.subIndication).toBe('REVOKED');
  });

  it('does not pass a suspended licence and says it is suspended', async () => {
    const opts = options();
    statusList.set(7, 2);
    const report = await verifyLicence(licence, opts);
    expect(report.indication).toBe('INDETERMINATE');
    expect(report.subIndication).toBe('TRY_LATER');
    expect(report.checks.find((c) => c.name === 'status')?.detail).toMatch(/suspended/);
    statusList.set(7, 0);
    expect((await verifyLicence(licence, opts)).indication).toBe('TOTAL_PASSED');
  });

  it('is INDETERMINATE TRY_LATER when the status cannot be resolved', async () => {
    const opts = options();
    statusList.unavailable = true;
    const report = await verifyLicence(licence, opts);
    expect(report.indication).toBe('INDETERMINATE');
    expect(report.subIndication).toBe('TRY_LATER');
  });
});

describe('key binding', () => {
  const holderKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const holderJwk = publicJwkOf(holderKeys.publicKey);
  const nonce = 'n-0S6_WzA2Mj';
  const audience = 'https://agency.gd.example';
  let bound: string;
  beforeAll(async () => {
    bound = await issueBusinessLicence(signer, { holderKey: holderJwk });
  });

  it('passes a presentation bound to the verifier nonce and audience', async () => {
    const presentation = await present(bound, { disclose: ['companyName'], keyBinding: { privateKey: holderKeys.privateKey, nonce, audience } });
    const report = await verifyLicence(presentation, options({ nonce, audience }));
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.checks.find((c) => c.name === 'key-binding')?.result).toBe('PASSED');
  });

  it('requires a key-binding JWT when the verifier gives a nonce', async () => {
    const presentation = await present(bound, { disclose: ['companyName'] });
    const report = await verifyLicence(presentation, options({ nonce, audience }));
    expect(report.subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
  });

  it('refuses a key-binding JWT made for another nonce or audience', async () => {
    const presentation = await present(bound, { disclose: ['companyName'], keyBinding: { privateKey: holderKeys.privateKey, nonce: 'old-nonce', audience } });
    expect((await verifyLicence(presentation, options({ nonce, audience }))).subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
    const elsewhere = await present(bound, { disclose: ['companyName'], keyBinding: { privateKey: holderKeys.privateKey, nonce, audience: 'https://other.example' } });
    expect((await verifyLicence(elsewhere, options({ nonce, audience }))).subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
  });

  it('refuses a stale key-binding JWT', async () => {
    const presentation = await present(bound, {
      disclose: ['companyName'],
      keyBinding: { privateKey: holderKeys.privateKey, nonce, audience, issuedAt: new Date(Date.now() - 3600_000) },
    });
    expect((await verifyLicence(presentation, options({ nonce, audience }))).subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
  });

  it('refuses a key-binding JWT signed by someone other than the holder', async () => {
    const thief = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const presentation = await present(bound, { disclose: ['companyName'], keyBinding: { privateKey: thief.privateKey, nonce, audience } });
    expect((await verifyLicence(presentation, options({ nonce, audience }))).subIndication).toBe('SIG_CRYPTO_FAILURE');
  });

  it('refuses a key-binding JWT moved onto a presentation with more disclosures (sd_hash)', async () => {
    const presentation = await present(bound, { disclose: ['companyName'], keyBinding: { privateKey: holderKeys.privateKey, nonce, audience } });
    const kb = parts(presentation).at(-1)!;
    const wider = await present(bound, { disclose: ['companyName', 'address'] });
    const report = await verifyLicence(`${wider}${kb}`, options({ nonce, audience }));
    expect(report.subIndication).toBe('HASH_FAILURE');
  });

  it('does not pass a licence with a holder key presented without key binding, even when the verifier demands nothing', async () => {
    const presentation = await present(bound, { disclose: ['companyName'] });
    const report = await verifyLicence(presentation, options());
    expect(report.indication).toBe('INDETERMINATE');
    expect(report.subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
    expect(report.claims).toBeUndefined();
    const kb = report.checks.find((c) => c.name === 'key-binding');
    expect(kb?.result).toBe('INDETERMINATE');
    expect(kb?.detail).toMatch(/holder binding not proven/);
    // The full SD-JWT as issued (what every agency that used the licence holds) is no better.
    expect((await verifyLicence(bound, options())).subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
  });

  it('passes a licence with a holder key and a valid key-binding JWT when the verifier demands nothing', async () => {
    const presentation = await present(bound, { disclose: ['companyName'], keyBinding: { privateKey: holderKeys.privateKey, nonce, audience } });
    const report = await verifyLicence(presentation, options());
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.checks.find((c) => c.name === 'key-binding')?.result).toBe('PASSED');
  });

  it('still skips key binding for a licence without a holder key', async () => {
    const report = await verifyLicence(await present(licence, { disclose: ['companyName'] }), options());
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.checks.find((c) => c.name === 'key-binding')?.result).toBe('SKIPPED');
  });

  it('refuses a key-binding JWT on a licence that has no holder key', async () => {
    const presentation = await present(bound, { disclose: ['companyName'], keyBinding: { privateKey: holderKeys.privateKey, nonce, audience } });
    const kb = parts(presentation).at(-1)!;
    const unbound = await present(licence, { disclose: ['companyName'] });
    expect((await verifyLicence(`${unbound}${kb}`, options())).subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
  });
});

describe('licences follow the issuer-key rules every JWS credential shares', () => {
  it('refuses to pick between two keys with the licence role under one kid in one region', async () => {
    const impostor = trustedIssuer(signer, { publicKey: otherSigner.publicKey });
    const report = await verifyLicence(licence, options({ trust: trustOf(trustedIssuer(signer), impostor) }));
    expect(report.indication).toBe('INDETERMINATE');
    expect(report.checks.find((c) => c.name === 'issuer-key')?.result).toBe('INDETERMINATE');
  });

  it('treats alg "none" as an unsigned credential (FORMAT_FAILURE), like health codes', async () => {
    const [jwt, ...rest] = licence.split('~');
    const [, payload] = jwt!.split('.');
    const header = encodeBase64Url(JSON.stringify({ alg: 'none', typ: 'dc+sd-jwt', kid: signer.kid }));
    const report = await verifyLicence([`${header}.${payload}.AAAA`, ...rest].join('~'), options());
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.subIndication).toBe('FORMAT_FAILURE');
  });
});

describe('licences follow the validity and status rules every JWS credential shares', () => {
  const now = Math.floor(Date.now() / 1000);

  it('refuses a signed licence whose exp is not after its iat (FORMAT_FAILURE)', async () => {
    const backwards = await issueBusinessLicence(signer, { issuedAt: new Date((now + 100) * 1000), expiresAt: new Date((now + 50) * 1000) });
    const report = await verifyLicence(backwards, options({ at: new Date(now * 1000) }));
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.subIndication).toBe('FORMAT_FAILURE');
    expect(report.checks.find((c) => c.name === 'validity-window')?.result).toBe('FAILED');
  });

  it('caps the lifetime at DEFAULT_POLICY when the caller names no cap', async () => {
    const forever = await issueBusinessLicence(signer, { expiresAt: new Date((now + DEFAULT_POLICY.maxLifetimeSeconds.licence + 3600) * 1000) });
    const report = await verifyLicence(forever, options());
    expect(report.subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
    expect(report.checks.find((c) => c.name === 'validity-window')?.result).toBe('INDETERMINATE');
    const nan = await verifyLicence(forever, options({ maxLifetimeSeconds: Number.NaN }));
    expect(nan.subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
  });

  it.each([
    ['a non-http uri', 'file:///etc/status'],
    ['a relative uri', 'status/1'],
    ['an over-long uri', `https://gd.tongban.example/${'x'.repeat(2048)}`],
  ])('refuses a status list reference with %s (FORMAT_FAILURE)', async (_label, uri) => {
    const odd = await issueBusinessLicence(signer, { status: { idx: 7, uri } });
    const report = await verifyLicence(odd, { ...options(), status: { lookup: async () => ({ ok: true, status: 0, listIssuedAt: new Date() }) } });
    expect(report.subIndication).toBe('FORMAT_FAILURE');
    expect(report.checks.find((c) => c.name === 'format')?.result).toBe('FAILED');
  });
});
