import { validatePath } from '../../pki/path/validate.js';
import { TRUST_LIST_SIGNING_EKU } from '../../pki/tongban-oids.js';
import { x509 } from '../../pki/x509.js';

/** Longest x5c we accept: signer → issuing CA → (cross-certified new anchor) → anchor. */
export const MAX_CHAIN_LENGTH = 4;

export type ChainVerdict =
  | { ok: true; leaf: x509.X509Certificate }
  | { ok: false; code: 'TRUST_LIST_BAD_CHAIN' | 'TRUST_LIST_WRONG_ANCHOR'; message: string };

function sameDer(a: x509.X509Certificate, b: x509.X509Certificate): boolean {
  return Buffer.from(a.rawData).equals(Buffer.from(b.rawData));
}

function withinValidity(cert: x509.X509Certificate, at: Date): boolean {
  return cert.notBefore.getTime() <= at.getTime() && at.getTime() <= cert.notAfter.getTime();
}

function isCa(cert: x509.X509Certificate): boolean {
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  // RFC 5280 §4.2.1.9 / §4.2.1.3: a certificate signs certificates only when cA is set and,
  // when key usage is present, keyCertSign is asserted.
  return !!bc?.ca && (!ku || (ku.usages & x509.KeyUsageFlags.keyCertSign) !== 0);
}

/**
 * Verifies the short, fixed-profile chain of a trust-list signer up to a pinned anchor: each
 * certificate is signed by the next, every one is within its validity at `at`, every issuing
 * certificate is a CA (basicConstraints, keyCertSign) within its path length, and the last one is
 * signed by the pinned anchor. The anchor may or may not be included at the end of x5c (RFC 7515
 * §4.1.6 allows either); it is never taken from x5c, only from the pin.
 * An anchor rollover is a cross-certificate: the old anchor certifies the new one, which then
 * appears in x5c as an intermediate (docs/federation.md §"Rotation").
 */
export async function verifyChainToAnchor(derChain: readonly Buffer[], anchor: x509.X509Certificate, at: Date): Promise<ChainVerdict> {
  if (derChain.length === 0 || derChain.length > MAX_CHAIN_LENGTH) return { ok: false, code: 'TRUST_LIST_BAD_CHAIN', message: `x5c must hold 1..${MAX_CHAIN_LENGTH} certificates` };
  let certs: x509.X509Certificate[];
  try {
    certs = derChain.map((der) => new x509.X509Certificate(new Uint8Array(der)));
  } catch {
    return { ok: false, code: 'TRUST_LIST_BAD_CHAIN', message: 'x5c holds something that is not a DER certificate' };
  }
  if (sameDer(certs[certs.length - 1]!, anchor)) certs = certs.slice(0, -1);
  if (certs.length === 0) return { ok: false, code: 'TRUST_LIST_BAD_CHAIN', message: 'the list is signed by the anchor itself; a list signer certificate is required' };
  if (!withinValidity(anchor, at)) return { ok: false, code: 'TRUST_LIST_WRONG_ANCHOR', message: 'the pinned anchor is outside its validity period' };

  const leaf = certs[0]!;
  if (isCa(leaf)) return { ok: false, code: 'TRUST_LIST_BAD_CHAIN', message: 'the list signer certificate is a CA certificate' };
  const usage = leaf.getExtension(x509.KeyUsagesExtension);
  if (usage && (usage.usages & x509.KeyUsageFlags.digitalSignature) === 0) {
    return { ok: false, code: 'TRUST_LIST_BAD_CHAIN', message: 'the list signer certificate lacks digitalSignature key usage (RFC 5280 §4.2.1.3)' };
  }
  // Only a key certified for list signing may sign a list (not, say, a health-code issuer's key).
  const eku = leaf.getExtension(x509.ExtendedKeyUsageExtension);
  if (!eku?.usages.map(String).includes(TRUST_LIST_SIGNING_EKU)) {
    return { ok: false, code: 'TRUST_LIST_BAD_CHAIN', message: 'the signer certificate is not certified for trust-list signing (extended key usage)' };
  }
  // The rest is RFC 5280 §6 path validation against the pinned anchor alone.
  const result = await validatePath({ leaf, intermediates: certs.slice(1), trustAnchors: [anchor], at, purpose: 'any', requiredEku: [TRUST_LIST_SIGNING_EKU] });
  if (result.valid) return { ok: true, leaf };
  if (result.subIndication === 'NO_CERTIFICATE_CHAIN_FOUND') return { ok: false, code: 'TRUST_LIST_WRONG_ANCHOR', message: `the chain does not lead to the pinned anchor: ${result.detail}` };
  return { ok: false, code: 'TRUST_LIST_BAD_CHAIN', message: result.detail };
}
