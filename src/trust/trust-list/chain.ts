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
  const leafUsage = leaf.getExtension(x509.KeyUsagesExtension);
  if (leafUsage && (leafUsage.usages & x509.KeyUsageFlags.digitalSignature) === 0) {
    return { ok: false, code: 'TRUST_LIST_BAD_CHAIN', message: 'the list signer certificate lacks digitalSignature key usage' };
  }
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i]!;
    if (!withinValidity(cert, at)) return { ok: false, code: 'TRUST_LIST_BAD_CHAIN', message: `certificate ${i} of x5c is outside its validity period` };
    const issuer = certs[i + 1];
    if (issuer) {
      if (!isCa(issuer)) return { ok: false, code: 'TRUST_LIST_BAD_CHAIN', message: `certificate ${i + 1} of x5c is not a CA` };
      // pathLenConstraint counts the CA certificates below this one, excluding the leaf (RFC 5280 §4.2.1.9).
      const pathLength = issuer.getExtension(x509.BasicConstraintsExtension)?.pathLength;
      if (pathLength !== undefined && i > pathLength) return { ok: false, code: 'TRUST_LIST_BAD_CHAIN', message: `certificate ${i + 1} of x5c exceeds its path length` };
      if (cert.issuer !== issuer.subject || !(await verifiesUnder(cert, issuer))) {
        return { ok: false, code: 'TRUST_LIST_BAD_CHAIN', message: `certificate ${i} of x5c is not signed by certificate ${i + 1}` };
      }
    } else if (cert.issuer !== anchor.subject || !(await verifiesUnder(cert, anchor))) {
      return { ok: false, code: 'TRUST_LIST_WRONG_ANCHOR', message: 'the chain does not lead to the pinned anchor' };
    }
  }
  const anchorPathLength = anchor.getExtension(x509.BasicConstraintsExtension)?.pathLength;
  if (anchorPathLength !== undefined && certs.length - 1 > anchorPathLength) return { ok: false, code: 'TRUST_LIST_BAD_CHAIN', message: 'the chain exceeds the anchor path length' };
  return { ok: true, leaf };
}

async function verifiesUnder(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  try {
    return await cert.verify({ publicKey: issuer, signatureOnly: true });
  } catch {
    return false;
  }
}
