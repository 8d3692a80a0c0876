// Authority and subject key identifiers (RFC 5280 §4.2.1.1, §4.2.1.2). They exist "to facilitate
// certification path construction"; a path whose identifiers are missing or contradict the chain
// is rejected, as x509-limbo expects.
import type { ParsedCert } from './cert.js';
import { bytesEqual } from '../der/reader.js';
import { namesEqual } from './names.js';
import { role } from './profile.js';
import type { PathFailure } from './types.js';

const fail = (detail: string): PathFailure => ({ subIndication: 'CHAIN_CONSTRAINTS_FAILURE', detail, check: 'key identifiers' });

export function checkKeyIdentifiers(path: ParsedCert[]): PathFailure | undefined {
  const n = path.length;
  for (let i = 0; i < n; i++) {
    const c = path[i]!;
    const who = role(i, n);
    const isAnchor = i === n - 1;
    // The certificate that issued c, when known: the next one, or the anchor itself if self-issued.
    const issuer = isAnchor ? (c.selfIssued ? c : undefined) : path[i + 1]!;
    if (c.version === 3 && c.ext.basicConstraints?.cA && !c.ext.subjectKeyIdentifier)
      return fail(`${who}: CA certificate without subjectKeyIdentifier (RFC 5280 §4.2.1.2)`);
    const aki = c.ext.authorityKeyIdentifier;
    if (!aki) {
      // §4.2.1.1: the keyIdentifier MUST be included, except in a self-signed certificate. Not
      // demanded of the trust anchor: §6.1.1(d) uses only its name and key (a trusted cross-signed
      // root without AKI must still anchor a path, x509-limbo cve::cve-2024-0567).
      if (c.version === 3 && !isAnchor)
        return fail(`${who}: authorityKeyIdentifier missing (RFC 5280 §4.2.1.1)`);
      continue;
    }
    if (!aki.keyIdentifier) return fail(`${who}: authorityKeyIdentifier without keyIdentifier (RFC 5280 §4.2.1.1)`);
    // RFC 5280 Appendix A.2: authorityCertIssuer and authorityCertSerialNumber MUST both be present or both be absent.
    if (!!aki.authorityCertIssuer !== !!aki.authorityCertSerialNumber)
      return fail(`${who}: authorityCertIssuer and authorityCertSerialNumber must appear together (RFC 5280 §A.2)`);
    if (!issuer) continue;
    if (issuer.ext.subjectKeyIdentifier && !bytesEqual(aki.keyIdentifier, issuer.ext.subjectKeyIdentifier))
      return fail(`${who}: authorityKeyIdentifier does not match the issuer's subjectKeyIdentifier (RFC 5280 §4.2.1.1)`);
    if (aki.authorityCertIssuer && aki.authorityCertSerialNumber) {
      const dn = aki.authorityCertIssuer.find((g) => g.kind === 'directoryName')?.name;
      const serialMatches = bytesEqual(aki.authorityCertSerialNumber, issuer.serial);
      if (!dn || !namesEqual(dn, issuer.issuer) || !serialMatches)
        return fail(`${who}: authorityCertIssuer/authorityCertSerialNumber do not identify the issuer certificate (RFC 5280 §4.2.1.1)`);
    }
  }
  return undefined;
}
