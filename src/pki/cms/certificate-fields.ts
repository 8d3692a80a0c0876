// The few fields of an X.509 certificate the CMS layer needs, taken as the exact encoded bytes:
// RFC 5652 §5.3 identifies the signer by issuer + serial number or by subjectKeyIdentifier, and the
// ESS certHash (RFC 5035 §4) is over the whole DER certificate.
import { DerError, childrenOf, decodeOctetString, decodeOid, expectTag, readElement, sequenceOf, type Tlv } from '../der/reader.js';

export interface CertificateFields {
  der: Uint8Array;
  /** Issuer Name, as encoded. */
  issuer: Uint8Array;
  /** The serialNumber INTEGER element, as encoded (tag and length included). */
  serialElement: Uint8Array;
  serial: bigint;
  subject: Uint8Array;
  /** SubjectPublicKeyInfo, as encoded. */
  spki: Uint8Array;
  subjectKeyIdentifier?: Uint8Array;
}

const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';

export function certificateFields(der: Uint8Array): CertificateFields {
  const [tbs] = sequenceOf(readElement(der), 'Certificate');
  const fields = sequenceOf(tbs, 'TBSCertificate');
  // version [0] EXPLICIT is present in every v3 certificate and absent in v1 (RFC 5280 §4.1).
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serialElement = expectTag(fields[offset], 0x02, 'serialNumber');
  const issuer = expectTag(fields[offset + 2], 0x30, 'issuer');
  const subject = expectTag(fields[offset + 4], 0x30, 'subject');
  const spki = expectTag(fields[offset + 5], 0x30, 'subjectPublicKeyInfo');
  let serial = 0n;
  for (const b of serialElement.contents) serial = (serial << 8n) | BigInt(b);
  const result: CertificateFields = { der, issuer: issuer.raw, serialElement: serialElement.raw, serial, subject: subject.raw, spki: spki.raw };
  const extensions = fields.slice(offset + 6).find((e) => e.tag === 0xa3);
  const ski = extensions ? findExtension(extensions, OID_SUBJECT_KEY_IDENTIFIER) : undefined;
  if (ski) result.subjectKeyIdentifier = decodeOctetString(readElement(ski), 'subjectKeyIdentifier');
  return result;
}

/** The extnValue contents of one extension in a certificate's [3] Extensions, or undefined. */
export function findExtension(extensionsTagged: Tlv, wanted: string): Uint8Array | undefined {
  const [list] = childrenOf(extensionsTagged);
  for (const extension of sequenceOf(list, 'Extensions')) {
    const parts = sequenceOf(extension, 'Extension');
    if (decodeOid(parts[0], 'extnID') !== wanted) continue;
    const value = parts[parts.length - 1];
    return decodeOctetString(value, 'extnValue');
  }
  return undefined;
}

/** Same as certificateFields, but a malformed certificate yields undefined instead of an error. */
export function tryCertificateFields(der: Uint8Array): CertificateFields | undefined {
  try {
    return certificateFields(der);
  } catch (error) {
    if (error instanceof DerError) return undefined;
    throw error;
  }
}
