import type { StatusReference, StatusResolver } from '../../status/status-resolver.js';
import type { TrustMaterial } from '../../trust/trust-material.js';
import type { JwsCredentialState } from '../../verification/checks/jws-state.js';
import type { LicenceType } from './catalogue.js';
import type { ParsedSdJwt } from './sd-jwt-format.js';

/** What the verifier of a licence brings: trust material, status, time and its key-binding demands. */
export interface LicenceVerificationOptions {
  trust: TrustMaterial;
  status: StatusResolver;
  /** The time to judge at (default: now). */
  at?: Date;
  /** The nonce the verifier gave the holder; when set, a key-binding JWT is required and must carry it. */
  nonce?: string;
  /** The verifier's identifier; when set, a key-binding JWT is required and its `aud` must equal it. */
  audience?: string;
  /** Demand a key-binding JWT even without nonce/audience. */
  requireKeyBinding?: boolean;
  /** Allowed clock difference for iat/nbf/exp, seconds; default DEFAULT_POLICY.clockSkewSeconds, capped at 3600. */
  clockSkewSeconds?: number;
  /** Oldest key-binding JWT (by its iat) accepted, seconds; default 300. */
  keyBindingMaxAgeSeconds?: number;
  /** Longest lifetime (exp − iat) accepted, seconds; default DEFAULT_POLICY.maxLifetimeSeconds.licence. */
  maxLifetimeSeconds?: number;
  trustSource?: 'federation' | 'caller';
}

/** The typed claims the format check guarantees (everything else stays in `payload`). */
export interface LicenceEnvelope {
  kid: string;
  iss: string;
  region: string;
  vct: string;
  iat: number;
  exp: number;
  nbf?: number;
  identifier: string;
  status: StatusReference;
  cnfJwk?: JsonWebKey;
}

/**
 * The state the licence checks read and extend, in pipeline order. It is a JwsCredentialState (the
 * format check sets `jws` to the issuer-signed JWT and `payload` to its payload), so the checks every
 * JWS credential shares (src/verification/checks/) run on licences unchanged.
 */
export interface LicenceState extends JwsCredentialState {
  readonly credential: string;
  readonly options: LicenceVerificationOptions;
  parsed?: ParsedSdJwt;
  envelope?: LicenceEnvelope;
  /** The processed payload (disclosed claims in place), after the disclosures check. */
  claims?: Record<string, unknown>;
  licenceType?: LicenceType;
}

/** The same bound as CLOCK_SKEW_SECONDS in the node configuration. */
export const MAX_CLOCK_SKEW_SECONDS = 3600;
export const DEFAULT_KEY_BINDING_MAX_AGE_SECONDS = 300;

