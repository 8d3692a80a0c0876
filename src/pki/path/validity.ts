// RFC 5280 §6.1.3(a)(2): every certificate, the trust anchor's included, must be within its
// validity period at the validation time. Validity is inclusive at both ends (§4.1.2.5) and has
// one-second granularity, so the validation time is floored to the second before comparing.
import type { ParsedCert } from './cert.js';
import { role } from './profile.js';
import type { PathFailure } from './types.js';

export function floorToSecond(d: Date): number {
  return Math.floor(d.getTime() / 1000) * 1000;
}

export function checkValidity(path: ParsedCert[], at: Date): PathFailure | undefined {
  const t = floorToSecond(at);
  const n = path.length;
  for (let i = 0; i < n; i++) {
    const c = path[i]!;
    if (t < c.notBefore.getTime())
      return { subIndication: 'NOT_YET_VALID', detail: `${role(i, n)} is not valid before ${c.notBefore.toISOString()} (RFC 5280 §6.1.3(a)(2))`, check: 'validity' };
    if (t > c.notAfter.getTime())
      return { subIndication: 'EXPIRED', detail: `${role(i, n)} expired at ${c.notAfter.toISOString()} (RFC 5280 §6.1.3(a)(2))`, check: 'validity' };
  }
  return undefined;
}
