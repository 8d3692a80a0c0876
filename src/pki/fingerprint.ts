import { createHash } from 'node:crypto';

/**
 * SHA-256 (lowercase hex) of a certificate's DER: how anchors, CRL issuers, the path cache and the
 * stored seal CRLs (`issuer_fingerprint`) name a certificate.
 */
export function certificateFingerprint(der: ArrayBuffer | Uint8Array): string {
  return createHash('sha256').update(der instanceof Uint8Array ? der : new Uint8Array(der)).digest('hex');
}
