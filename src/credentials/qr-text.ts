import { deflateSync, inflateSync } from 'node:zlib';
import { decodeBase45, encodeBase45 } from '../crypto/base45.js';

/**
 * QR text: `TB1:` + Base45(ZLIB(credential)), as the EU DCC does with `HC1:`: Base45 fits the QR
 * alphanumeric mode (5.5 bits per character instead of 8), so the code stays small enough to scan.
 */
export const QR_PREFIX = 'TB1:';
const MAX_QR_INFLATED = 64 * 1024;

export function toQrText(credential: string): string {
  return QR_PREFIX + encodeBase45(deflateSync(Buffer.from(credential, "ascii"), { level: 9 }));
}

/** The credential inside QR text; null when the text is not well-formed QR text. */
export function fromQrText(text: string): string | null {
  if (!text.startsWith(QR_PREFIX)) return null;
  const compressed = decodeBase45(text.slice(QR_PREFIX.length));
  if (!compressed) return null;
  try {
    return inflateSync(compressed, { maxOutputLength: MAX_QR_INFLATED }).toString('ascii');
  } catch {
    return null;
  }
}
