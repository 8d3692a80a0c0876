import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCompactJws } from '../../src/crypto/jws.js';
import { jwkThumbprint } from '../../src/crypto/jwk.js';
import { verifyJwsSignature } from '../../src/crypto/verify-signature.js';

// RFC 7515 Appendix A.3: the ES256 example (Figure 27 token, A.3.1 key).
const A3_JWK = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
const A3_TOKEN =
  'eyJhbGciOiJFUzI1NiJ9.' +
  'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.' +
  'DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q';

describe('JWS signature primitive against RFC 7515 A.3', () => {
  const key = createPublicKey({ key: A3_JWK, format: 'jwk' });

  it('verifies the specification ES256 example', () => {
    const jws = parseCompactJws(A3_TOKEN);
    if (typeof jws === 'string') throw new Error(jws);
    expect(jws.header).toEqual({ alg: 'ES256' });
    expect(verifyJwsSignature('ES256', key, jws.signingInput, jws.signature)).toBe(true);
  });

  it('rejects the example with one signature bit flipped', () => {
    const jws = parseCompactJws(A3_TOKEN);
    if (typeof jws === 'string') throw new Error(jws);
    const flipped = Buffer.from(jws.signature);
    flipped[63] = flipped[63]! ^ 1;
    expect(verifyJwsSignature('ES256', key, jws.signingInput, flipped)).toBe(false);
  });

  it('rejects the example under ES384 (RFC 7518 §3.4 binds ES256 to P-256)', () => {
    const jws = parseCompactJws(A3_TOKEN);
    if (typeof jws === 'string') throw new Error(jws);
    expect(verifyJwsSignature('ES384', key, jws.signingInput, jws.signature)).toBe(false);
  });

  it('rejects a DER-encoded signature where JWS requires r||s', () => {
    const jws = parseCompactJws(A3_TOKEN);
    if (typeof jws === 'string') throw new Error(jws);
    const r = jws.signature.subarray(0, 32);
    const s = jws.signature.subarray(32);
    const int = (b: Buffer) => (b[0]! & 0x80 ? Buffer.concat([Buffer.of(0), b]) : b);
    const body = Buffer.concat([Buffer.of(2, int(r).length), int(r), Buffer.of(2, int(s).length), int(s)]);
    const der = Buffer.concat([Buffer.of(0x30, body.length), body]);
    expect(verifyJwsSignature('ES256', key, jws.signingInput, der)).toBe(false);
  });

  it('computes the RFC 7638 §3.1 example thumbprint', () => {
    const rsa = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
    };
    expect(jwkThumbprint(rsa)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });
});

describe('malformed compact JWS', () => {
  it.each([
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['empty header', '.e30.AAAA'],
    ['padding in base64url', 'eyJhbGciOiJFUzI1NiJ9=.e30.AAAA'],
    ['standard base64 characters', 'eyJhbGciOiJFUzI1NiJ9.e3+/.AAAA'],
    ['header not JSON', `${Buffer.from('nope').toString('base64url')}.e30.AAAA`],
    ['header a JSON array', `${Buffer.from('[1]').toString('base64url')}.e30.AAAA`],
    ['empty signature', 'eyJhbGciOiJFUzI1NiJ9.e30.'],
  ])('refuses %s', (_, token) => {
    expect(typeof parseCompactJws(token)).toBe('string');
  });
});
