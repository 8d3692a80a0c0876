// The freshness rule for a federated seal CA, the same rule as for a peer issuer key of the JWS
// pipelines (src/verification/checks/issuer-key.ts): a peer's seal CA is only as good as the
// trust list that vouches for it, so without a freshness bound, or past it, fail closed.
import type { TrustedIssuer } from '../../../trust/trust-material.js';
import { failed, type CheckVerdict } from '../../../verification/pipeline.js';

/** TRY_LATER when the anchor's issuer is a peer whose trust list is stale (or has no freshUntil); undefined otherwise. */
export function staleFederatedAnchor(issuer: TrustedIssuer | undefined, now: Date): CheckVerdict | undefined {
  if (!issuer || issuer.source !== 'peer') return undefined;
  if (issuer.freshUntil && now <= issuer.freshUntil) return undefined;
  return failed('TRY_LATER', `the trust list of ${issuer.region} is stale${issuer.freshUntil ? ` since ${issuer.freshUntil.toISOString()}` : ''}; sync it and try again`);
}
