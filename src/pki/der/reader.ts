// A small strict DER reader. The path validator parses certificates and CRLs itself so that it
// sees the exact encoded bytes (RFC 5280 compares names and algorithm identifiers as encoded, and
// several §4 profile rules are about encodings the higher-level libraries silently normalise).

export class DerError extends Error {
  override name = 'DerError';
}

export interface Tlv {
  /** Full identifier octet (class | constructed | number); only low tag numbers are accepted. */
  tag: number;
  constructed: boolean;
  /** Contents octets. */
  contents: Uint8Array;
  /** Identifier + length + contents. */
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

function readOne(buf: Uint8Array, offset: number): { tlv: Tlv; next: number } {
  if (offset + 2 > buf.length) throw new DerError('truncated TLV');
  const tag = buf[offset]!;
  // High-tag-number form is never needed in certificates or CRLs.
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length is not DER');
    if (n > 4) throw new DerError('length too large');
    if (p + n > buf.length) throw new DerError('truncated length');
    if (buf[p] === 0) throw new DerError('non-minimal length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    if (len < 0x80) throw new DerError('non-minimal length');
    p += n;
  }
  const end = p + len;
  if (end > buf.length) throw new DerError('truncated contents');
  return {
    tlv: { tag, constructed: (tag & 0x20) !== 0, contents: buf.subarray(p, end), raw: buf.subarray(offset, end) },
    next: end,
  };
}

/** Parses exactly one TLV that must span the whole buffer. */
export function parseDer(buf: Uint8Array): Tlv {
  const { tlv, next } = readOne(buf, 0);
  if (next !== buf.length) throw new DerError('trailing data after DER value');
  return tlv;
}

export function children(t: Tlv): Tlv[] {
  if (!t.constructed) throw new DerError(`expected constructed value, got tag 0x${t.tag.toString(16)}`);
  const out: Tlv[] = [];
  let p = 0;
  while (p < t.contents.length) {
    const { tlv, next } = readOne(t.contents, p);
    out.push(tlv);
    p = next;
  }
  return out;
}

export function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t) throw new DerError(`${what}: missing`);
  if (t.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
  return t;
}

export function seq(t: Tlv | undefined, what: string): Tlv[] {
  return children(expect(t, TAG.SEQUENCE, what));
}

export function decodeOid(t: Tlv): string {
  if (t.tag !== TAG.OID || t.contents.length === 0) throw new DerError('bad OID');
  const b = t.contents;
  const parts: number[] = [];
  let v = 0;
  let started = false;
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    if (!started && x === 0x80) throw new DerError('non-minimal OID arc');
    started = true;
    v = v * 128 + (x & 0x7f);
    if (!(x & 0x80)) {
      parts.push(v);
      v = 0;
      started = false;
    } else if (i === b.length - 1) throw new DerError('truncated OID');
  }
  const first = parts.shift()!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

export function decodeBoolean(t: Tlv): boolean {
  if (t.tag !== TAG.BOOLEAN || t.contents.length !== 1) throw new DerError('bad BOOLEAN');
  const v = t.contents[0]!;
  if (v !== 0 && v !== 0xff) throw new DerError('BOOLEAN not DER-encoded');
  return v === 0xff;
}

/** INTEGER contents, checked for minimal encoding. */
export function integerBytes(t: Tlv): Uint8Array {
  if (t.tag !== TAG.INTEGER || t.contents.length === 0) throw new DerError('bad INTEGER');
  const c = t.contents;
  if (c.length > 1 && ((c[0] === 0 && !(c[1]! & 0x80)) || (c[0] === 0xff && c[1]! & 0x80)))
    throw new DerError('non-minimal INTEGER');
  return c;
}

export function decodeSmallInt(t: Tlv): number {
  const c = integerBytes(t);
  if (c.length > 6) throw new DerError('INTEGER too large');
  if (c[0]! & 0x80) throw new DerError('negative INTEGER');
  let v = 0;
  for (const x of c) v = v * 256 + x;
  return v;
}

export function bitStringBytes(t: Tlv): { bytes: Uint8Array; unused: number } {
  if (t.tag !== TAG.BIT_STRING || t.contents.length === 0) throw new DerError('bad BIT STRING');
  const unused = t.contents[0]!;
  if (unused > 7 || (unused > 0 && t.contents.length === 1)) throw new DerError('bad BIT STRING padding');
  return { bytes: t.contents.subarray(1), unused };
}

const ASCII = new TextDecoder('latin1');

export function decodeTime(t: Tlv): Date {
  const s = ASCII.decode(t.contents);
  let m: RegExpExecArray | null;
  let year: number;
  let rest: string;
  // RFC 5280 §4.1.2.5.1/.2: UTCTime YYMMDDHHMMSSZ, GeneralizedTime YYYYMMDDHHMMSSZ, no fractions.
  if (t.tag === TAG.UTCTime) {
    m = /^(\d{2})(\d{10})Z$/.exec(s);
    if (!m) throw new DerError(`bad UTCTime ${s}`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = m[2]!;
  } else if (t.tag === TAG.GeneralizedTime) {
    m = /^(\d{4})(\d{10})Z$/.exec(s);
    if (!m) throw new DerError(`bad GeneralizedTime ${s}`);
    year = Number(m[1]);
    rest = m[2]!;
  } else throw new DerError('expected a time');
  const mo = Number(rest.slice(0, 2));
  const d = Number(rest.slice(2, 4));
  const h = Number(rest.slice(4, 6));
  const mi = Number(rest.slice(6, 8));
  const se = Number(rest.slice(8, 10));
  const ms = Date.UTC(year, mo - 1, d, h, mi, se);
  const date = new Date(ms);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 59)
    throw new DerError(`invalid time ${s}`);
  if (year < 100) date.setUTCFullYear(year);
  return date;
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
