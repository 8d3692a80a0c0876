import { TongbanError } from '../errors.js';
import { parseCertificate } from '../pki/certificates.js';
import { validatePath } from '../pki/path/validate.js';
import { x509 } from '../pki/x509.js';
import { IssuerIndex, type TrustMaterial, type TrustedIssuer } from '../trust/trust-material.js';

/** Parses caller-supplied anchors; an unparseable one is the caller's mistake (400), not a verdict. */
export function parseCallerAnchors(pems: readonly string[]): x509.X509Certificate[] {
  return pems.map((pem, i) => {
    const cert = parseCertificate(pem);
    if (!cert) throw new TongbanError('INVALID_TRUST_ANCHOR', `trustAnchors[${i}] is not a PEM or base64 DER certificate`, 400);
    return cert;
  });
}

/**
 * Trust material restricted to the caller's anchors ("judge against those anchors alone"): of the
 * issuer keys this node knows under `kid`, only those whose certificate path validates (RFC 5280 §6)
 * to one of the caller's anchors at `at` remain. The node's own trust lists are not otherwise consulted.
 */
export async function callerAnchoredTrust(anchorPems: string[], kid: string | undefined, known: TrustMaterial, at: Date): Promise<TrustMaterial> {
  const anchors = parseCallerAnchors(anchorPems);
  const accepted: TrustedIssuer[] = [];
  for (const issuer of kid ? known.issuersByKid(kid) : []) {
    if (!issuer.certificate) continue;
    const leaf = new x509.X509Certificate(new Uint8Array(issuer.certificate));
    // The path vouches for the certificate's key: it must be the very key the signature is checked with.
    const certifiedKey = Buffer.from(leaf.publicKey.rawData);
    if (!certifiedKey.equals(issuer.publicKey.export({ format: 'der', type: 'spki' }))) continue;
    const result = await validatePath({
      leaf,
      intermediates: (issuer.certificateChain ?? []).map((der) => new x509.X509Certificate(new Uint8Array(der))),
      trustAnchors: anchors,
      at,
      purpose: 'any',
    });
    // The caller's anchors replace the node's choice of issuers, not its knowledge of their status:
    // a revoked or stale-listed key stays so.
    if (result.valid) accepted.push(issuer);
  }
  return new IssuerIndex(accepted);
}
