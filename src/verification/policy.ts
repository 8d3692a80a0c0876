/**
 * The validation policy as data (as in EU DSS), not as `if`s in the checks. One policy object per
 * node, from configuration; tests pass their own.
 */
export interface VerificationPolicy {
  /** Tolerated clock difference between issuer and verifier, in seconds, for iat/nbf/exp. */
  clockSkewSeconds: number;
  /** Longest lifetime (exp − iat) accepted per credential type, in seconds. */
  maxLifetimeSeconds: { healthCode: number; licence: number };
}

export const DEFAULT_POLICY: VerificationPolicy = {
  clockSkewSeconds: 300,
  maxLifetimeSeconds: { healthCode: 7 * 24 * 3600, licence: 20 * 365 * 24 * 3600 },
};
