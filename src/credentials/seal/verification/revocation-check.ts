// Revocation of a seal certificate at the time a stamp claims to have been made.
import type { CheckVerdict } from '../../../verification/pipeline.js';
import { failed, passed } from '../../../verification/pipeline.js';
import { x509 } from '../../../pki/x509.js';
import type { RevocationSource } from '../seal-crl-publisher.js';
import { certificateFingerprint } from '../../../pki/fingerprint.js';

/**
 * Judges the leaf of a validated path against the issuing CA's CRL, held in memory.
 * - No CRL distribution point in the certificate and no CRL held: the CA publishes no revocation
 *   information, so there is nothing to consult (certificates from outside Tongban, e.g. OpenSSL's).
 * - A distribution point but no current CRL held: INDETERMINATE/TRY_LATER (EN 319 102-1 §5.2.5).
 * - Revoked at or before `signingTime`: REVOKED. Revoked later: the stamp stays valid, because it was
 *   made while the seal was good — except for keyCompromise, where whoever holds the key can
 *   also write any signingTime they like, so every stamp is REVOKED.
 * - On hold (certificateHold) at `signingTime`: INDETERMINATE/TRY_LATER; the hold may be lifted.
 */
export function checkLeafRevocation(path: readonly x509.X509Certificate[], signingTime: Date, now: Date, source: RevocationSource): CheckVerdict {
  const leaf = path[0];
  const issuer = path[1];
  if (!leaf || !issuer) return failed('GENERIC', 'the path has no issuer certificate to take a CRL from');
  const list = source.revocationListFor(certificateFingerprint(issuer.rawData));
  if (!list) {
    if (!leaf.getExtension(x509.CRLDistributionPointsExtension)) return passed('the certificate names no CRL distribution point; its CA publishes no revocation information');
    return failed('TRY_LATER', 'no current CRL is held for the issuing CA');
  }
  if (!list.nextUpdate || list.nextUpdate < now) return failed('TRY_LATER', `the CRL held for the issuing CA expired at ${list.nextUpdate?.toISOString() ?? '(no nextUpdate)'}`);
  const entry = list.lookup(BigInt(`0x${leaf.serialNumber}`));
  if (!entry) return passed(`not on the CRL of ${list.thisUpdate.toISOString()}`);
  const when = entry.revokedAt.toISOString();
  if (entry.reason === 'certificateHold') {
    return entry.revokedAt <= signingTime ? failed('TRY_LATER', `the seal was suspended on ${when}, before the signing time`) : passed(`suspended on ${when}, after the signing time`);
  }
  if (entry.reason === 'keyCompromise') return failed('REVOKED', `the seal was revoked on ${when} for key compromise`);
  if (entry.revokedAt <= signingTime) return failed('REVOKED', `the seal was revoked on ${when} (${entry.reason}), before the signing time`);
  return passed(`revoked on ${when} (${entry.reason}), after the signing time`);
}
