import { createPublicKey, type KeyObject } from 'node:crypto';

const MAX_ENTRIES = 4096;
const cache = new Map<string, KeyObject>();

/**
 * The public key of a SubjectPublicKeyInfo (DER), parsed once: the same seal and CA certificates
 * come back with every stamp, and parsing a key costs about as much as verifying with it.
 * Bounded; the oldest entry goes first. Throws as `createPublicKey` does for an unreadable key.
 */
export function publicKeyFromSpki(spki: Uint8Array): KeyObject {
  const id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString('base64');
  let key = cache.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(id, key);
  }
  return key;
}
