// The validator's own view of a certificate, parsed from the DER of an x509.X509Certificate.
import { createHash } from 'node:crypto';
import type { x509 } from '../x509.js';
import {
  DerError,
  TAG,
  type Tlv,
  bitStringBytes,
  childrenOf,
  decodeBoolean,
  decodeOid,
  decodeSmallInt,
  decodeTime,
  expectTag,
  integerBytes,
  readElement,
  sequenceOf,
} from '../der/reader.js';
import { certificateFingerprint } from '../fingerprint.js';
import { type DecodedExtensions, type RawExtension, decodeExtensions } from './extensions.js';
import { type Name, namesEqual, parseName } from './names.js';

export interface AlgorithmIdentifier {
  oid: string;
  /** Parameters TLV, when present (NULL included). */
  params?: Tlv;
  raw: Uint8Array;
}

export interface ParsedCert {
  source?: x509.X509Certificate;
  der: Uint8Array;
  /** SHA-256 of the DER, hex. */
  fingerprint: string;
  tbs: Uint8Array;
  version: number;
  serial: Uint8Array;
  tbsSignatureAlgorithm: AlgorithmIdentifier;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  spkiAlgorithm: AlgorithmIdentifier;
  extensions: RawExtension[];
  ext: DecodedExtensions;
  /** Problems decoding extensions; fatal only when the certificate ends up in a path. */
  extensionErrors: string[];
  /** issuer == subject (RFC 5280 §6.1: "self-issued"). */
  selfIssued: boolean;
  /** Identity of (subject, key) used for loop detection while building. */
  subjectKeyId: string;
}

export function parseAlgorithmIdentifier(t: Tlv | undefined, what: string): AlgorithmIdentifier {
  const [oid, params, extra] = sequenceOf(t, what);
  if (!oid || extra) throw new DerError(`${what}: bad AlgorithmIdentifier`);
  const out: AlgorithmIdentifier = { oid: decodeOid(oid), raw: t!.raw };
  if (params) out.params = params;
  return out;
}

function parseExtensions(t: Tlv): RawExtension[] {
  const [inner, extra] = childrenOf(t);
  if (!inner || extra) throw new DerError('extensions: bad [3] wrapper');
  const list = sequenceOf(inner, 'extensions');
  // §4.1.2.9: Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
  if (list.length === 0) throw new DerError('extensions must not be empty');
  return list.map((e) => {
    const items = sequenceOf(e, 'Extension');
    const oid = decodeOid(expectTag(items[0], TAG.OID, 'extnID'));
    let i = 1;
    let critical = false;
    if (items[i]?.tag === TAG.BOOLEAN) critical = decodeBoolean(items[i++]!);
    const value = expectTag(items[i++], TAG.OCTET_STRING, 'extnValue').contents;
    if (i !== items.length) throw new DerError('Extension: trailing fields');
    return { oid, critical, value };
  });
}

export function parseCertificateDer(der: Uint8Array, source?: x509.X509Certificate): ParsedCert {
  const [tbsT, algT, sigT, extra] = sequenceOf(readElement(der), 'Certificate');
  if (extra) throw new DerError('Certificate: trailing fields');
  const tbs = sequenceOf(tbsT, 'TBSCertificate');
  let i = 0;
  let version = 1;
  if (tbs[i]?.tag === 0xa0) {
    const [v] = childrenOf(tbs[i++]!);
    version = decodeSmallInt(expectTag(v, TAG.INTEGER, 'version')) + 1;
    if (version < 1 || version > 3) throw new DerError(`unknown certificate version ${version}`);
  }
  const serial = integerBytes(expectTag(tbs[i++], TAG.INTEGER, 'serialNumber'));
  const tbsSignatureAlgorithm = parseAlgorithmIdentifier(tbs[i++], 'signature');
  const issuer = parseName(expectTag(tbs[i++], TAG.SEQUENCE, 'issuer'));
  const [nb, na, vextra] = sequenceOf(tbs[i++], 'validity');
  if (!nb || !na || vextra) throw new DerError('bad validity');
  const subject = parseName(expectTag(tbs[i++], TAG.SEQUENCE, 'subject'));
  const spkiT = expectTag(tbs[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const [spkiAlgT, keyT, kextra] = childrenOf(spkiT);
  if (!keyT || kextra) throw new DerError('bad subjectPublicKeyInfo');
  bitStringBytes(keyT);
  const spkiAlgorithm = parseAlgorithmIdentifier(spkiAlgT, 'subjectPublicKeyInfo.algorithm');
  let extensions: RawExtension[] = [];
  if (tbs[i]?.tag === 0x81 || tbs[i]?.tag === 0xa1) i++;
  if (tbs[i]?.tag === 0x82 || tbs[i]?.tag === 0xa2) i++;
  if (tbs[i]?.tag === 0xa3) {
    if (version !== 3) throw new DerError('extensions in a non-v3 certificate');
    extensions = parseExtensions(tbs[i++]!);
  }
  if (i !== tbs.length) throw new DerError('TBSCertificate: unexpected fields');
  const signatureAlgorithm = parseAlgorithmIdentifier(algT, 'signatureAlgorithm');
  const sig = bitStringBytes(expectTag(sigT, TAG.BIT_STRING, 'signatureValue'));
  if (sig.unused !== 0) throw new DerError('signature is not a whole number of octets');
  const { decoded, errors } = decodeExtensions(extensions);
  const spki = spkiT.raw;
  const fingerprint = certificateFingerprint(der);
  const cert: ParsedCert = {
    der,
    fingerprint,
    tbs: tbsT!.raw,
    version,
    serial,
    tbsSignatureAlgorithm,
    signatureAlgorithm,
    signature: sig.bytes,
    issuer,
    subject,
    notBefore: decodeTime(nb),
    notAfter: decodeTime(na),
    spki,
    spkiAlgorithm,
    extensions,
    ext: decoded,
    extensionErrors: errors,
    selfIssued: namesEqual(issuer, subject),
    subjectKeyId: subject.key + '|' + createHash('sha256').update(spki).digest('hex'),
  };
  if (source) cert.source = source;
  return cert;
}

export type ParseOutcome = { ok: true; cert: ParsedCert } | { ok: false; error: string };

/** Never throws: an unparseable certificate is reported, not raised. */
export function parseCertificate(c: x509.X509Certificate): ParseOutcome {
  try {
    const der = new Uint8Array(c.rawData);
    return { ok: true, cert: parseCertificateDer(der, c) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

