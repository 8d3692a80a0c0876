// basicConstraints and path length: RFC 5280 §4.2.1.9, §6.1.4(k)(l)(m).
import type { ParsedCert } from './cert.js';
import { role } from './profile.js';
import type { PathFailure } from './types.js';

const fail = (detail: string): PathFailure => ({ subIndication: 'CHAIN_CONSTRAINTS_FAILURE', detail, check: 'basic constraints' });

export function checkBasicConstraints(path: ParsedCert[], maxDepth: number): PathFailure | undefined {
  const n = path.length;
  // The anchor's own pathLenConstraint is honoured as well (RFC 5937 §3 allows enforcing the
  // constraints of a trust anchor certificate; doing so can only reject).
  let maxPathLength = Number.POSITIVE_INFINITY;
  let counted = 0;
  for (let i = n - 1; i >= 0; i--) {
    const c = path[i]!;
    const who = role(i, n);
    const bc = c.ext.basicConstraints;
    const bcExt = c.extensions.find((e) => e.oid === '2.5.29.19');
    if (bc?.pathLen !== undefined && !bc.cA)
      return fail(`${who}: pathLenConstraint without cA (RFC 5280 §4.2.1.9)`);
    if (i === 0) break;
    // Issuing certificates: §6.1.4(k) — v1/v2 only as the trust anchor.
    if (c.version !== 3) {
      if (i !== n - 1) return fail(`${who}: X.509 v${c.version} certificate cannot issue certificates (RFC 5280 §6.1.4(k))`);
    } else {
      if (!bc || !bc.cA) return fail(`${who}: issuing certificate without basicConstraints cA=TRUE (RFC 5280 §6.1.4(k))`);
      // §4.2.1.9: "MUST mark the extension as critical in such certificates".
      if (!bcExt!.critical) return fail(`${who}: basicConstraints of a CA must be critical (RFC 5280 §4.2.1.9)`);
    }
    if (i < n - 1 && !c.selfIssued) {
      // §6.1.4(l)
      if (maxPathLength <= 0) return fail(`${who}: exceeds the pathLenConstraint of a superior CA (RFC 5280 §6.1.4(l))`);
      maxPathLength--;
      counted++;
      if (counted > maxDepth) return fail(`path has more than ${maxDepth} intermediate CAs (configured maximum depth)`);
    }
    // §6.1.4(m)
    if (bc?.pathLen !== undefined) maxPathLength = Math.min(maxPathLength, bc.pathLen);
  }
  return undefined;
}
