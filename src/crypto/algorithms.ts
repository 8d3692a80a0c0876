// The JWS algorithm allow-list (RFC 7518 §3.1 names). Anything else, including "none" and every
// symmetric MAC, is refused before a key is even looked up (RFC 8725 §3.1, §3.2).
export const JWS_ALGORITHMS = ['ES256', 'ES384', 'EdDSA'] as const;
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

export function isAllowedJwsAlgorithm(alg: unknown): alg is JwsAlgorithm {
  return typeof alg === 'string' && (JWS_ALGORITHMS as readonly string[]).includes(alg);
}

interface AlgorithmProfile {
  /** Node digest name for crypto.sign/verify, or null for EdDSA (the hash is intrinsic). */
  hash: 'sha256' | 'sha384' | null;
  /** Curve the key must be on: RFC 7518 §3.4 binds ES256 to P-256 and ES384 to P-384. */
  curve: 'prime256v1' | 'secp384r1' | 'ed25519';
  /** Length of an IEEE P1363 (r||s) signature; RFC 7518 §3.4 requires exactly this. */
  signatureLength: number;
}

export const ALGORITHM_PROFILES: Record<JwsAlgorithm, AlgorithmProfile> = {
  ES256: { hash: 'sha256', curve: 'prime256v1', signatureLength: 64 },
  ES384: { hash: 'sha384', curve: 'secp384r1', signatureLength: 96 },
  EdDSA: { hash: null, curve: 'ed25519', signatureLength: 64 },
};
