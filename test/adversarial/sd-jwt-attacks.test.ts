import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCompactJws } from '../../src/crypto/jws.js';
import { encodeBase64Url } from '../../src/crypto/base64url.js';
import { publicJwkOf } from '../../src/crypto/jwk.js';
import { present } from '../../src/credentials/licence/present.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

let node: TestNode;
const fields = { companyName: '广州通办科技有限公司', legalRepresentative: '张三', registeredCapital: '1000万元人民币', address: '广州市天河区珠江新城1号', establishedOn: '2019-06-01' };
const request = (idNumber: string, holderKey?: JsonWebKey) => ({ type: 'business-licence', holder: { name: '张三', idType: 'resident-id-card', idNumber }, fields, ...(holderKey ? { holderKey } : {}) });
let licence: string;
let other: string;
let bound: string;
let holderPriv: KeyObject;

const verify = (body: unknown) => node.call('POST', '/v1/verify', body, { token: null });
const digest = (d: string) => createHash('sha256').update(d, 'ascii').digest('base64url');
const disc = (arr: unknown[]) => encodeBase64Url(JSON.stringify(arr));
const split = (sd: string) => {
  const parts = sd.split('~');
  const jwt = parts[0]!;
  const [h, p] = jwt.split('.');
  return { jwt, disclosures: parts.slice(1, -1), header: JSON.parse(Buffer.from(h!, 'base64url').toString()), payload: JSON.parse(Buffer.from(p!, 'base64url').toString()) };
};
async function kbJwt(sd: string, key: KeyObject, claims: Record<string, unknown> = {}, header: Record<string, unknown> = { typ: 'kb+jwt' }) {
  const { sign } = await import('node:crypto');
  const pub = publicJwkOf(key.type === 'private' ? (await import('node:crypto')).createPublicKey(key) : key);
  const signer = { kid: 'h', alg: 'ES256' as const, publicKey: key, publicJwk: pub, certificateChain: [], sign: async (d: Uint8Array) => sign('sha256', d, { key, dsaEncoding: 'ieee-p1363' }), cryptoKey: async () => { throw new Error(); } };
  const jws = await signCompactJws(header, { iat: Math.floor(Date.now() / 1000), aud: 'verifier-1', nonce: 'n-1', sd_hash: digest(sd), ...claims }, signer as never);
  // signCompactJws forces kid; KB-JWT kid is irrelevant
  return jws;
}

beforeAll(async () => {
  node = await startTestNode();
  const a = await node.call('POST', '/v1/licences', request('11010519491231002X'));
  const b = await node.call('POST', '/v1/licences', request('110105194912310037'));
  expect(a.status).toBe(201);
  licence = a.body.credential;
  other = b.body.credential;
  const kp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  holderPriv = kp.privateKey;
  const c = await node.call('POST', '/v1/licences', request('110105194912310053', publicJwkOf(kp.publicKey)));
  expect(c.status).toBe(201);
  bound = c.body.credential;
});
afterAll(async () => node?.stop());

describe('SD-JWT licence attacks', () => {
  it('baseline: the full licence passes; a minimal presentation passes and does not leak the ID number', async () => {
    expect((await verify({ credential: licence })).body.indication).toBe('TOTAL_PASSED');
    const minimal = await present(licence, { disclose: ['companyName'] });
    const r = await verify({ credential: minimal });
    expect(r.body.indication).toBe('TOTAL_PASSED');
    expect(JSON.stringify(r.body)).not.toContain('11010519491231002X');
  });

  it('a disclosure from another licence (same type, same field) is refused', async () => {
    const mine = split(licence);
    const theirs = split(other);
    const r = await verify({ credential: [mine.jwt, ...mine.disclosures, theirs.disclosures[0]!].join('~') + '~' });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
    const swap = await verify({ credential: [mine.jwt, ...theirs.disclosures].join('~') + '~' });
    expect(swap.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('a forged disclosure (altered value) is refused', async () => {
    const mine = split(licence);
    const d0 = JSON.parse(Buffer.from(mine.disclosures[0]!, 'base64url').toString());
    d0[d0.length - 1] = 'EVIL';
    const r = await verify({ credential: [mine.jwt, disc(d0), ...mine.disclosures.slice(1)].join('~') + '~' });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('the same disclosure twice is refused', async () => {
    const mine = split(licence);
    const r = await verify({ credential: [mine.jwt, mine.disclosures[0]!, mine.disclosures[0]!].join('~') + '~' });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('re-encoded disclosure (same JSON, different base64url) is refused', async () => {
    const mine = split(licence);
    const d0 = JSON.parse(Buffer.from(mine.disclosures[0]!, 'base64url').toString());
    const spaced = encodeBase64Url(JSON.stringify(d0, null, 1));
    const r = await verify({ credential: [mine.jwt, spaced].join('~') + '~' });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('issuer-signed _sd/... disclosures, array-element disclosure in _sd, nested _sd_alg are refused', async () => {
    const mine = split(licence);
    const base = { ...mine.payload };
    const evil = [
      ['salt1', '_sd', ['x']],
      ['salt2', '...', 'x'],
      ['salt3', 'companyName'],
    ];
    for (const d of evil) {
      const e = disc(d);
      const payload = { ...base, _sd: [...base._sd, digest(e)] };
      const jwt = await signCompactJws({ typ: 'dc+sd-jwt' }, payload, node.pki.licenceIssuer);
      const r = await verify({ credential: `${jwt}~${e}~` });
      expect(r.status).toBe(200);
      expect(r.body.indication, JSON.stringify(d)).not.toBe('TOTAL_PASSED');
    }
    const nested = await signCompactJws({ typ: 'dc+sd-jwt' }, { ...base, holder: { ...base.holder, _sd_alg: 'sha-1' } }, node.pki.licenceIssuer);
    expect((await verify({ credential: `${nested}~` })).body.indication).not.toBe('TOTAL_PASSED');
    const alg = await signCompactJws({ typ: 'dc+sd-jwt' }, { ...base, _sd_alg: 'sha-1' }, node.pki.licenceIssuer);
    expect((await verify({ credential: `${alg}~` })).body.indication).not.toBe('TOTAL_PASSED');
  });

  it('a disclosure that overrides an envelope claim (region, status, iss, vct, cnf) is refused', async () => {
    const mine = split(licence);
    for (const name of ['region', 'status', 'iss', 'vct', 'identifier', 'exp']) {
      const e = disc(['s-' + name, name, name === 'status' ? { status_list: { idx: 1, uri: 'http://x' } } : 'CN-SC']);
      const payload = { ...mine.payload, _sd: [...mine.payload._sd, digest(e)] };
      const jwt = await signCompactJws({ typ: 'dc+sd-jwt' }, payload, node.pki.licenceIssuer);
      const r = await verify({ credential: `${jwt}~${e}~` });
      expect(r.body.indication, name).not.toBe('TOTAL_PASSED');
    }
  });

  it('trailing ~ variants: missing final ~, double ~~, leading ~, only ~ are refused', async () => {
    const mine = split(licence);
    const variants = [
      [mine.jwt, ...mine.disclosures].join('~'),
      [mine.jwt, ...mine.disclosures].join('~') + '~~',
      [mine.jwt, '', ...mine.disclosures].join('~') + '~',
      '~' + licence,
      '~',
      '~~~~',
      `${mine.jwt}~${'A~'.repeat(150)}`,
    ];
    for (const v of variants) {
      const r = await verify({ credential: v });
      expect(r.status).toBe(200);
      expect(r.body.indication, v.slice(-40)).not.toBe('TOTAL_PASSED');
    }
  });

  it('KB-JWT on a licence without cnf is refused', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const sd = split(licence).jwt + '~';
    const kb = await kbJwt(sd, privateKey);
    const r = await verify({ credential: sd + kb, nonce: 'n-1', audience: 'verifier-1' });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('demanded key binding: absent, wrong nonce, wrong aud, wrong sd_hash, alg none, other key, stale → refused', async () => {
    const sd = split(bound).jwt + '~';
    const { privateKey: stranger } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const cases: Array<[string, string]> = [
      ['absent', sd],
      ['wrong nonce', sd + (await kbJwt(sd, holderPriv, { nonce: 'other' }))],
      ['wrong aud', sd + (await kbJwt(sd, holderPriv, { aud: 'other' }))],
      ['aud array', sd + (await kbJwt(sd, holderPriv, { aud: ['verifier-1'] }))],
      ['wrong sd_hash', sd + (await kbJwt(sd, holderPriv, { sd_hash: digest(licence) }))],
      ['no sd_hash', sd + (await kbJwt(sd, holderPriv, { sd_hash: undefined }))],
      ['other key', sd + (await kbJwt(sd, stranger))],
      ['stale', sd + (await kbJwt(sd, holderPriv, { iat: Math.floor(Date.now() / 1000) - 3600 }))],
      ['future', sd + (await kbJwt(sd, holderPriv, { iat: Math.floor(Date.now() / 1000) + 3600 }))],
      ['wrong typ', sd + (await kbJwt(sd, holderPriv, {}, { typ: 'JWT' }))],
      ['crit', sd + (await kbJwt(sd, holderPriv, {}, { typ: 'kb+jwt', crit: ['x'] }))],
    ];
    const [h, p] = (await kbJwt(sd, holderPriv)).split('.');
    cases.push(['alg none', `${sd}${encodeBase64Url(JSON.stringify({ ...JSON.parse(Buffer.from(h!, 'base64url').toString()), alg: 'none' }))}.${p}.`]);
    for (const [name, credential] of cases) {
      const r = await verify({ credential, nonce: 'n-1', audience: 'verifier-1' });
      expect(r.status, name).toBe(200);
      expect(r.body.indication, name).not.toBe('TOTAL_PASSED');
    }
    const good = await verify({ credential: sd + (await kbJwt(sd, holderPriv)), nonce: 'n-1', audience: 'verifier-1' });
    expect(good.body.indication).toBe('TOTAL_PASSED');
  });

  it('a KB-JWT made for one presentation cannot be moved to another (more disclosures added)', async () => {
    const parts = split(bound);
    const sd = parts.jwt + '~';
    const kb = await kbJwt(sd, holderPriv);
    const r = await verify({ credential: `${parts.jwt}~${parts.disclosures[0]}~${kb}`, nonce: 'n-1', audience: 'verifier-1' });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('licence signed by the health-code key or another role is refused', async () => {
    const mine = split(licence);
    for (const signer of [node.pki.healthCodeIssuer, node.pki.trustListSigner, node.pki.sealCa]) {
      const jwt = await signCompactJws({ typ: 'dc+sd-jwt' }, mine.payload, signer);
      expect((await verify({ credential: [jwt, ...mine.disclosures].join('~') + '~' })).body.indication).not.toBe('TOTAL_PASSED');
    }
  });

  it('licence region claim changed to another region is refused', async () => {
    const mine = split(licence);
    const jwt = await signCompactJws({ typ: 'dc+sd-jwt' }, { ...mine.payload, region: 'CN-SC' }, node.pki.licenceIssuer);
    expect((await verify({ credential: [jwt, ...mine.disclosures].join('~') + '~' })).body.indication).not.toBe('TOTAL_PASSED');
  });

  it('revoked and suspended licences are not passed, also as minimal presentations', async () => {
    const r1 = await node.call('POST', '/v1/licences', request('110105194912310061'));
    const r2 = await node.call('POST', '/v1/licences', request('11010519491231007X'));
    expect((await node.call('POST', `/v1/credentials/${r1.body.id}/revoke`, {})).status).toBe(200);
    expect((await node.call('POST', `/v1/credentials/${r2.body.id}/suspend`, {})).status).toBe(200);
    for (const c of [r1.body.credential, r2.body.credential]) {
      expect((await verify({ credential: c })).body.indication).not.toBe('TOTAL_PASSED');
      expect((await verify({ credential: split(c).jwt + '~' })).body.indication).not.toBe('TOTAL_PASSED');
    }
  });

  it('an unknown vct or a claim outside the type schema (issuer-signed) is refused', async () => {
    const mine = split(licence);
    const a = await signCompactJws({ typ: 'dc+sd-jwt' }, { ...mine.payload, vct: 'urn:evil' }, node.pki.licenceIssuer);
    expect((await verify({ credential: `${a}~` })).body.indication).not.toBe('TOTAL_PASSED');
    const b = await signCompactJws({ typ: 'dc+sd-jwt' }, { ...mine.payload, isAdmin: true }, node.pki.licenceIssuer);
    expect((await verify({ credential: `${b}~` })).body.indication).not.toBe('TOTAL_PASSED');
  });

  it('a licence whose status uri is not http(s) or points at an attacker host is not passed and answers 200', async () => {
    const mine = split(licence);
    for (const uri of ['file:///etc/passwd', 'javascript:1', '', 'http://127.0.0.1:1/x', 'gopher://127.0.0.1:6379/_INFO']) {
      const jwt = await signCompactJws({ typ: 'dc+sd-jwt' }, { ...mine.payload, status: { status_list: { idx: 0, uri } } }, node.pki.licenceIssuer);
      const r = await verify({ credential: `${jwt}~` });
      expect(r.status).toBe(200);
      expect(r.body.indication, uri).not.toBe('TOTAL_PASSED');
    }
  });

  it('deeply nested disclosed values and 100+ disclosures do not crash', async () => {
    const mine = split(licence);
    let nested: unknown = 'x';
    for (let i = 0; i < 200; i++) nested = [nested];
    const e = disc(['s', 'address', nested]);
    const jwt = await signCompactJws({ typ: 'dc+sd-jwt' }, { ...mine.payload, _sd: [...mine.payload._sd, digest(e)] }, node.pki.licenceIssuer);
    const r = await verify({ credential: `${jwt}~${e}~` });
    expect(r.status).toBe(200);
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
    const many = `${mine.jwt}~${Array.from({ length: 101 }, (_, i) => disc(['s' + i, 'n' + i, i])).join('~')}~`;
    expect((await verify({ credential: many })).status).toBe(200);
  });
});
