import type { TrustedIssuer } from '../trust/trust-material.js';

/** IETF Token Status List (draft-ietf-oauth-status-list §6.2): the reference a credential carries. */
export interface StatusReference {
  idx: number;
  uri: string;
}

/** Status values of the Token Status List registry (§7.1): 0 valid, 1 invalid (revoked), 2 suspended. */
export const STATUS_VALID = 0;
export const STATUS_INVALID = 1;
export const STATUS_SUSPENDED = 2;

export type StatusLookup =
  | { ok: true; status: number; listIssuedAt: Date }
  | { ok: false; reason: string };

/**
 * Answers the status of a referenced credential from cached status lists. The credential's issuer is
 * passed so that a fetched list is only believed when signed by the same issuer key.
 */
export interface StatusResolver {
  lookup(reference: StatusReference, issuer: TrustedIssuer, at: Date): Promise<StatusLookup>;
}
