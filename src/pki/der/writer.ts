// A minimal DER encoder (ITU-T X.690 §10). CMS signed attributes are signed over their exact DER
// bytes, and OpenSSL re-encodes them before verifying, so every byte we emit must already be DER:
// definite lengths, minimal integers and SET OF sorted (X.690 §11.6). Building the structures by
// hand keeps that under our control instead of trusting a library's re-encoding.

/** What the encoder returns: freshly allocated, so usable wherever a BufferSource is expected. */
export type Bytes = Uint8Array<ArrayBuffer>;

function lengthOctets(length: number): Bytes {
  if (length < 0x80) return Uint8Array.of(length);
  const out: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) out.unshift(n & 0xff);
  return Uint8Array.of(0x80 | out.length, ...out);
}

export function concat(parts: readonly Uint8Array[]): Bytes {
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function tlv(tag: number, contents: Uint8Array): Bytes {
  return concat([Uint8Array.of(tag), lengthOctets(contents.length), contents]);
}

export const sequence = (...items: Uint8Array[]): Bytes => tlv(0x30, concat(items));

/** SET OF in DER order: components sorted as octet strings (X.690 §11.6). */
export function setOf(items: readonly Uint8Array[]): Bytes {
  return tlv(0x31, concat([...items].sort(compareOctets)));
}

function compareOctets(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** [n] EXPLICIT: a constructed context-specific wrapper around one encoding. */
export const explicit = (n: number, inner: Uint8Array): Bytes => tlv(0xa0 | n, inner);
/** [n] IMPLICIT over a constructed type: the universal tag is replaced, the contents kept. */
export const implicitConstructed = (n: number, contents: Uint8Array): Bytes => tlv(0xa0 | n, contents);

export const octetString = (value: Uint8Array): Bytes => tlv(0x04, value);
export const utf8String = (value: string): Bytes => tlv(0x0c, new TextEncoder().encode(value));
export const ia5String = (value: string): Bytes => {
  if (!/^[\x00-\x7f]*$/.test(value)) throw new RangeError('IA5String takes ASCII only');
  return tlv(0x16, new TextEncoder().encode(value));
};
export const printableString = (value: string): Bytes => {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) throw new RangeError('not a PrintableString');
  return tlv(0x13, new TextEncoder().encode(value));
};

/** INTEGER from a non-negative bigint, minimal two's complement (X.690 §8.3.2). */
export function integer(value: bigint | number): Bytes {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError('negative INTEGER not supported');
  const out: number[] = [];
  do {
    out.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if (out[0]! & 0x80) out.unshift(0);
  return tlv(0x02, Uint8Array.from(out));
}

export function oid(dotted: string): Bytes {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new RangeError(`bad OID ${dotted}`);
  const out: number[] = [];
  const encodeArc = (arc: bigint) => {
    const bytes: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) bytes.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...bytes);
  };
  encodeArc(arcs[0]! * 40n + arcs[1]!);
  for (const arc of arcs.slice(2)) encodeArc(arc);
  return tlv(0x06, Uint8Array.from(out));
}

/** AlgorithmIdentifier with parameters absent (RFC 5754 §2 for SHA-2, RFC 5758 §3.2 for ECDSA). */
export const algorithmIdentifier = (algorithm: string): Bytes => sequence(oid(algorithm));

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5, RFC 5652 §11.3). Whole seconds, Z. */
export function time(date: Date): Bytes {
  const year = date.getUTCFullYear();
  const rest = `${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050) return tlv(0x17, new TextEncoder().encode(`${pad(year % 100)}${rest}`));
  return generalizedTime(date);
}

export function generalizedTime(date: Date): Bytes {
  const text = `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  return tlv(0x18, new TextEncoder().encode(text));
}
