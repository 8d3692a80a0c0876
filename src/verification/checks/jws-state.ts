import type { ParsedCompactJws } from '../../crypto/jws.js';
import type { StatusResolver } from '../../status/status-resolver.js';
import type { TrustedIssuer, TrustMaterial } from '../../trust/trust-material.js';
import type { VerificationPolicy } from '../policy.js';

/** What a JWS-based credential's checks share: the explicit inputs, and what earlier checks found. */
export interface JwsCredentialState {
  readonly at: Date;
  readonly trust: TrustMaterial;
  readonly status: StatusResolver;
  readonly policy: VerificationPolicy;
  jws?: ParsedCompactJws;
  payload?: Record<string, unknown>;
  issuer?: TrustedIssuer;
}

/** Reads a state member an earlier check must have set; its absence is a pipeline bug, not a pass. */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} missing: an earlier check did not run`);
  return value;
}

export function numericDate(payload: Record<string, unknown>, claim: string): number | undefined {
  const value = payload[claim];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
