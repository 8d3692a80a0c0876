import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JwsAlgorithm } from '../../src/crypto/algorithms.js';
import { verifyJwsSignature } from '../../src/crypto/verify-signature.js';

const DIR = path.resolve(process.cwd(), '../shared/conformance/wycheproof');

interface Vector { tcId: number; comment: string; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable'; flags: string[] }
interface Group { publicKeyJwk?: JsonWebKey; publicKeyDer: string; tests: Vector[] }

// The JWS form of each algorithm: P1363 (r||s) signatures for ECDSA (RFC 7518 §3.4), RFC 8032 for Ed25519.
const SUITES: [string, JwsAlgorithm][] = [
  ['ecdsa_secp256r1_sha256_p1363_test.json', 'ES256'],
  ['ecdsa_secp384r1_sha384_p1363_test.json', 'ES384'],
  ['ed25519_test.json', 'EdDSA'],
];

describe.skipIf(!existsSync(DIR))('Wycheproof vectors through the JWS signature primitive', () => {
  for (const [file, alg] of SUITES) {
    it(`${alg}: ${file} — every valid vector verifies, every invalid one is refused`, () => {
      const suite = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as { testGroups: Group[] };
      const mismatches: string[] = [];
      let count = 0;
      let highS = 0;
      for (const group of suite.testGroups) {
        const key = createPublicKey({ key: Buffer.from(group.publicKeyDer, 'hex'), format: 'der', type: 'spki' });
        for (const t of group.tests) {
          const ok = verifyJwsSignature(alg, key, Buffer.from(t.msg, 'hex'), Buffer.from(t.sig, 'hex'));
          count++;
          if (t.result === 'valid' && ok && t.comment.includes('malleability')) highS++;
          // "acceptable" vectors may go either way; valid must pass and invalid must fail.
          if ((t.result === 'valid' && !ok) || (t.result === 'invalid' && ok)) mismatches.push(`tcId ${t.tcId} (${t.comment}): expected ${t.result}`);
        }
      }
      expect(mismatches).toEqual([]);
      expect(count).toBeGreaterThan(100);
      if (alg !== 'EdDSA') expect(highS).toBeGreaterThan(0);
    });
  }
});
