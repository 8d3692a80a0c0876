// The seal property extension of a seal certificate: the seal's identity and validity, after the
// SES_ESPropertyInfo of GB/T 38540-2020 (§7.3, 印章属性信息), plus the digest of the seal image.
//
// OID: 1.3.6.1.4.1.32473.1.1 — PLACEHOLDER. 32473 is the private enterprise number IANA reserves
// for documentation (RFC 5612), so it can never clash with a real assignment; an operator replaces
// it with an arc under its own PEN before production and keeps the old OID in SEAL_PROPERTIES_OIDS so
// seals already issued still read. (A 2.25.<UUID> arc would need no registration either, but its
// 128-bit arc trips several X.509 libraries.)
//
// TongbanSealProperties ::= SEQUENCE {
//   esID        IA5String,          -- seal identifier (Tongban seal id, a UUID)
//   type        INTEGER,            -- GB/T 38540 seal type: 1 organisation, 2 personal
//   name        UTF8String,         -- seal name
//   createDate  GeneralizedTime,
//   validStart  GeneralizedTime,
//   validEnd    GeneralizedTime,
//   kind        UTF8String,         -- official | contract | finance | invoice | legal-representative
//   region      PrintableString,    -- ISO 3166-2 code of the region whose seal CA issued it
//   picture     [0] SealPictureDigest OPTIONAL }
// SealPictureDigest ::= SEQUENCE {
//   type          IA5String,        -- "png" | "svg" (GB/T 38540 SES_ESPictrueInfo.type)
//   hashAlgorithm AlgorithmIdentifier,   -- id-sha256
//   hash          OCTET STRING }
import { algorithmIdentifier, concat, generalizedTime, ia5String, implicitConstructed, integer, octetString, printableString, sequence, utf8String, type Bytes } from '../../pki/der/writer.js';
import { DerError as CmsFormatError, childrenOf, decodeInteger, decodeOctetString, decodeOid, decodeString, decodeTime, readElement, sequenceOf } from '../../pki/der/reader.js';
import { OID } from '../../pki/cms/oids.js';
import { isSealType, type ImageType, type SealType } from './seal-types.js';

export const SEAL_PROPERTIES_OID = '1.3.6.1.4.1.32473.1.1';
export const SEAL_PROPERTIES_OIDS: readonly string[] = [SEAL_PROPERTIES_OID];

export interface SealProperties {
  id: string;
  category: 1 | 2;
  name: string;
  createdAt: Date;
  validFrom: Date;
  validTo: Date;
  type: SealType;
  region: string;
  picture?: { type: ImageType; sha256: Uint8Array };
}

export function encodeSealProperties(p: SealProperties): Bytes {
  const fields = [
    ia5String(p.id),
    integer(p.category),
    utf8String(p.name),
    generalizedTime(p.createdAt),
    generalizedTime(p.validFrom),
    generalizedTime(p.validTo),
    utf8String(p.type),
    printableString(p.region),
  ];
  if (p.picture) {
    fields.push(implicitConstructed(0, concat([ia5String(p.picture.type), algorithmIdentifier(OID.sha256), octetString(p.picture.sha256)])));
  }
  return sequence(...fields);
}

/** Decodes the extension value; throws CmsFormatError when it is not a TongbanSealProperties. */
export function decodeSealProperties(value: Uint8Array): SealProperties {
  const f = sequenceOf(readElement(value), 'TongbanSealProperties');
  const category = decodeInteger(f[1], 'type');
  const type = decodeString(f[6], 'kind');
  if (category !== 1n && category !== 2n) throw new CmsFormatError('seal type must be 1 or 2');
  if (!isSealType(type)) throw new CmsFormatError(`unknown seal kind ${type}`);
  const p: SealProperties = {
    id: decodeString(f[0], 'esID'),
    category: Number(category) as 1 | 2,
    name: decodeString(f[2], 'name'),
    createdAt: decodeTime(f[3], 'createDate'),
    validFrom: decodeTime(f[4], 'validStart'),
    validTo: decodeTime(f[5], 'validEnd'),
    type,
    region: decodeString(f[7], 'region'),
  };
  if (f[8]) {
    if (f[8].tag !== 0xa0) throw new CmsFormatError('unexpected component in TongbanSealProperties');
    const [pictureType, algorithm, hash] = childrenOf(f[8]);
    const kind = decodeString(pictureType, 'picture type');
    if (kind !== 'png' && kind !== 'svg') throw new CmsFormatError('picture type must be png or svg');
    if (decodeOid(sequenceOf(algorithm, 'hashAlgorithm')[0], 'hashAlgorithm') !== OID.sha256) throw new CmsFormatError('picture hash must be SHA-256');
    p.picture = { type: kind, sha256: decodeOctetString(hash, 'picture hash') };
  }
  if (f.length > 9) throw new CmsFormatError('TongbanSealProperties has extra components');
  return p;
}
