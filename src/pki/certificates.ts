import { randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import type { Signer } from '../crypto/signer.js';
import { x509 } from './x509.js';

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface CertificateProfile {
  /**
   * Distinguished name: an RFC 4514 string (e.g. `CN=Guangdong Trust Anchor, O=Tongban, C=CN`) for
   * fixed names, or an `x509.Name` / JsonName for names built from user input, which is encoded as
   * is, without a string round trip (attribute values starting with `#` or holding `\` survive).
   */
  subject: string | x509.Name | x509.JsonName;
  notBefore: Date;
  notAfter: Date;
  /** For a CA: the pathLenConstraint (RFC 5280 §4.2.1.9), or null for none. Absent → end entity. */
  ca?: { pathLength: number | null };
  /** Key usages for an end entity (a CA always gets keyCertSign + cRLSign). */
  keyUsages?: x509.KeyUsageFlags;
  extendedKeyUsages?: string[];
  crlDistributionPoint?: string;
  extraExtensions?: x509.Extension[];
}

async function toWebCryptoPublicKey(key: KeyObject): Promise<webcrypto.CryptoKey> {
  const curve = key.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'P-384' : 'P-256';
  return webcrypto.subtle.importKey('spki', key.export({ format: 'der', type: 'spki' }), { name: 'ECDSA', namedCurve: curve }, true, ['verify']);
}

function serialNumber(): string {
  // RFC 5280 §4.1.2.2: positive, at most 20 octets; CA/B BR ask for ≥ 64 bits of randomness.
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

/**
 * Issues an X.509 v3 certificate for `subjectKey`, signed by `issuer` (whose own certificate is the
 * first of its chain), or self-signed when `issuer` is the subject's own signer and has no chain yet.
 */
export async function issueCertificate(
  profile: CertificateProfile,
  subjectKey: KeyObject,
  issuer: Signer,
): Promise<x509.X509Certificate> {
  const publicKey = await toWebCryptoPublicKey(subjectKey);
  const issuerCert = issuer.certificateChain[0] ? new x509.X509Certificate(new Uint8Array(issuer.certificateChain[0])) : undefined;
  const extensions: x509.Extension[] = [];
  if (profile.ca) {
    extensions.push(new x509.BasicConstraintsExtension(true, profile.ca.pathLength ?? undefined, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
    extensions.push(new x509.KeyUsagesExtension(profile.keyUsages ?? x509.KeyUsageFlags.digitalSignature, true));
  }
  if (profile.extendedKeyUsages?.length) extensions.push(new x509.ExtendedKeyUsageExtension(profile.extendedKeyUsages, false));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(publicKey));
  // RFC 5280 §4.2.1.1: AKI is required in every certificate except a self-signed root.
  if (issuerCert) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuerCert, false));
  if (profile.crlDistributionPoint) extensions.push(new x509.CRLDistributionPointsExtension([profile.crlDistributionPoint]));
  extensions.push(...(profile.extraExtensions ?? []));

  return x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: profile.subject,
    issuer: issuerCert ? issuerCert.subject : profile.subject,
    notBefore: profile.notBefore,
    notAfter: profile.notAfter,
    signingAlgorithm: issuer.alg === 'ES384' ? { name: 'ECDSA', hash: 'SHA-384' } : ECDSA_P256,
    publicKey,
    signingKey: await issuer.cryptoKey(),
    extensions,
  });
}

export function certificateToPem(cert: x509.X509Certificate): string {
  return `${cert.toString('pem')}\n`;
}

/** Parses one PEM or base64 DER certificate; null when it is not one. */
export function parseCertificate(text: string): x509.X509Certificate | null {
  try {
    const body = text.includes('-----BEGIN') ? text : text.replace(/\s+/g, '');
    return new x509.X509Certificate(body);
  } catch {
    return null;
  }
}
