// ESS signing-certificate-v2 (RFC 5035 §3), the attribute that binds a CMS signature to its signing
// certificate so that a certificate with the same key cannot be substituted (CAdES baseline B,
// ETSI EN 319 122-1 §5.2.2.3).
import { createHash } from 'node:crypto';
import { sequence, octetString, type Bytes } from '../der/writer.js';
import { DerError, decodeOctetString, decodeOid, readElement, sequenceOf } from '../der/reader.js';
import { DIGEST_BY_OID, DIGEST_LENGTH, type DigestName } from './oids.js';

/**
 * SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }
 * ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT id-sha256, certHash OCTET STRING,
 *                            issuerSerial IssuerSerial OPTIONAL }
 * We hash with SHA-256, so DER omits hashAlgorithm (X.690 §11.5: a DEFAULT value is not encoded).
 * issuerSerial is optional (RFC 5035 §4); certHash over the whole certificate already identifies it.
 */
export function encodeSigningCertificateV2(certificateDer: Uint8Array): Bytes {
  const certHash = createHash('sha256').update(certificateDer).digest();
  return sequence(sequence(sequence(octetString(certHash))));
}

export interface EssCertId {
  hashAlgorithm: DigestName;
  certHash: Uint8Array;
  /** The IssuerSerial element as encoded, when present. */
  issuerSerial?: Uint8Array;
}

/** Decodes a SigningCertificateV2 value; the first ESSCertIDv2 names the signing certificate (RFC 5035 §3). */
export function decodeSigningCertificateV2(value: Uint8Array): EssCertId[] {
  const [certs] = sequenceOf(readElement(value), 'SigningCertificateV2');
  const ids = sequenceOf(certs, 'SigningCertificateV2.certs').map((id) => {
    const parts = sequenceOf(id, 'ESSCertIDv2');
    let hashAlgorithm: DigestName = 'sha256';
    let i = 0;
    if (parts[0]?.tag === 0x30) {
      const algorithm = decodeOid(sequenceOf(parts[0], 'hashAlgorithm')[0], 'hashAlgorithm');
      const name = DIGEST_BY_OID[algorithm];
      if (!name) throw new DerError(`ESSCertIDv2 hash algorithm ${algorithm} is not accepted`);
      hashAlgorithm = name;
      i = 1;
    }
    const certHash = decodeOctetString(parts[i], 'certHash');
    if (certHash.length !== DIGEST_LENGTH[hashAlgorithm]) throw new DerError('certHash has the wrong length');
    const result: EssCertId = { hashAlgorithm, certHash };
    if (parts[i + 1]) result.issuerSerial = parts[i + 1]!.raw;
    return result;
  });
  if (ids.length === 0) throw new DerError('SigningCertificateV2 names no certificate');
  return ids;
}

/** Whether an ESSCertIDv2 identifies this certificate (hash always; issuerSerial when present). */
export function essCertIdMatches(id: EssCertId, certificateDer: Uint8Array, issuerSerial: { issuer: Uint8Array; serialElement: Uint8Array }): boolean {
  const hash = createHash(id.hashAlgorithm).update(certificateDer).digest();
  if (!hash.equals(Buffer.from(id.certHash))) return false;
  if (!id.issuerSerial) return true;
  // IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber } where the issuer is a single
  // directoryName [4] holding the issuer Name.
  const [names, serial] = sequenceOf(readElement(id.issuerSerial), 'IssuerSerial');
  const [directoryName] = sequenceOf(names, 'IssuerSerial.issuer');
  if (!directoryName || directoryName.tag !== 0xa4 || !serial) return false;
  return Buffer.from(directoryName.contents).equals(Buffer.from(issuerSerial.issuer)) && Buffer.from(serial.raw).equals(Buffer.from(issuerSerial.serialElement));
}
