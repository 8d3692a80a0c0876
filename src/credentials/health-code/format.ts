import { deflateSync, inflateSync } from 'node:zlib';
import { decodeBase45, encodeBase45 } from '../../crypto/base45.js';

/** JWS `typ` of a Tongban health code (RFC 7515 §4.1.9, explicit typing per RFC 8725 §3.11). */
export const HEALTH_CODE_TYP = 'tongban-hc+jwt';
export const HEALTH_CODE_COLOURS = ['green', 'yellow', 'red'] as const;
export type HealthCodeColour = (typeof HEALTH_CODE_COLOURS)[number];

/**
 * QR text: `TB1:` + Base45(ZLIB(compact JWS)), as the EU DCC does with `HC1:`: Base45 fits the QR
 * alphanumeric mode (5.5 bits per character instead of 8), so the code stays small enough to scan.
 */
export const QR_PREFIX = 'TB1:';
const MAX_QR_INFLATED = 64 * 1024;

export function toQrText(compactJws: string): string {
  return QR_PREFIX + encodeBase45(deflateSync(Buffer.from(compactJws, 'ascii'), { level: 9 }));
}

/** The compact JWS inside QR text; null when the text is not well-formed QR text. */
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
