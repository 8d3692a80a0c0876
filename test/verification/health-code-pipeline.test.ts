import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_CODE_TYP } from '../../src/credentials/health-code/format.js';
import { verifyHealthCode } from '../../src/credentials/health-code/verify.js';
import { FileKeyStore } from '../../src/crypto/file-key-store.js';
import { encodeBase64Url } from '../../src/crypto/base64url.js';
import { signCompactJws } from '../../src/crypto/jws.js';
import type { Signer } from '../../src/crypto/signer.js';
import type { StatusLookup, StatusResolver } from '../../src/status/status-resolver.js';
import { setStatusAt } from '../../src/status/status-list.js';
import { IssuerIndex, type TrustedIssuer } from '../../src/trust/trust-material.js';
import { DEFAULT_POLICY } from '../../src/verification/policy.js';
import type { ValidationReport } from '../../src/verification/report.js';

const NOW = new Date('2026-11-21T10:00:00Z');
const iat = Math.floor(NOW.getTime() / 1000) - 60;
const STATUS_URI = 'https://gd.example/v1/status-lists/11111111-1111-1111-1111-111111111111';

/** A real two-bit status list held in memory: index 1 revoked, index 2 suspended. */
class MemoryStatus implements StatusResolver {
  readonly bits = Buffer.alloc(16);
  constructor() {
    setStatusAt(this.bits, 2, 1, 1);
    setStatusAt(this.bits, 2, 2, 2);
  }
  async lookup(ref: { idx: number; uri: string }): Promise<StatusLookup> {
    if (ref.uri !== STATUS_URI) return { ok: false, reason: 'unknown list' };
    return { ok: true, status: (this.bits[ref.idx >> 2]! >> ((ref.idx & 3) * 2)) & 3, listIssuedAt: NOW };
  }
}

let signer: Signer;
let issuer: TrustedIssuer;

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: 'https://gd.example', region: 'CN-GD', jti: 'a6b1c7e0-0000-4000-8000-000000000001', sub: 'pseudonym',
    iat, exp: iat + 24 * 3600, hc: { colour: 'green', name: '张*' },
    status: { status_list: { idx: 0, uri: STATUS_URI } },
    ...overrides,
  };
}

async function verify(token: string, trusted: TrustedIssuer[] = [issuer], at = NOW): Promise<ValidationReport> {
  return verifyHealthCode({ token, at, trust: new IssuerIndex(trusted), status: new MemoryStatus(), policy: DEFAULT_POLICY }, 'federation');
}

const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = { typ: HEALTH_CODE_TYP }) => signCompactJws(header, payload, signer);

beforeAll(async () => {
  signer = await new FileKeyStore(await mkdtemp(path.join(tmpdir(), 'tb-hc-'))).generate('hc');
  issuer = { kid: signer.kid, region: 'CN-GD', name: 'GD health', roles: ['healthcode'], publicKey: signer.publicKey, status: 'active', source: 'local' };
});

describe('health-code verification pipeline', () => {
  it('passes a well-formed, trusted, valid, unrevoked health code', async () => {
    const report = await verify(await sign(claims()));
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.checks.every((c) => c.result === 'PASSED')).toBe(true);
  });

  describe('format', () => {
    it('fails garbage with FORMAT_FAILURE', async () => {
      expect((await verify('not-a-jws')).subIndication).toBe('FORMAT_FAILURE');
    });
    it('fails a JWS with the wrong typ', async () => {
      expect((await verify(await sign(claims(), { typ: 'JWT' }))).subIndication).toBe('FORMAT_FAILURE');
    });
    it('fails a JWS with critical header parameters it does not understand (RFC 7515 §4.1.11)', async () => {
      expect((await verify(await sign(claims(), { typ: HEALTH_CODE_TYP, crit: ['exp'] }))).subIndication).toBe('FORMAT_FAILURE');
    });
  });

  describe('algorithm', () => {
    it('fails alg "none" as unsigned', async () => {
      const header = encodeBase64Url(JSON.stringify({ alg: 'none', typ: HEALTH_CODE_TYP, kid: signer.kid }));
      const token = `${header}.${encodeBase64Url(JSON.stringify(claims()))}.AAAA`;
      const report = await verify(token);
      expect(report.indication).toBe('TOTAL_FAILED');
      expect(report.subIndication).toBe('FORMAT_FAILURE');
    });
    it('refuses HS256 even when the attacker uses the public key as the MAC secret', async () => {
      const header = encodeBase64Url(JSON.stringify({ alg: 'HS256', typ: HEALTH_CODE_TYP, kid: signer.kid }));
      const body = `${header}.${encodeBase64Url(JSON.stringify(claims()))}`;
      const { createHmac } = await import('node:crypto');
      const mac = createHmac('sha256', JSON.stringify(signer.publicJwk)).update(body).digest('base64url');
      const report = await verify(`${body}.${mac}`);
      expect(report.indication).toBe('INDETERMINATE');
      expect(report.subIndication).toBe('CRYPTO_CONSTRAINTS_FAILURE');
    });
  });

  describe('issuer key', () => {
    it('is INDETERMINATE (NO_SIGNING_CERTIFICATE_FOUND) for a key in no trust list', async () => {
      const report = await verify(await sign(claims()), []);
      expect(report.indication).toBe('INDETERMINATE');
      expect(report.subIndication).toBe('NO_SIGNING_CERTIFICATE_FOUND');
    });
    it('does not accept a key trusted only for another region', async () => {
      const report = await verify(await sign(claims({ region: 'CN-SC' })));
      expect(report.subIndication).toBe('NO_SIGNING_CERTIFICATE_FOUND');
    });
    it('refuses a key that is trusted for seals, not health codes', async () => {
      const report = await verify(await sign(claims()), [{ ...issuer, roles: ['seal'] }]);
      expect(report.subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
      expect(report.indication).not.toBe('TOTAL_PASSED');
    });
    it('fails with REVOKED when the issuer key was revoked', async () => {
      const report = await verify(await sign(claims()), [{ ...issuer, status: 'revoked', statusSince: new Date(NOW.getTime() - 1000) }]);
      expect(report.indication).toBe('TOTAL_FAILED');
      expect(report.subIndication).toBe('REVOKED');
    });
    it('accepts a retired key for credentials issued before retirement only', async () => {
      const retiredAt = new Date((iat + 10) * 1000);
      expect((await verify(await sign(claims()), [{ ...issuer, status: 'retired', statusSince: retiredAt }])).indication).toBe('TOTAL_PASSED');
      const later = await sign(claims({ iat: iat + 20, exp: iat + 3600 }));
      expect((await verify(later, [{ ...issuer, status: 'retired', statusSince: retiredAt }])).subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
    });
    it('is INDETERMINATE (TRY_LATER) when the peer trust list is stale beyond grace', async () => {
      const report = await verify(await sign(claims()), [{ ...issuer, source: 'peer', freshUntil: new Date(NOW.getTime() - 1) }]);
      expect(report.indication).toBe('INDETERMINATE');
      expect(report.subIndication).toBe('TRY_LATER');
    });
    it('refuses to choose between two keys with one kid in one region', async () => {
      const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
      const report = await verify(await sign(claims()), [issuer, { ...issuer, publicKey: other }]);
      expect(report.indication).toBe('INDETERMINATE');
    });
  });

  describe('signature', () => {
    it('fails a token signed by a different key under the trusted kid with SIG_CRYPTO_FAILURE', async () => {
      const impostor = await new FileKeyStore(await mkdtemp(path.join(tmpdir(), 'tb-hc-'))).generate('x');
      const token = await signCompactJws({ typ: HEALTH_CODE_TYP }, claims(), { ...impostor, kid: signer.kid, sign: impostor.sign.bind(impostor) } as Signer);
      const report = await verify(token);
      expect(report.indication).toBe('TOTAL_FAILED');
      expect(report.subIndication).toBe('SIG_CRYPTO_FAILURE');
      expect(report.claims).toBeUndefined();
    });
  });

  describe('validity window', () => {
    it('fails an expired code with EXPIRED', async () => {
      const report = await verify(await sign(claims({ iat: iat - 3 * 86400, exp: iat - 2 * 86400 })));
      expect(report.subIndication).toBe('EXPIRED');
    });
    it('fails a code from the future beyond the clock skew with NOT_YET_VALID', async () => {
      const report = await verify(await sign(claims({ iat: iat + 3600, exp: iat + 7200 })));
      expect(report.subIndication).toBe('NOT_YET_VALID');
    });
    it('tolerates a small clock difference', async () => {
      expect((await verify(await sign(claims({ iat: iat + 120, exp: iat + 7200 })))).indication).toBe('TOTAL_PASSED');
    });
    it('refuses a lifetime longer than seven days', async () => {
      const report = await verify(await sign(claims({ exp: iat + 8 * 86400 })));
      expect(report.subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
    });
  });

  describe('status', () => {
    it('fails a revoked code with REVOKED', async () => {
      const report = await verify(await sign(claims({ status: { status_list: { idx: 1, uri: STATUS_URI } } })));
      expect(report.indication).toBe('TOTAL_FAILED');
      expect(report.subIndication).toBe('REVOKED');
    });
    it('does not pass a suspended code', async () => {
      const report = await verify(await sign(claims({ status: { status_list: { idx: 2, uri: STATUS_URI } } })));
      expect(report.indication).toBe('INDETERMINATE');
    });
    it('is INDETERMINATE (TRY_LATER) when no status list can be had', async () => {
      const report = await verify(await sign(claims({ status: { status_list: { idx: 0, uri: 'https://elsewhere.example/x' } } })));
      expect(report.subIndication).toBe('TRY_LATER');
    });
    it('is INDETERMINATE (TRY_LATER) when the status source itself fails', async () => {
      const token = await sign(claims());
      const report = await verifyHealthCode(
        { token, at: NOW, trust: new IssuerIndex([issuer]), status: { lookup: async () => { throw new Error('connection reset'); } }, policy: DEFAULT_POLICY },
        'federation',
      );
      expect(report.subIndication).toBe('TRY_LATER');
    });
    it('fails a code without a status reference', async () => {
      const report = await verify(await sign(claims({ status: undefined })));
      expect(report.subIndication).toBe('FORMAT_FAILURE');
    });
  });

  describe('type rules', () => {
    it('fails an unknown colour', async () => {
      const report = await verify(await sign(claims({ hc: { colour: 'blue', name: '张*' } })));
      expect(report.subIndication).toBe('FORMAT_FAILURE');
      expect(report.checks.at(-1)).toMatchObject({ name: 'type-rules', result: 'FAILED' });
    });
  });

  it('reports the checks after a failure as SKIPPED, never PASSED', async () => {
    const report = await verify(await sign(claims()), []);
    const names = report.checks.map((c) => `${c.name}:${c.result}`);
    expect(names).toEqual(['format:PASSED', 'algorithm:PASSED', 'issuer-key:INDETERMINATE', 'signature:SKIPPED', 'validity-window:SKIPPED', 'status:SKIPPED', 'type-rules:SKIPPED']);
  });
});
