import { createHash, randomBytes } from 'node:crypto';
import type { Hasher, SaltGenerator, Signer as LibrarySigner } from '@sd-jwt/types';
import { encodeBase64Url } from '../../crypto/base64url.js';
import type { Signer } from '../../crypto/signer.js';
import { SD_ALG } from './disclosures.js';

/**
 * Adapters that plug Tongban's primitives into the @sd-jwt/* packages (OpenWallet Foundation
 * sd-jwt-js), which we use to build SD-JWTs and presentations. Verification does not use the library:
 * it runs through our own pipeline so every rule of RFC 9901 §7 is a named, reported check.
 */

/** SHA-256 only: the one `_sd_alg` we issue and accept. */
export const sdJwtHasher: Hasher = (data, alg) => {
  if (alg !== SD_ALG) throw new Error(`unsupported _sd_alg ${alg}`);
  const hash = createHash('sha256');
  hash.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data));
  return new Uint8Array(hash.digest());
};

/**
 * 128-bit salts (RFC 9901 §9.3 recommends at least 128 bits). The library's own generator from
 * @sd-jwt/crypto-nodejs returns `length` hex characters, i.e. only 64 bits for its default of 16.
 */
export const sdJwtSaltGenerator: SaltGenerator = () => randomBytes(16).toString('base64url');

/** A library signer over our Signer: JWS signatures are IEEE P1363 r||s, base64url (RFC 7518 §3.4). */
export function librarySigner(signer: Signer): LibrarySigner {
  return async (signingInput: string) => encodeBase64Url(await signer.sign(Buffer.from(signingInput, 'ascii'), 'p1363'));
}
