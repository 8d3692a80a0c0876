// The trust anchors a seal signature or certificate is judged against: the caller's own PEMs
// (trustSource "caller"), or else the seal CAs of every region in the federated trust material
// (role `seal`, trustSource "federation").
import { parseCertificate } from '../../../pki/certificates.js';
import { certificateFingerprint } from '../../../pki/fingerprint.js';
import { x509 } from '../../../pki/x509.js';
import type { TrustedIssuer, TrustMaterial } from '../../../trust/trust-material.js';

export interface Anchor {
  certificate: x509.X509Certificate;
  /** SHA-256 (hex) of the anchor's DER. */
  fingerprint: string;
  /** The federated issuer it came from; absent for caller-supplied anchors. */
  issuer?: TrustedIssuer;
}

export interface AnchorSet {
  source: 'caller' | 'federation';
  anchors: Anchor[];
  /** Sorted fingerprints, part of the path cache key. */
  key: string;
}

export const MAX_CALLER_ANCHORS = 16;

export type AnchorResolution = { ok: true; set: AnchorSet } | { ok: false; detail: string };

function anchorSet(source: AnchorSet['source'], anchors: Anchor[]): AnchorSet {
  return { source, anchors, key: `${source}:${anchors.map((a) => a.fingerprint).sort().join(',')}` };
}

export function resolveAnchors(callerPems: readonly unknown[] | undefined, trust: TrustMaterial): AnchorResolution {
  if (callerPems !== undefined) {
    if (!Array.isArray(callerPems) || callerPems.length === 0) return { ok: false, detail: 'trustAnchors must be a non-empty list of PEM certificates' };
    if (callerPems.length > MAX_CALLER_ANCHORS) return { ok: false, detail: `at most ${MAX_CALLER_ANCHORS} trust anchors` };
    const anchors: Anchor[] = [];
    for (const [i, pem] of callerPems.entries()) {
      const certificate = typeof pem === 'string' ? parseCertificate(pem) : null;
      if (!certificate) return { ok: false, detail: `trust anchor #${i + 1} is not a certificate` };
      anchors.push({ certificate, fingerprint: certificateFingerprint(certificate.rawData) });
    }
    return { ok: true, set: anchorSet('caller', anchors) };
  }
  const anchors: Anchor[] = [];
  for (const issuer of trust.issuersWithRole('seal')) {
    // A withdrawn seal CA vouches for nothing; a retired one still vouches for the seals it issued.
    if (issuer.status === 'revoked' || !issuer.certificate) continue;
    const parsed = parsedAnchor(issuer.certificate);
    if (parsed) anchors.push({ ...parsed, issuer });
  }
  return { ok: true, set: anchorSet('federation', anchors) };
}

// Trust material is rebuilt, not mutated, when trust changes, so its certificate buffers can key a
// parse cache: the verify hot path then does not re-parse the same seal CA certificates.
const parsedAnchors = new WeakMap<Buffer, Omit<Anchor, 'issuer'> | null>();

function parsedAnchor(der: Buffer): Omit<Anchor, 'issuer'> | null {
  let parsed = parsedAnchors.get(der);
  if (parsed === undefined) {
    try {
      parsed = { certificate: new x509.X509Certificate(new Uint8Array(der)), fingerprint: certificateFingerprint(der) };
    } catch {
      parsed = null; // a malformed certificate in the trust material cannot anchor anything
    }
    parsedAnchors.set(der, parsed);
  }
  return parsed;
}
