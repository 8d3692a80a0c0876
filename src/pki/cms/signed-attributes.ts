// The signed attributes of a CAdES baseline B signature (ETSI EN 319 122-1 §5.2, RFC 5652 §11).
import { encodeSigningCertificateV2 } from './ess.js';
import { oid, octetString, sequence, setOf, time, type Bytes } from '../der/writer.js';
import { DerError, childrenOf, decodeOid, sequenceOf, setOfElements, type Tlv } from '../der/reader.js';
import { OID } from './oids.js';

export interface SignedAttributesInput {
  /** The eContentType being signed; id-data for a document stamp. */
  contentType: string;
  /** The digest of the (detached) content. */
  digest: Uint8Array;
  signingTime: Date;
  /** DER of the signing certificate, for signing-certificate-v2. */
  signingCertificate: Uint8Array;
}

const attribute = (type: string, value: Bytes): Bytes => sequence(oid(type), setOf([value]));

/**
 * The signed attributes, DER-encoded as `SET OF Attribute` (tag 0x31). RFC 5652 §5.4: this exact
 * encoding is what the signature covers; in the SignerInfo the same contents appear under [0] IMPLICIT.
 */
export function encodeSignedAttributes(input: SignedAttributesInput): Bytes {
  return setOf([
    attribute(OID.contentType, oid(input.contentType)),
    attribute(OID.signingTime, time(input.signingTime)),
    attribute(OID.messageDigest, octetString(input.digest)),
    attribute(OID.signingCertificateV2, encodeSigningCertificateV2(input.signingCertificate)),
  ]);
}

/** Each signed attribute type with its values; types appear once (RFC 5652 §5.3, §11). */
export type AttributeMap = ReadonlyMap<string, Tlv[]>;

/** Parses the [0] IMPLICIT signedAttrs of a SignerInfo; duplicate attribute types are a format error. */
export function parseSignedAttributes(tagged: Tlv): AttributeMap {
  const map = new Map<string, Tlv[]>();
  const attributes = childrenOf(tagged);
  if (attributes.length === 0) throw new DerError('signedAttrs is empty (RFC 5652 §5.3: SIZE (1..MAX))');
  for (const attr of attributes) {
    const [type, values, extra] = sequenceOf(attr, 'Attribute');
    if (extra) throw new DerError('Attribute has extra components');
    const name = decodeOid(type, 'attrType');
    if (map.has(name)) throw new DerError(`signed attribute ${name} appears more than once`);
    map.set(name, setOfElements(values, `attrValues of ${name}`));
  }
  return map;
}

/** The single value of an attribute that RFC 5652 §11 defines as single-valued, or undefined if absent. */
export function singleValue(map: AttributeMap, type: string, name: string): Tlv | undefined {
  const values = map.get(type);
  if (!values) return undefined;
  if (values.length !== 1) throw new DerError(`${name} must have exactly one value`);
  return values[0];
}

/** The bytes a signature over these signed attributes covers: the [0] tag replaced by SET OF (RFC 5652 §5.4). */
export function signedAttributesToBeSigned(tagged: Tlv): Uint8Array {
  const bytes = Uint8Array.from(tagged.raw);
  bytes[0] = 0x31;
  return bytes;
}
