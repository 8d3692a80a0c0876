// Distinguished names and GeneralNames (RFC 5280 §4.1.2.4, §4.2.1.6) with the comparison rules of
// RFC 5280 §7.1: attribute values of string types compare case-insensitively after whitespace
// normalisation (a simplification of LDAP StringPrep), other values compare as encoded.
import { DerError, TAG, type Tlv, childrenOf, decodeOid, readElement, toHex } from '../der/reader.js';

export interface Attribute {
  type: string;
  tag: number;
  value: Uint8Array;
  /** Decoded text for string types. */
  text?: string;
}

export interface Name {
  raw: Uint8Array;
  rdns: Attribute[][];
  /** Canonical form used for equality; equal keys ⇔ names match under §7.1. */
  key: string;
  rdnKeys: string[];
}

export const OID_EMAIL_ADDRESS = '1.2.840.113549.1.9.1';

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeString(tag: number, b: Uint8Array): string | undefined {
  switch (tag) {
    case TAG.UTF8String:
      return utf8.decode(b);
    case TAG.PrintableString:
    case TAG.IA5String:
    case TAG.TeletexString:
      return latin1.decode(b);
    case TAG.BMPString: {
      if (b.length % 2) throw new DerError('bad BMPString');
      let s = '';
      for (let i = 0; i < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
      return s;
    }
    case TAG.UniversalString: {
      if (b.length % 4) throw new DerError('bad UniversalString');
      let s = '';
      for (let i = 0; i < b.length; i += 4)
        s += String.fromCodePoint(((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0);
      return s;
    }
    default:
      return undefined;
  }
}

function attrKey(a: Attribute): string {
  const v = a.text !== undefined ? 's:' + a.text.trim().replace(/\s+/g, ' ').toLowerCase() : 'b:' + toHex(a.value);
  return `${a.type}=${JSON.stringify(v)}`;
}

export function parseName(t: Tlv): Name {
  if (t.tag !== TAG.SEQUENCE) throw new DerError('Name: expected SEQUENCE');
  const rdns: Attribute[][] = [];
  for (const rdn of childrenOf(t)) {
    if (rdn.tag !== TAG.SET) throw new DerError('RDN: expected SET');
    const attrs: Attribute[] = [];
    const items = childrenOf(rdn);
    if (items.length === 0) throw new DerError('empty RDN');
    for (const atv of items) {
      const [type, value, extra] = childrenOf(atv);
      if (!type || !value || extra || atv.tag !== TAG.SEQUENCE) throw new DerError('bad AttributeTypeAndValue');
      const a: Attribute = { type: decodeOid(type), tag: value.tag, value: value.contents };
      const text = decodeString(value.tag, value.contents);
      if (text !== undefined) a.text = text;
      attrs.push(a);
    }
    rdns.push(attrs);
  }
  const rdnKeys = rdns.map((r) => r.map(attrKey).sort().join('+'));
  return { raw: t.raw, rdns, key: rdnKeys.join(','), rdnKeys };
}

export function namesEqual(a: Name, b: Name): boolean {
  return a.key === b.key;
}

export function isEmptyName(n: Name): boolean {
  return n.rdns.length === 0;
}

/** RFC 5280 §4.2.1.10: a directoryName constraint matches names it is a prefix of (RDN-wise). */
export function dnWithinSubtree(name: Name, base: Name): boolean {
  if (base.rdnKeys.length > name.rdnKeys.length) return false;
  return base.rdnKeys.every((k, i) => name.rdnKeys[i] === k);
}

export function nameToString(n: Name): string {
  if (n.rdns.length === 0) return '(empty)';
  const short: Record<string, string> = {
    '2.5.4.3': 'CN',
    '2.5.4.6': 'C',
    '2.5.4.7': 'L',
    '2.5.4.8': 'ST',
    '2.5.4.10': 'O',
    '2.5.4.11': 'OU',
    '2.5.4.5': 'serialNumber',
    [OID_EMAIL_ADDRESS]: 'E',
  };
  return n.rdns
    .map((r) => r.map((a) => `${short[a.type] ?? a.type}=${a.text ?? '#' + toHex(a.value)}`).join('+'))
    .join(', ');
}

export type GeneralNameKind =
  | 'otherName'
  | 'rfc822Name'
  | 'dNSName'
  | 'x400Address'
  | 'directoryName'
  | 'ediPartyName'
  | 'uniformResourceIdentifier'
  | 'iPAddress'
  | 'registeredID';

const KINDS: GeneralNameKind[] = [
  'otherName',
  'rfc822Name',
  'dNSName',
  'x400Address',
  'directoryName',
  'ediPartyName',
  'uniformResourceIdentifier',
  'iPAddress',
  'registeredID',
];

export interface GeneralName {
  kind: GeneralNameKind;
  /** IA5String forms (rfc822Name, dNSName, URI). */
  text?: string;
  /** iPAddress octets (and the raw contents for every form). */
  bytes: Uint8Array;
  name?: Name;
}

export function parseGeneralName(t: Tlv): GeneralName {
  const cls = t.tag & 0xc0;
  const num = t.tag & 0x1f;
  if (cls !== 0x80 || num > 8) throw new DerError('bad GeneralName tag');
  const kind = KINDS[num]!;
  const gn: GeneralName = { kind, bytes: t.contents };
  switch (kind) {
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier': {
      if (t.constructed) throw new DerError(`${kind} must be primitive`);
      for (const c of t.contents) if (c > 0x7f) throw new DerError(`${kind} is not an IA5String`);
      gn.text = latin1.decode(t.contents);
      break;
    }
    case 'iPAddress':
    case 'registeredID':
      if (t.constructed) throw new DerError(`${kind} must be primitive`);
      break;
    case 'directoryName': {
      const inner = childrenOf(t);
      if (inner.length !== 1) throw new DerError('directoryName must hold one Name');
      gn.name = parseName(inner[0]!);
      break;
    }
    default:
      if (!t.constructed) throw new DerError(`${kind} must be constructed`);
  }
  return gn;
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName */
export function parseGeneralNames(der: Uint8Array): GeneralName[] {
  const t = readElement(der);
  if (t.tag !== TAG.SEQUENCE) throw new DerError('GeneralNames: expected SEQUENCE');
  const items = childrenOf(t);
  if (items.length === 0) throw new DerError('GeneralNames must not be empty');
  return items.map(parseGeneralName);
}
