import { deflateSync } from 'node:zlib';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCompactJws } from '../../src/crypto/jws.js';
import { encodeBase45 } from '../../src/crypto/base45.js';
import { encodeBase64Url } from '../../src/crypto/base64url.js';
import { publicJwkOf } from '../../src/crypto/jwk.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

let node: TestNode;
let credential: string;
let qr: string;
let id: string;

const verify = (body: unknown) => node.call('POST', '/v1/verify', body, { token: null });
const b64u = (v: unknown) => encodeBase64Url(typeof v === 'string' ? v : JSON.stringify(v));
const parts = (jws: string) => {
  const [h, p, s] = jws.split('.');
  return { header: JSON.parse(Buffer.from(h!, 'base64url').toString()), payload: JSON.parse(Buffer.from(p!, 'base64url').toString()), h: h!, p: p!, s: s! };
};

beforeAll(async () => {
  node = await startTestNode();
  const issued = await node.call('POST', '/v1/health-codes', { holder: { name: '张三', idNumber: '440106199001011234' }, status: 'red' });
  expect(issued.status).toBe(201);
  ({ credential, qr, id } = issued.body);
});
afterAll(async () => node?.stop());

describe('health-code JWS attacks', () => {
  it('baseline: the genuine code passes and does not leak the ID number', async () => {
    const r = await verify({ credential });
    expect(r.body.indication).toBe('TOTAL_PASSED');
    expect(JSON.stringify(r.body)).not.toContain('440106199001011234');
    expect(credential).not.toContain(encodeBase64Url('440106199001011234'));
  });

  it('colour flipped red → green (payload altered) fails', async () => {
    const { header, payload, s } = parts(credential);
    payload.hc.colour = 'green';
    const r = await verify({ credential: `${b64u(header)}.${b64u(payload)}.${s}` });
    expect(r.status).toBe(200);
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('alg none with empty signature and with kept signature fails', async () => {
    const { header, p, s } = parts(credential);
    for (const sig of ['', s]) {
      const r = await verify({ credential: `${b64u({ ...header, alg: 'none' })}.${p}.${sig}` });
      expect(r.status).toBeLessThan(500);
      expect(r.body.indication).not.toBe('TOTAL_PASSED');
    }
  });

  it('HS256 with the public key as HMAC secret fails (no HMAC algorithms)', async () => {
    const { header, p } = parts(credential);
    const h = b64u({ ...header, alg: 'HS256' });
    const { createHmac } = await import('node:crypto');
    const sig = createHmac('sha256', node.pki.healthCodeIssuer.publicKey.export({ format: 'pem', type: 'spki' })).update(`${h}.${p}`).digest('base64url');
    const r = await verify({ credential: `${h}.${p}.${sig}` });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('embedded jwk / x5c / jku headers with an attacker key are ignored (signature fails)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const { payload, header } = parts(credential);
    const signer = {
      kid: header.kid, alg: 'ES256' as const, publicKey, publicJwk: publicJwkOf(publicKey), certificateChain: [],
      async sign(data: Uint8Array) { const { sign } = await import('node:crypto'); return sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }); },
      async cryptoKey() { throw new Error('unused'); },
    };
    payload.hc.colour = 'green';
    const forged = await signCompactJws({ typ: 'tongban-hc+jwt', jwk: publicJwkOf(publicKey), jku: 'http://127.0.0.1:1/jwks', x5c: [] }, payload, signer as never);
    const r = await verify({ credential: forged });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
    expect(r.body.subIndication).toBe('SIG_CRYPTO_FAILURE');
  });

  it('kid of another role (licence issuer, trust-list signer, seal CA) signing a health code fails', async () => {
    const { payload } = parts(credential);
    for (const signer of [node.pki.licenceIssuer, node.pki.trustListSigner, node.pki.sealCa, node.pki.issuingCa, node.pki.anchor]) {
      const forged = await signCompactJws({ typ: 'tongban-hc+jwt' }, { ...payload, hc: { ...payload.hc, colour: 'green' } }, signer);
      const r = await verify({ credential: forged });
      expect(r.body.indication).not.toBe('TOTAL_PASSED');
    }
  });

  it('crit header (even b64:false) is refused', async () => {
    const { payload } = parts(credential);
    const forged = await signCompactJws({ typ: 'tongban-hc+jwt', crit: ['b64'], b64: false }, payload, node.pki.healthCodeIssuer);
    const r = await verify({ credential: forged });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('wrong typ (status list, licence, none) is refused even when signed by the issuer key', async () => {
    const { payload } = parts(credential);
    for (const typ of ['statuslist+jwt', 'dc+sd-jwt', 'JWT', undefined]) {
      const forged = await signCompactJws(typ ? { typ } : {}, payload, node.pki.healthCodeIssuer);
      const r = await verify({ credential: forged });
      expect(r.status).toBe(200);
      expect(r.body.indication).not.toBe('TOTAL_PASSED');
    }
  });

  it('region claim changed to another region (signed by our key) finds no key', async () => {
    const { payload } = parts(credential);
    const forged = await signCompactJws({ typ: 'tongban-hc+jwt' }, { ...payload, region: 'CN-SC' }, node.pki.healthCodeIssuer);
    const r = await verify({ credential: forged });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
    const noRegion = await signCompactJws({ typ: 'tongban-hc+jwt' }, { ...payload, region: undefined }, node.pki.healthCodeIssuer);
    expect((await verify({ credential: noRegion })).body.indication).not.toBe('TOTAL_PASSED');
  });

  it('status uri pointing at an attacker server: not fetched, not passed', async () => {
    let hits = 0;
    const server = createServer((_req, res) => { hits++; res.end('x'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const { payload } = parts(credential);
      for (const uri of [`http://127.0.0.1:${port}/evil`, `http://127.0.0.1:${port}/v1/status-lists/00000000-0000-0000-0000-000000000000`]) {
        const forged = await signCompactJws({ typ: 'tongban-hc+jwt' }, { ...payload, status: { status_list: { idx: 0, uri } } }, node.pki.healthCodeIssuer);
        const r = await verify({ credential: forged });
        expect(r.body.indication).not.toBe('TOTAL_PASSED');
      }
      expect(hits).toBe(0);
    } finally {
      server.close();
    }
  });

  it('status idx huge / negative / fractional is not passed', async () => {
    const { payload } = parts(credential);
    for (const idx of [Number.MAX_SAFE_INTEGER, -1, 1.5, '0', 65536, 2 ** 30]) {
      const forged = await signCompactJws({ typ: 'tongban-hc+jwt' }, { ...payload, status: { status_list: { ...payload.status.status_list, idx } } }, node.pki.healthCodeIssuer);
      const r = await verify({ credential: forged });
      expect(r.status).toBe(200);
      expect.soft(r.body.indication, `idx ${idx}`).not.toBe('TOTAL_PASSED');
    }
  });

  // Was a vulnerability: statusAt() computed `(index * bits) >> 3`, and `>>` truncates to int32, so
  // idx = 2^31 + k read entry k and passed on another credential's status. Fixed in status-list.ts.
  it('does not let a status idx ≥ 2^31 wrap around to another entry', async () => {
    const { payload } = parts(credential);
    for (const idx of [2 ** 31, 2 ** 32, 2 ** 40]) {
      const forged = await signCompactJws({ typ: 'tongban-hc+jwt' }, { ...payload, status: { status_list: { ...payload.status.status_list, idx } } }, node.pki.healthCodeIssuer);
      const r = await verify({ credential: forged });
      expect(r.body.indication, `idx ${idx}`).not.toBe('TOTAL_PASSED');
    }
  });

  it('time edges: exp ≤ iat, lifetime > 7 days, iat far in future, exp long past are not passed', async () => {
    const { payload } = parts(credential);
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      { iat: now, exp: now },
      { iat: now - 10, exp: now + 8 * 86400 },
      { iat: now + 3600, exp: now + 7200 },
      { iat: now - 7200, exp: now - 3600 },
      { iat: 'now', exp: now + 100 },
      { iat: now, exp: 1e400 },
      { iat: now, exp: now + 100, nbf: now + 3600 },
      { iat: now, exp: now + 100, nbf: 'x' },
    ];
    for (const c of cases) {
      const forged = await signCompactJws({ typ: 'tongban-hc+jwt' }, { ...payload, ...c }, node.pki.healthCodeIssuer);
      const r = await verify({ credential: forged.replace('1e400', '1e400') });
      expect(r.status).toBe(200);
      expect(r.body.indication, JSON.stringify(c)).not.toBe('TOTAL_PASSED');
    }
  });

  it('missing hc / wrong colour types fail type rules', async () => {
    const { payload } = parts(credential);
    for (const hc of [undefined, null, 'green', { colour: 'GREEN', name: 'x' }, { colour: ['green'], name: 'x' }, { colour: 'green', name: 1 }]) {
      const forged = await signCompactJws({ typ: 'tongban-hc+jwt' }, { ...payload, hc }, node.pki.healthCodeIssuer);
      expect((await verify({ credential: forged })).body.indication).not.toBe('TOTAL_PASSED');
    }
  });

  it('revoked health code fails everywhere (compact and QR)', async () => {
    const issued = await node.call('POST', '/v1/health-codes', { holder: { name: '李四', idNumber: '440106199001015678' }, status: 'green' });
    expect((await node.call('POST', `/v1/credentials/${issued.body.id}/revoke`, {})).status).toBe(200);
    for (const c of [issued.body.credential, issued.body.qr]) {
      const r = await verify({ credential: c });
      expect(r.body.indication).toBe('TOTAL_FAILED');
      expect(r.body.subIndication).toBe('REVOKED');
      expect(r.body.claims).toBeUndefined();
    }
  });

  it('malformed JWS shapes answer 200 FORMAT_FAILURE, never 5xx', async () => {
    const { h, p, s } = parts(credential);
    const inputs = [
      '.', '..', '...', `${h}.${p}`, `${h}.${p}.${s}.x`, `${h}..${s}`, `${b64u('[]')}.${p}.${s}`, `${b64u('null')}.${p}.${s}`,
      `${h}.${b64u('[1]')}.${s}`, `${h}.${b64u('"x"')}.${s}`, `${h}.${p}.${s}=`, `${h}.${p}.${s}+`, `${h}=.${p}.${s}`,
      `${b64u({ typ: 'tongban-hc+jwt', alg: 'ES256', kid: { a: 1 } })}.${p}.${s}`,
      `${b64u({ typ: 'tongban-hc+jwt', alg: 'ES256', kid: 'x'.repeat(5000) })}.${p}.${s}`,
      `${b64u({ typ: 'tongban-hc+jwt', alg: { toString: 1 }, kid: 'x' })}.${p}.${s}`,
      `${b64u({ typ: 'tongban-hc+jwt', alg: 'ES256', kid: '__proto__' })}.${p}.${s}`,
      `${b64u({ typ: 'tongban-hc+jwt', alg: 'ES256', kid: 'constructor' })}.${p}.${s}`,
      `${b64u({ typ: 'tongban-hc+jwt', alg: 'ES256', kid: 'hasOwnProperty' })}.${p}.${s}`,
      'a'.repeat(60000), '\u0000', '   ', '💥.💥.💥',
    ];
    for (const c of inputs) {
      const r = await verify({ credential: c });
      expect(r.status, c.slice(0, 80)).toBeLessThan(500);
      if (r.status === 200) expect(r.body.indication).not.toBe('TOTAL_PASSED');
    }
  });

  it('issuer-signed payload with __proto__/constructor region or kid does not crash', async () => {
    const { payload } = parts(credential);
    for (const region of ['__proto__', 'constructor', { toString: 'x' }]) {
      const forged = await signCompactJws({ typ: 'tongban-hc+jwt' }, { ...payload, region }, node.pki.healthCodeIssuer);
      const r = await verify({ credential: forged });
      expect(r.status).toBe(200);
      expect(r.body.indication).not.toBe('TOTAL_PASSED');
    }
  });

  it('kid header of a 5xx-prone type (array) and duplicate keys in header/payload do not pass a tampered code', async () => {
    const { h, p, s, payload } = parts(credential);
    // duplicate "hc" key: JSON.parse keeps the last; the signature covers the original bytes only
    const dupPayload = Buffer.from(`${Buffer.from(p, 'base64url').toString().slice(0, -1)},"hc":{"colour":"green","name":"x"}}`).toString('base64url');
    expect((await verify({ credential: `${h}.${dupPayload}.${s}` })).body.indication).not.toBe('TOTAL_PASSED');
    void payload;
  });
});

describe('QR text attacks', () => {
  it('genuine QR passes', async () => {
    expect((await verify({ credential: qr })).body.indication).toBe('TOTAL_PASSED');
  });

  it('zlib bomb inside TB1: is refused quickly, 200 not 5xx', async () => {
    const bomb = 'TB1:' + encodeBase45(deflateSync(Buffer.alloc(16 * 1024 * 1024, 0x41), { level: 9 }));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const started = Date.now();
    const r = await verify({ credential: bomb });
    expect(r.status).toBeLessThan(500);
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('bad Base45, wrong prefix case, raw deflate, garbage after, empty are refused', async () => {
    const inputs = ['TB1:', 'TB1:!!!!', 'TB1:A', 'TB1:GGW', 'tb1:' + qr.slice(4), 'TB1:' + encodeBase45(deflateSync(Buffer.from('not a jws'))), 'TB1:' + encodeBase45(Buffer.from('x')), 'TB1:' + encodeBase45(deflateSync(Buffer.from(credential + '~')))];
    for (const c of inputs) {
      const r = await verify({ credential: c });
      expect(r.status, c.slice(0, 40)).toBeLessThan(500);
      if (r.status === 200) expect(r.body.indication, c.slice(0, 40)).not.toBe('TOTAL_PASSED');
    }
  });

  it('QR wrapping a tampered JWS fails', async () => {
    const { header, payload, s } = parts(credential);
    payload.hc.colour = 'green';
    const tampered = `${b64u(header)}.${b64u(payload)}.${s}`;
    const r = await verify({ credential: 'TB1:' + encodeBase45(deflateSync(Buffer.from(tampered))) });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('QR wrapping non-ASCII bytes does not crash', async () => {
    const r = await verify({ credential: 'TB1:' + encodeBase45(deflateSync(Buffer.from([0xff, 0xfe, 0x2e, 0x80, 0x2e, 0x00]))) });
    expect(r.status).toBeLessThan(500);
  });
});

describe('batch and body limits', () => {
  it('batch over 100 items is a 4xx', async () => {
    const r = await node.call('POST', '/v1/verify/batch', { items: Array.from({ length: 101 }, () => ({ credential })) }, { token: null });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
  });

  it('batch mixing garbage and genuine items answers in order, 200', async () => {
    const r = await node.call('POST', '/v1/verify/batch', { items: [{ credential }, { credential: 'x' }, { document: 'AA==', signature: 'AA==' }, { credential: 'TB1:!!' }] }, { token: null });
    expect(r.status).toBe(200);
    expect(r.body.reports.map((x: { indication: string }) => x.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_FAILED', 'TOTAL_FAILED', 'TOTAL_FAILED']);
  });

  it('non-JSON, wrong content type, deep nesting, extra fields, compressed body → 4xx', async () => {
    const deep = '['.repeat(100000) + ']'.repeat(100000);
    const cases: Array<[unknown, Record<string, string>]> = [
      ['{', { 'content-type': 'application/json' }],
      [JSON.stringify({ credential }), { 'content-type': 'text/plain' }],
      [`{"credential":"x","extra":${deep}}`, { 'content-type': 'application/json' }],
      [JSON.stringify({ credential, extra: 1 }), { 'content-type': 'application/json' }],
      [JSON.stringify({ credential, document: 'AA==' }), { 'content-type': 'application/json' }],
      [JSON.stringify({ credential: 'x', trustAnchors: ['not a cert'] }), { 'content-type': 'application/json' }],
      [JSON.stringify({ document: 'AA==', signature: 'AA==', trustAnchors: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'] }), { 'content-type': 'application/json' }],
      [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { 'content-type': 'application/json' }],
      [JSON.stringify({ credential }), { 'content-type': 'application/json', 'content-encoding': 'gzip' }],
      ['"' + 'a'.repeat(2 * 1024 * 1024) + '"', { 'content-type': 'application/json' }],
    ];
    for (const [body, headers] of cases) {
      const r = await node.call('POST', '/v1/verify', body, { token: null, headers });
      expect(r.status, String(body).slice(0, 60)).toBeGreaterThanOrEqual(400);
      expect(r.status, String(body).slice(0, 60)).toBeLessThan(500);
      expect(r.body.error?.code).toEqual(expect.any(String));
    }
  });
});

describe('status list endpoint', () => {
  it('unknown / malformed status list ids are 4xx', async () => {
    for (const p of ['/v1/status-lists/xyz', '/v1/status-lists/00000000-0000-0000-0000-000000000000', '/v1/status-lists/%00', '/v1/status-lists/' + 'a'.repeat(5000)]) {
      const r = await node.call('GET', p, undefined, { token: null });
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.status, p).toBeLessThan(500);
    }
  });
  it('revoking a bogus id is 4xx', async () => {
    for (const p of ['/v1/credentials/nope/revoke', `/v1/credentials/${id}x/revoke`, '/v1/credentials/%ZZ/revoke']) {
      const r = await node.call('POST', p, {});
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.status, p).toBeLessThan(500);
    }
  });
});
