import { parseCompactJws, parseJsonPayload, type ParsedCompactJws } from '../../crypto/jws.js';

/** Upper bounds that keep a hostile presentation from costing more than a legitimate one. */
export const MAX_SD_JWT_LENGTH = 64 * 1024;
export const MAX_DISCLOSURES = 100;

/**
 * An SD-JWT or SD-JWT+KB split into its parts (RFC 9901 §4: `<JWT>~<Disclosure 1>~…~<Disclosure N>~[<KB-JWT>]`),
 * decoded but not verified.
 */
export interface ParsedSdJwt {
  issuerJwt: ParsedCompactJws;
  payload: Record<string, unknown>;
  /** The disclosures exactly as presented (base64url strings); digests are computed over these. */
  disclosures: string[];
  keyBindingJwt?: string;
  /** `<JWT>~<D1>~…~<Dn>~`: the bytes the KB-JWT's `sd_hash` covers (RFC 9901 §4.3.1). */
  withoutKeyBinding: string;
}

/** Whether a credential string is an SD-JWT (has the `~` separator) rather than a plain compact JWS. */
export function isSdJwt(credential: string): boolean {
  return credential.includes('~');
}

/** Splits an SD-JWT; returns a reason string (→ FORMAT_FAILURE) instead of throwing. */
export function parseSdJwt(text: string): ParsedSdJwt | string {
  if (text.length > MAX_SD_JWT_LENGTH) return `SD-JWT is longer than ${MAX_SD_JWT_LENGTH} characters`;
  const parts = text.split('~');
  // RFC 9901 §4: an SD-JWT always ends in '~' (then the last part is empty); otherwise the last part is a KB-JWT.
  if (parts.length < 2) return 'not an SD-JWT: no "~" separator';
  const [jwt, ...rest] = parts as [string, ...string[]];
  const last = rest.pop()!;
  if (rest.length > MAX_DISCLOSURES) return `more than ${MAX_DISCLOSURES} disclosures`;
  if (rest.some((d) => d.length === 0)) return 'empty disclosure between "~" separators';
  const jws = parseCompactJws(jwt);
  if (typeof jws === 'string') return `issuer-signed JWT: ${jws}`;
  const payload = parseJsonPayload(jws.payloadBytes);
  if (!payload) return 'issuer-signed JWT payload is not a JSON object';
  const withoutKeyBinding = `${[jwt, ...rest].join('~')}~`;
  const parsed: ParsedSdJwt = { issuerJwt: jws, payload, disclosures: rest, withoutKeyBinding };
  if (last.length > 0) {
    // Without the closing '~' the last disclosure would be taken for a KB-JWT: say what is wrong.
    if (typeof parseCompactJws(last) === 'string') return 'the last component is neither empty nor a key-binding JWT (an SD-JWT ends with "~")';
    parsed.keyBindingJwt = last;
  }
  return parsed;
}
