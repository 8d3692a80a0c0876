// RFC 5280 §4 profile rules a relying party can check on each certificate of a path: encodings
// and fields that conforming CAs MUST (not) produce. They are checked only on certificates that
// are in the candidate path, never on unrelated input.
import type { ParsedCert } from './cert.js';
import { bytesEqual } from '../der/reader.js';
import { OID, criticalityProblems } from './extensions.js';
import { constraintSyntaxProblems, nameSyntaxProblems } from './name-constraints.js';
import { isEmptyName } from './names.js';
import type { PathFailure } from './types.js';

const fail = (detail: string, sub: PathFailure['subIndication'] = 'CHAIN_CONSTRAINTS_FAILURE'): PathFailure => ({
  subIndication: sub,
  detail,
  check: 'certificate profile',
});

/** Describes position i of a path (0 = leaf). */
export function role(i: number, n: number): string {
  return i === 0 ? 'leaf' : i === n - 1 ? 'trust anchor' : `intermediate #${i}`;
}

export function checkProfile(path: ParsedCert[]): PathFailure | undefined {
  const n = path.length;
  for (let i = 0; i < n; i++) {
    const c = path[i]!;
    const who = role(i, n);
    const isAnchor = i === n - 1;
    if (c.extensionErrors.length) return fail(`${who}: ${c.extensionErrors[0]}`, 'FORMAT_FAILURE');
    const crit = criticalityProblems(c.extensions);
    if (crit.length) return fail(`${who}: ${crit[0]}`);
    // §4.1.1.2: signatureAlgorithm MUST contain the same algorithm identifier as the signature field.
    if (!bytesEqual(c.tbsSignatureAlgorithm.raw, c.signatureAlgorithm.raw))
      return fail(`${who}: signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 §4.1.1.2)`, 'FORMAT_FAILURE');
    // §4.1.2.4: the issuer field MUST contain a non-empty distinguished name.
    if (isEmptyName(c.issuer)) return fail(`${who}: empty issuer name (RFC 5280 §4.1.2.4)`);
    if (!isAnchor) {
      // Trust anchors may be v1 (RFC 5280 §6.1.1(d) uses only their name and key); every other
      // certificate must be v3 so that its constraints are expressed at all.
      if (c.version !== 3) return fail(`${who}: X.509 v${c.version} certificate (v3 required outside the trust anchor)`);
      // §4.1.2.2: positive, at most 20 octets.
      const s = c.serial;
      if (s[0]! & 0x80) return fail(`${who}: negative serial number (RFC 5280 §4.1.2.2)`, 'FORMAT_FAILURE');
      if (s.every((b) => b === 0)) return fail(`${who}: zero serial number (RFC 5280 §4.1.2.2)`, 'FORMAT_FAILURE');
      if (s.length > 21 || (s.length === 21 && s[0] !== 0))
        return fail(`${who}: serial number longer than 20 octets (RFC 5280 §4.1.2.2)`, 'FORMAT_FAILURE');
      const syntax = nameSyntaxProblems(c);
      if (syntax.length) return fail(`${who}: ${syntax[0]}`);
    }
    const isCA = !!c.ext.basicConstraints?.cA;
    // §4.1.2.6: a CA's subject MUST be a non-empty distinguished name.
    if (i > 0 && isEmptyName(c.subject)) return fail(`${who}: CA certificate with an empty subject (RFC 5280 §4.1.2.6)`);
    // §4.2.1.6: with an empty subject the identity is in a critical subjectAltName.
    if (isEmptyName(c.subject)) {
      const san = c.extensions.find((e) => e.oid === OID.subjectAltName);
      if (!san) return fail(`${who}: empty subject and no subjectAltName (RFC 5280 §4.1.2.6)`);
      if (!san.critical) return fail(`${who}: empty subject with a non-critical subjectAltName (RFC 5280 §4.2.1.6)`);
    }
    if (c.ext.nameConstraints) {
      // §4.2.1.10: "MUST be used only in a CA certificate".
      if (!isCA) return fail(`${who}: nameConstraints in a non-CA certificate (RFC 5280 §4.2.1.10)`);
      const p = constraintSyntaxProblems(c.ext.nameConstraints);
      if (p.length) return fail(`${who}: ${p[0]} (RFC 5280 §4.2.1.10)`);
    }
  }
  return undefined;
}
