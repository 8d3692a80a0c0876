import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import type { Signer } from './signer.js';

/** A compact JWS split into its parts (RFC 7515 §7.1), decoded but not yet verified. */
export interface ParsedCompactJws {
  header: Record<string, unknown>;
  payloadBytes: Buffer;
  /** ASCII(BASE64URL(header) || '.' || BASE64URL(payload)), RFC 7515 §5.2 step 8. */
  signingInput: Buffer;
  signature: Buffer;
}

export type CompactJwsParseError =
  | 'not three base64url parts'
  | 'protected header is not a JSON object'
  | 'signature is not base64url';

function parseJsonObject(bytes: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Parses a compact JWS. Returns a reason string instead of throwing: the caller maps it to FORMAT_FAILURE. */
export function parseCompactJws(token: string): ParsedCompactJws | CompactJwsParseError {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (first <= 0 || second < 0 || token.indexOf('.', second + 1) !== -1) return 'not three base64url parts';
  const headerBytes = decodeBase64Url(token.slice(0, first));
  const payloadBytes = decodeBase64Url(token.slice(first + 1, second));
  if (!headerBytes || !payloadBytes) return 'not three base64url parts';
  const header = parseJsonObject(headerBytes);
  if (!header) return 'protected header is not a JSON object';
  const signature = decodeBase64Url(token.slice(second + 1));
  if (!signature || signature.length === 0) return 'signature is not base64url';
  return { header, payloadBytes, signingInput: Buffer.from(token.slice(0, second), 'ascii'), signature };
}

export function parseJsonPayload(bytes: Buffer): Record<string, unknown> | null {
  return parseJsonObject(bytes);
}

/** Signs a compact JWS with a Signer; `alg` and `kid` in the header always come from the signer. */
export async function signCompactJws(
  header: Record<string, unknown>,
  payload: Record<string, unknown> | Uint8Array,
  signer: Signer,
): Promise<string> {
  const protectedHeader = { ...header, alg: signer.alg, kid: signer.kid };
  const payloadBytes = payload instanceof Uint8Array ? payload : Buffer.from(JSON.stringify(payload), 'utf8');
  const signingInput = `${encodeBase64Url(JSON.stringify(protectedHeader))}.${encodeBase64Url(payloadBytes)}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${encodeBase64Url(signature)}`;
}
