import { verify, type KeyObject } from 'node:crypto';
import { ALGORITHM_PROFILES, type JwsAlgorithm } from './algorithms.js';

/** The curve of an EC or OKP public key, as node names it. */
export function keyCurve(key: KeyObject): string | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec') return key.asymmetricKeyDetails?.namedCurve;
  return undefined;
}

/** Whether a key may be used with a JWS algorithm (RFC 7518 §3.4: ES256 ⇔ P-256, ES384 ⇔ P-384). */
export function keyFitsAlgorithm(alg: JwsAlgorithm, key: KeyObject): boolean {
  return key.type === 'public' && keyCurve(key) === ALGORITHM_PROFILES[alg].curve;
}

/**
 * The raw signature primitive for JWS: verifies a JWS-encoded signature (IEEE P1363 r||s for ECDSA,
 * RFC 8037 for Ed25519) over the signing input. Synchronous and allocation-light: this is the hot path.
 * Returns false (never throws) for a wrong length, a key that does not fit the algorithm, or a bad signature.
 * High-S ECDSA signatures are valid (Wycheproof: JWS does not mandate low-S).
 */
export function verifyJwsSignature(
  alg: JwsAlgorithm,
  key: KeyObject,
  signingInput: Uint8Array,
  signature: Uint8Array,
): boolean {
  const profile = ALGORITHM_PROFILES[alg];
  if (signature.length !== profile.signatureLength) return false;
  if (!keyFitsAlgorithm(alg, key)) return false;
  try {
    return verify(profile.hash, signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}
