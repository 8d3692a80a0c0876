// A small reader for the definite-length encodings CMS structures arrive in. Every accessor checks
// the tag it expects and throws CmsFormatError otherwise, so a parser built on it fails closed.
// Indefinite lengths (BER streaming) are refused: the stamps Tongban verifies are DER (RFC 5652
// §5.3 requires DER for signed attributes, and CAdES/OpenSSL emit definite lengths).

export class CmsFormatError extends Error {
  override name = 'CmsFormatError';
}

export interface Element {
  tag: number;
  /** The contents octets. */
  value: Uint8Array;
  /** Tag + length + contents, exactly as received. */
  raw: Uint8Array;
}

const MAX_LENGTH_OCTETS = 4;

function readAt(buf: Uint8Array, offset: number): { element: Element; next: number } {
  if (offset + 2 > buf.length) throw new CmsFormatError('truncated element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new CmsFormatError('high-number tags are not used in CMS');
  let length = buf[offset + 1]!;
  let p = offset + 2;
  if (length === 0x80) throw new CmsFormatError('indefinite length encoding is not accepted');
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n > MAX_LENGTH_OCTETS || p + n > buf.length) throw new CmsFormatError('bad length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[p + i]!;
    p += n;
  }
  const end = p + length;
  if (end > buf.length) throw new CmsFormatError('truncated contents');
  return { element: { tag, value: buf.subarray(p, end), raw: buf.subarray(offset, end) }, next: end };
}

/** Reads exactly one element spanning the whole buffer. */
export function readElement(buf: Uint8Array): Element {
  const { element, next } = readAt(buf, 0);
  if (next !== buf.length) throw new CmsFormatError('trailing bytes after the structure');
  return element;
}

/** The components of a constructed element. */
export function childrenOf(element: Element): Element[] {
  if (!(element.tag & 0x20)) throw new CmsFormatError(`expected a constructed value, got tag 0x${element.tag.toString(16)}`);
  const out: Element[] = [];
  for (let p = 0; p < element.value.length; ) {
    const { element: child, next } = readAt(element.value, p);
    out.push(child);
    p = next;
  }
  return out;
}

export function expectTag(element: Element | undefined, tag: number, what: string): Element {
  if (!element) throw new CmsFormatError(`${what} is missing`);
  if (element.tag !== tag) throw new CmsFormatError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${element.tag.toString(16)}`);
  return element;
}

export function sequenceOf(element: Element | undefined, what: string): Element[] {
  return childrenOf(expectTag(element, 0x30, what));
}

export function setOfElements(element: Element | undefined, what: string): Element[] {
  return childrenOf(expectTag(element, 0x31, what));
}

export function decodeOid(element: Element | undefined, what: string): string {
  const e = expectTag(element, 0x06, what);
  if (e.value.length === 0) throw new CmsFormatError(`${what}: empty OID`);
  const arcs: bigint[] = [];
  let v = 0n;
  for (let i = 0; i < e.value.length; i++) {
    const b = e.value[i]!;
    if (v === 0n && b === 0x80) throw new CmsFormatError(`${what}: non-minimal OID arc`);
    v = (v << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0n;
    } else if (i === e.value.length - 1) throw new CmsFormatError(`${what}: truncated OID`);
  }
  const first = arcs[0]!;
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

export function decodeInteger(element: Element | undefined, what: string): bigint {
  const e = expectTag(element, 0x02, what);
  if (e.value.length === 0) throw new CmsFormatError(`${what}: empty INTEGER`);
  let v = 0n;
  for (const b of e.value) v = (v << 8n) | BigInt(b);
  if (e.value[0]! & 0x80) v -= 1n << BigInt(e.value.length * 8);
  return v;
}

export function decodeOctetString(element: Element | undefined, what: string): Uint8Array {
  return expectTag(element, 0x04, what).value;
}

/** UTCTime (RFC 5280 §4.1.2.5.1 two-digit years) or GeneralizedTime, in the Z form. */
export function decodeTime(element: Element | undefined, what: string): Date {
  if (!element) throw new CmsFormatError(`${what} is missing`);
  const text = new TextDecoder('latin1').decode(element.value);
  let m: RegExpExecArray | null;
  let year: number;
  if (element.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (element.tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text))) {
    year = Number(m[1]);
  } else {
    throw new CmsFormatError(`${what}: not a UTCTime or GeneralizedTime in UTC`);
  }
  const date = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  if (Number.isNaN(date.getTime()) || date.getUTCMonth() !== Number(m[2]) - 1) throw new CmsFormatError(`${what}: invalid date`);
  return date;
}

export function decodeString(element: Element | undefined, what: string): string {
  if (!element) throw new CmsFormatError(`${what} is missing`);
  if (element.tag === 0x0c) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(element.value);
    } catch {
      throw new CmsFormatError(`${what}: invalid UTF-8`);
    }
  }
  if (element.tag === 0x16 || element.tag === 0x13) return new TextDecoder('latin1').decode(element.value);
  throw new CmsFormatError(`${what}: not a string`);
}
