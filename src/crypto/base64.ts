// Strict base64 (RFC 4648 §4, the standard alphabet, padded): the one decoder for base64 that
// callers send us (documents, stamps, seal images, digests). Buffer.from(text, 'base64') alone
// silently skips characters outside the alphabet, so malformed input would decode to other bytes.

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 (RFC 4648 §4) with whitespace allowed between lines; null when malformed. */
export function decodeBase64(text: string): Buffer | null {
  const compact = text.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) return null;
  return Buffer.from(compact, 'base64');
}
