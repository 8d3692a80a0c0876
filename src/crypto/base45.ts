// RFC 9285 Base45, written here because the npm `base45` package decodes leniently (unknown
// characters and out-of-range triples pass silently), and a QR decoder must reject malformed input.
const CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const VALUE = new Map([...CHARSET].map((c, i) => [c, i]));

export function encodeBase45(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) {
    if (i + 1 < bytes.length) {
      // RFC 9285 §4: two bytes [a, b] → n = a*256 + b = c + d*45 + e*45² → "c d e".
      const n = bytes[i]! * 256 + bytes[i + 1]!;
      out += CHARSET[n % 45]! + CHARSET[Math.floor(n / 45) % 45]! + CHARSET[Math.floor(n / 2025)]!;
    } else {
      const n = bytes[i]!;
      out += CHARSET[n % 45]! + CHARSET[Math.floor(n / 45)]!;
    }
  }
  return out;
}

/** Strict decode: null for a character outside the alphabet, a dangling character or a value overflow (RFC 9285 §4.2). */
export function decodeBase45(text: string): Buffer | null {
  if (text.length % 3 === 1) return null;
  const out = Buffer.alloc(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  for (let i = 0; i < text.length; i += 3) {
    const c = VALUE.get(text[i]!);
    const d = VALUE.get(text[i + 1]!);
    if (c === undefined || d === undefined) return null;
    if (i + 2 < text.length) {
      const e = VALUE.get(text[i + 2]!);
      if (e === undefined) return null;
      const n = c + d * 45 + e * 2025;
      if (n > 0xffff) return null;
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = c + d * 45;
      if (n > 0xff) return null;
      out[o++] = n;
    }
  }
  return out;
}
