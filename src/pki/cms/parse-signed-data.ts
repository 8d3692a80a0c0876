// Parses a CMS ContentInfo holding a SignedData (RFC 5652 §3, §5) into the parts a verifier needs,
// keeping the encoded bytes of everything that is hashed or signed.
import { DerError, childrenOf, decodeInteger, decodeOctetString, decodeOid, expectTag, readElement, sequenceOf, setOfElements, type Tlv } from '../der/reader.js';
import { OID } from './oids.js';

export type SignerIdentifier = { kind: 'issuerAndSerialNumber'; issuer: Uint8Array; serialElement: Uint8Array } | { kind: 'subjectKeyIdentifier'; keyIdentifier: Uint8Array };

export interface ParsedSignerInfo {
  version: bigint;
  sid: SignerIdentifier;
  digestAlgorithm: string;
  /** The [0] IMPLICIT signedAttrs element as received, when present. */
  signedAttributes?: Tlv;
  signatureAlgorithm: string;
  /** The signatureAlgorithm parameters as encoded, when present. */
  signatureAlgorithmParameters?: Uint8Array;
  signature: Uint8Array;
  hasUnsignedAttributes: boolean;
}

export interface ParsedSignedData {
  version: bigint;
  digestAlgorithms: string[];
  eContentType: string;
  /** The encapsulated content; undefined for a detached signature. */
  eContent?: Uint8Array;
  /** DER of every X.509 certificate in `certificates` (other certificate choices are ignored). */
  certificates: Uint8Array[];
  signerInfos: ParsedSignerInfo[];
}

/** Upper bound on the certificates we look at in one stamp: a chain is a handful, not thousands. */
const MAX_CERTIFICATES = 16;

function algorithmOid(element: Tlv | undefined, what: string): { oid: string; parameters?: Uint8Array } {
  const [algorithm, parameters] = sequenceOf(element, what);
  const out: { oid: string; parameters?: Uint8Array } = { oid: decodeOid(algorithm, what) };
  if (parameters) out.parameters = parameters.raw;
  return out;
}

function parseSignerInfo(element: Tlv): ParsedSignerInfo {
  const parts = sequenceOf(element, 'SignerInfo');
  const version = decodeInteger(parts[0], 'SignerInfo.version');
  const sidElement = parts[1];
  let sid: SignerIdentifier;
  if (sidElement?.tag === 0x30) {
    const [issuer, serial] = sequenceOf(sidElement, 'IssuerAndSerialNumber');
    sid = { kind: 'issuerAndSerialNumber', issuer: expectTag(issuer, 0x30, 'issuer').raw, serialElement: expectTag(serial, 0x02, 'serialNumber').raw };
  } else if (sidElement?.tag === 0x80) {
    sid = { kind: 'subjectKeyIdentifier', keyIdentifier: sidElement.contents };
  } else {
    throw new DerError('SignerInfo.sid is neither issuerAndSerialNumber nor subjectKeyIdentifier');
  }
  let i = 2;
  const digestAlgorithm = algorithmOid(parts[i++], 'SignerInfo.digestAlgorithm').oid;
  let signedAttributes: Tlv | undefined;
  if (parts[i]?.tag === 0xa0) signedAttributes = parts[i++];
  const signatureAlgorithm = algorithmOid(parts[i++], 'SignerInfo.signatureAlgorithm');
  const signature = decodeOctetString(parts[i++], 'SignerInfo.signature');
  let hasUnsignedAttributes = false;
  if (parts[i]?.tag === 0xa1) {
    hasUnsignedAttributes = true;
    i++;
  }
  if (parts[i]) throw new DerError('SignerInfo has unexpected trailing components');
  const info: ParsedSignerInfo = { version, sid, digestAlgorithm, signatureAlgorithm: signatureAlgorithm.oid, signature, hasUnsignedAttributes };
  if (signedAttributes) info.signedAttributes = signedAttributes;
  if (signatureAlgorithm.parameters) info.signatureAlgorithmParameters = signatureAlgorithm.parameters;
  return info;
}

/** Parses DER bytes as ContentInfo { id-signedData, SignedData }. Throws DerError on anything else. */
export function parseSignedData(der: Uint8Array): ParsedSignedData {
  const [contentType, content, extra] = sequenceOf(readElement(der), 'ContentInfo');
  if (extra) throw new DerError('ContentInfo has extra components');
  if (decodeOid(contentType, 'ContentInfo.contentType') !== OID.signedData) throw new DerError('the ContentInfo is not a SignedData');
  const [signedDataElement] = childrenOf(expectTag(content, 0xa0, 'ContentInfo.content'));
  const parts = sequenceOf(signedDataElement, 'SignedData');
  const version = decodeInteger(parts[0], 'SignedData.version');
  const digestAlgorithms = setOfElements(parts[1], 'SignedData.digestAlgorithms').map((a) => algorithmOid(a, 'digestAlgorithm').oid);
  const [eContentType, eContentTagged] = sequenceOf(parts[2], 'EncapsulatedContentInfo');
  const result: ParsedSignedData = {
    version,
    digestAlgorithms,
    eContentType: decodeOid(eContentType, 'eContentType'),
    certificates: [],
    signerInfos: [],
  };
  if (eContentTagged) {
    const [octets] = childrenOf(expectTag(eContentTagged, 0xa0, 'eContent'));
    result.eContent = decodeOctetString(octets, 'eContent');
  }
  let i = 3;
  if (parts[i]?.tag === 0xa0) {
    const choices = childrenOf(parts[i++]!);
    if (choices.length > MAX_CERTIFICATES) throw new DerError(`more than ${MAX_CERTIFICATES} certificates`);
    // CertificateChoices (§10.2.2): only plain X.509 certificates are used; the rest are ignored.
    result.certificates = choices.filter((c) => c.tag === 0x30).map((c) => c.raw);
  }
  if (parts[i]?.tag === 0xa1) i++; // RevocationInfoChoices: not used (we hold the CRLs we trust)
  result.signerInfos = setOfElements(parts[i++], 'SignedData.signerInfos').map(parseSignerInfo);
  if (parts[i]) throw new DerError('SignedData has unexpected trailing components');
  return result;
}
