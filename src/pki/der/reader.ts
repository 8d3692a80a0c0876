// The one strict DER reader (ITU-T X.690 §10, §11). Both the RFC 5280 path validator and the CMS
// layer parse with it:
// - the path validator parses certificates and CRLs itself so that it sees the exact encoded bytes
//   (RFC 5280 compares names and algorithm identifiers as encoded, and several §4 profile rules
//   are about encodings the higher-level libraries silently normalise);
// - CMS stamps are DER (RFC 5652 §5.3 requires DER for signed attributes, and CAdES/OpenSSL emit
//   definite lengths), so BER streaming (indefinite lengths) is refused.
// Every accessor checks the tag it expects and throws DerError otherwise, so a parser built on it
// fails closed. Rules enforced on every TLV:
// - definite lengths only (X.690 §10.1), in the minimum number of octets (X.690 §10.1, §8.1.3.5);
// - lengths bounded to 4 octets and checked against the buffer (no read past the end);
// - low tag numbers only (high-tag-number form is never needed in certificates, CRLs or CMS);
// - a top-level value must span its whole buffer (no trailing bytes).

/**
 * The input is not the DER structure the caller expected: a bad encoding, or (thrown by the
 * parsers built on this reader, e.g. the CMS layer) a well-encoded value that does not match the
 * ASN.1 definition being read.
 */
export class DerError extends Error {
  override name = 'DerError';
}

export interface Tlv {
  /** Full identifier octet (class | constructed | number); only low tag numbers are accepted. */
  tag: number;
  constructed: boolean;
  /** Contents octets. */
  contents: Uint8Array;
  /** Identifier + length + contents, exactly as received. */
  raw: Uint8Array;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8String: 0x0c,
  PrintableString: 0x13,
  TeletexString: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  UniversalString: 0x1c,
  BMPString: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

const MAX_LENGTH_OCTETS = 4;

const hex = (tag: number) => `0x${tag.toString(16)}`;
const label = (what: string | undefined, message: string) => (what ? `${what}: ${message}` : message);

function readAt(buf: Uint8Array, offset: number): { tlv: Tlv; next: number } {
  if (offset + 2 > buf.length) throw new DerError('truncated TLV');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
  let length = buf[offset + 1]!;
  let p = offset + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    // X.690 §10.1: DER uses the definite form only.
    if (n === 0) throw new DerError('indefinite length is not DER');
    if (n > MAX_LENGTH_OCTETS) throw new DerError('length too large');
    if (p + n > buf.length) throw new DerError('truncated length');
    // X.690 §10.1 / §8.1.3.5: the length in the minimum number of octets, short form below 128.
    if (buf[p] === 0) throw new DerError('non-minimal length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[p + i]!;
    if (length < 0x80) throw new DerError('non-minimal length');
    p += n;
  }
  const end = p + length;
  if (end > buf.length) throw new DerError('truncated contents');
  return {
    tlv: { tag, constructed: (tag & 0x20) !== 0, contents: buf.subarray(p, end), raw: buf.subarray(offset, end) },
    next: end,
  };
}

/** Reads exactly one TLV that must span the whole buffer. */
export function readElement(buf: Uint8Array): Tlv {
  const { tlv, next } = readAt(buf, 0);
  if (next !== buf.length) throw new DerError('trailing data after DER value');
  return tlv;
}

/** The components of a constructed value. */
export function childrenOf(t: Tlv): Tlv[] {
  if (!t.constructed) throw new DerError(`expected constructed value, got tag ${hex(t.tag)}`);
  const out: Tlv[] = [];
  for (let p = 0; p < t.contents.length; ) {
    const { tlv, next } = readAt(t.contents, p);
    out.push(tlv);
    p = next;
  }
  return out;
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t) throw new DerError(`${what}: missing`);
  if (t.tag !== tag) throw new DerError(`${what}: expected tag ${hex(tag)}, got ${hex(t.tag)}`);
  return t;
}

export function sequenceOf(t: Tlv | undefined, what: string): Tlv[] {
  return childrenOf(expectTag(t, TAG.SEQUENCE, what));
}

export function setOfElements(t: Tlv | undefined, what: string): Tlv[] {
  return childrenOf(expectTag(t, TAG.SET, what));
}

/** OBJECT IDENTIFIER in dotted form; arcs of any size (bigint), each minimally encoded (X.690 §8.19.2). */
/** The longest OID content we read (X.660 sets no limit; real OIDs are a few dozen bytes). */
export const MAX_OID_BYTES = 128;
/** The widest arc we read: 128 bits, so 2.25.<UUID> OIDs (X.667) still decode. */
export const MAX_OID_ARC_BITS = 128;
const MAX_OID_ARC = (1n << BigInt(MAX_OID_ARC_BITS)) - 1n;

export function decodeOid(t: Tlv | undefined, what = 'OID'): string {
  const b = expectTag(t, TAG.OID, what).contents;
  if (b.length === 0) throw new DerError(label(what, 'empty OID'));
  // Bounded before decoding: arcs are bigints, so a huge arc costs quadratic time (a 60 KB arc took
  // ~0.5 s, reachable unauthenticated through /v1/verify). No OID we or RFC 5280 use comes near.
  if (b.length > MAX_OID_BYTES) throw new DerError(label(what, `OID longer than ${MAX_OID_BYTES} bytes`));
  const arcs: bigint[] = [];
  let v = 0n;
  let started = false;
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    if (!started && x === 0x80) throw new DerError(label(what, 'non-minimal OID arc'));
    started = true;
    v = (v << 7n) | BigInt(x & 0x7f);
    if (v > MAX_OID_ARC) throw new DerError(label(what, `OID arc wider than ${MAX_OID_ARC_BITS} bits`));
    if (!(x & 0x80)) {
      arcs.push(v);
      v = 0n;
      started = false;
    } else if (i === b.length - 1) throw new DerError(label(what, 'truncated OID'));
  }
  const first = arcs[0]!;
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/** BOOLEAN; DER encodes TRUE as 0xFF (X.690 §11.1). */
export function decodeBoolean(t: Tlv | undefined, what = 'BOOLEAN'): boolean {
  const c = expectTag(t, TAG.BOOLEAN, what).contents;
  if (c.length !== 1) throw new DerError(label(what, 'bad BOOLEAN'));
  const v = c[0]!;
  if (v !== 0 && v !== 0xff) throw new DerError(label(what, 'BOOLEAN not DER-encoded'));
  return v === 0xff;
}

/** INTEGER contents, checked for minimal two's complement encoding (X.690 §8.3.2). */
export function integerBytes(t: Tlv | undefined, what = 'INTEGER'): Uint8Array {
  const c = expectTag(t, TAG.INTEGER, what).contents;
  if (c.length === 0) throw new DerError(label(what, 'empty INTEGER'));
  if (c.length > 1 && ((c[0] === 0 && !(c[1]! & 0x80)) || (c[0] === 0xff && c[1]! & 0x80)))
    throw new DerError(label(what, 'non-minimal INTEGER'));
  return c;
}

/** INTEGER of any size, signed. */
export function decodeInteger(t: Tlv | undefined, what = 'INTEGER'): bigint {
  const c = integerBytes(t, what);
  let v = 0n;
  for (const b of c) v = (v << 8n) | BigInt(b);
  if (c[0]! & 0x80) v -= 1n << BigInt(c.length * 8);
  return v;
}

/** A non-negative INTEGER that fits a JavaScript number exactly (at most 6 octets). */
export function decodeSmallInt(t: Tlv | undefined, what = 'INTEGER'): number {
  const c = integerBytes(t, what);
  if (c.length > 6) throw new DerError(label(what, 'INTEGER too large'));
  if (c[0]! & 0x80) throw new DerError(label(what, 'negative INTEGER'));
  let v = 0;
  for (const x of c) v = v * 256 + x;
  return v;
}

/** BIT STRING: the unused-bits count (0..7, 0 when empty) and the bytes after it (X.690 §8.6.2). */
export function bitStringBytes(t: Tlv | undefined, what = 'BIT STRING'): { bytes: Uint8Array; unused: number } {
  const c = expectTag(t, TAG.BIT_STRING, what).contents;
  if (c.length === 0) throw new DerError(label(what, 'bad BIT STRING'));
  const unused = c[0]!;
  if (unused > 7 || (unused > 0 && c.length === 1)) throw new DerError(label(what, 'bad BIT STRING padding'));
  return { bytes: c.subarray(1), unused };
}

export function decodeOctetString(t: Tlv | undefined, what = 'OCTET STRING'): Uint8Array {
  return expectTag(t, TAG.OCTET_STRING, what).contents;
}

const LATIN1 = new TextDecoder('latin1');

/**
 * UTCTime or GeneralizedTime in the Z form with whole seconds: RFC 5280 §4.1.2.5.1 (UTCTime
 * YYMMDDHHMMSSZ, two-digit years 50..99 → 19xx, 00..49 → 20xx) and §4.1.2.5.2 (GeneralizedTime
 * YYYYMMDDHHMMSSZ, no fractional seconds); RFC 5652 §11.3 requires the same forms for signing-time.
 */
export function decodeTime(t: Tlv | undefined, what = 'time'): Date {
  if (!t) throw new DerError(`${what}: missing`);
  const s = LATIN1.decode(t.contents);
  let m: RegExpExecArray | null;
  let year: number;
  let rest: string;
  if (t.tag === TAG.UTCTime) {
    m = /^(\d{2})(\d{10})Z$/.exec(s);
    if (!m) throw new DerError(label(what, `bad UTCTime ${s}`));
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = m[2]!;
  } else if (t.tag === TAG.GeneralizedTime) {
    m = /^(\d{4})(\d{10})Z$/.exec(s);
    if (!m) throw new DerError(label(what, `bad GeneralizedTime ${s}`));
    year = Number(m[1]);
    rest = m[2]!;
  } else throw new DerError(label(what, `expected a UTCTime or GeneralizedTime, got tag ${hex(t.tag)}`));
  const mo = Number(rest.slice(0, 2));
  const d = Number(rest.slice(2, 4));
  const h = Number(rest.slice(4, 6));
  const mi = Number(rest.slice(6, 8));
  const se = Number(rest.slice(8, 10));
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, se));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 59)
    throw new DerError(label(what, `invalid time ${s}`));
  // Date.UTC maps years 0..99 to 1900..1999; a GeneralizedTime year is literal.
  if (year < 100) date.setUTCFullYear(year);
  return date;
}

/** UTF8String (strictly valid UTF-8), IA5String or PrintableString. */
export function decodeString(t: Tlv | undefined, what = 'string'): string {
  if (!t) throw new DerError(`${what}: missing`);
  if (t.tag === TAG.UTF8String) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(t.contents);
    } catch {
      throw new DerError(label(what, 'invalid UTF-8'));
    }
  }
  if (t.tag === TAG.IA5String || t.tag === TAG.PrintableString) return LATIN1.decode(t.contents);
  throw new DerError(label(what, `not a string (tag ${hex(t.tag)})`));
}

/** Hex of encoded bytes (serial numbers, names as encoded). */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Byte-for-byte equality, for comparing values as encoded. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
