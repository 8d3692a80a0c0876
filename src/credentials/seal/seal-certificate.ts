// The seal certificate profile: region anchor → seal CA → one certificate per seal.
import type { KeyObject } from 'node:crypto';
import type { Signer } from '../../crypto/signer.js';
import { issueCertificate } from '../../pki/certificates.js';
import { x509 } from '../../pki/x509.js';
import { encodeSealProperties, SEAL_PROPERTIES_OID, type SealProperties } from './seal-properties.js';

export interface SealCertificateRequest {
  properties: SealProperties;
  agency: string;
  publicKey: KeyObject;
  sealCa: Signer;
  /** Where the seal CA's CRL is published: `<publicUrl>/v1/seals/crl` (RFC 5280 §4.2.1.13). */
  crlUrl: string;
}

/** The subject names the holder: O = agency, CN = seal name, C = CN (RFC 5280 §4.1.2.6). */
export function sealSubject(agency: string, name: string): x509.Name {
  // Built from typed attribute values, never from RFC 4514 text: x509.Name reads a plain string
  // value starting with `#` as hex BER and unescapes `\` and quotes, so `#zz` failed (500) and
  // `a\` lost its backslash. The string types are those x509.Name picks for plain text.
  const literal = (value: string) => [x509.Name.isPrintableString(value) ? { printableString: value } : { utf8String: value }];
  return new x509.Name([{ C: literal('CN') }, { O: literal(agency) }, { CN: literal(name) }]);
}

export async function issueSealCertificate(request: SealCertificateRequest): Promise<x509.X509Certificate> {
  return issueCertificate(
    {
      subject: sealSubject(request.agency, request.properties.name),
      notBefore: request.properties.validFrom,
      notAfter: request.properties.validTo,
      // A seal signs documents, and the agency cannot later deny it: digitalSignature +
      // nonRepudiation (contentCommitment, RFC 5280 §4.2.1.3), marked critical by issueCertificate.
      keyUsages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
      crlDistributionPoint: request.crlUrl,
      // Non-critical: a verifier that does not know the seal properties still validates the path.
      extraExtensions: [new x509.Extension(SEAL_PROPERTIES_OID, false, encodeSealProperties(request.properties))],
    },
    request.publicKey,
    request.sealCa,
  );
}
