// keyUsage / extendedKeyUsage: RFC 5280 §4.2.1.3, §4.2.1.9, §4.2.1.12, §6.1.4(n), and the
// leaf purpose of the seal profile.
import type { ParsedCert } from './cert.js';
import { OID } from './extensions.js';
import { role } from './profile.js';
import type { PathFailure } from './types.js';

const fail = (detail: string, check = 'key usage'): PathFailure => ({ subIndication: 'CHAIN_CONSTRAINTS_FAILURE', detail, check });

export function checkKeyUsage(path: ParsedCert[]): PathFailure | undefined {
  const n = path.length;
  for (let i = 0; i < n; i++) {
    const c = path[i]!;
    const who = role(i, n);
    const ku = c.ext.keyUsage;
    const cA = !!c.ext.basicConstraints?.cA;
    // §4.2.1.3: "If the keyCertSign bit is asserted, then the cA bit ... MUST also be asserted."
    if (ku?.has('keyCertSign') && !cA) return fail(`${who}: keyCertSign without basicConstraints cA (RFC 5280 §4.2.1.3)`);
    // A CA certificate whose key usage withholds keyCertSign is self-contradictory (§4.2.1.9
    // ties pathLenConstraint and cA to keyCertSign); reject it wherever it appears.
    if (cA && ku && !ku.has('keyCertSign')) return fail(`${who}: cA=TRUE but keyUsage lacks keyCertSign (RFC 5280 §4.2.1.3, §4.2.1.9)`);
    // §6.1.4(n)
    if (i > 0 && ku && !ku.has('keyCertSign')) return fail(`${who}: issuing certificate without keyCertSign (RFC 5280 §6.1.4(n))`);
  }
  return undefined;
}

export function checkLeafPurpose(leaf: ParsedCert, purpose: 'seal' | 'any', requiredEku?: string[]): PathFailure | undefined {
  if (purpose === 'seal') {
    // A seal certificate must say what its key is for; an absent keyUsage is not accepted here.
    const ku = leaf.ext.keyUsage;
    if (!ku || !(ku.has('digitalSignature') || ku.has('nonRepudiation')))
      return fail('leaf keyUsage must assert digitalSignature or nonRepudiation for a seal (RFC 5280 §4.2.1.3)', 'leaf purpose');
  }
  if (requiredEku && requiredEku.length > 0) {
    const eku = leaf.ext.extKeyUsage;
    // §4.2.1.12: without the extension the key is not restricted by purpose. anyExtendedKeyUsage
    // is not accepted as a substitute for a required purpose: a seal validator asks for a specific one.
    if (eku && !eku.some((p) => requiredEku.includes(p)))
      return fail(
        `leaf extendedKeyUsage [${eku.join(', ')}] has none of the required purposes [${requiredEku.join(', ')}]${eku.includes(OID.anyExtendedKeyUsage) ? ' (anyExtendedKeyUsage is not accepted)' : ''} (RFC 5280 §4.2.1.12)`,
        'leaf purpose',
      );
  }
  return undefined;
}
