// Adapts verifyStamp to the `POST /v1/verify` dispatcher's DetachedVerifier signature.
import type { DetachedVerifier } from '../../../verification/verify-credential.js';
import type { RevocationSource } from '../seal-crl-publisher.js';
import type { PathCache } from './path-cache.js';
import { verifyStamp } from './verify-stamp.js';

export function sealDetachedVerifier(deps: { revocation: RevocationSource; pathCache: PathCache }): DetachedVerifier {
  return (document, signature, context, callerAnchors) =>
    verifyStamp(
      { document, signature, ...(callerAnchors ? { trustAnchors: callerAnchors } : {}) },
      { trust: context.trust, revocation: deps.revocation, pathCache: deps.pathCache, now: () => context.at },
    );
}
