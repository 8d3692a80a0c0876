// RFC 5280 §6.1.3(a)(1) signature check of every non-anchor certificate (already established while
// building, re-read from the cache) plus the algorithm and key-size allow-list.
import { type SignatureCache, signedBy } from './build-paths.js';
import type { ParsedCert } from './cert.js';
import { role } from './profile.js';
import { keyInfo, signaturePolicyProblem } from './signature.js';
import type { PathFailure } from './types.js';

export function checkSignatures(path: ParsedCert[], cache: SignatureCache): PathFailure | undefined {
  const n = path.length;
  for (let i = 0; i < n - 1; i++) {
    const c = path[i]!;
    const issuer = path[i + 1]!;
    if (!signedBy(c, issuer, cache))
      return { subIndication: 'SIG_CRYPTO_FAILURE', detail: `${role(i, n)}: signature does not verify under the issuer's key (RFC 5280 §6.1.3(a)(1))`, check: 'signatures' };
    const p = signaturePolicyProblem(c.signatureAlgorithm, keyInfo(issuer));
    if (p) return { subIndication: 'CRYPTO_CONSTRAINTS_FAILURE', detail: `${role(i, n)}: ${p}`, check: 'signatures' };
  }
  // The leaf's key signs the seal and the anchor's key signs the first certificate: both must be
  // acceptable keys too (intermediate keys were checked as signers above).
  for (const i of [0, n - 1]) {
    const k = keyInfo(path[i]!);
    if (k.problem) return { subIndication: 'CRYPTO_CONSTRAINTS_FAILURE', detail: `${role(i, n)}: ${k.problem}`, check: 'signatures' };
  }
  return undefined;
}
