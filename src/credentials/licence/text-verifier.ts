import type { TextVerifier } from '../../verification/verify-credential.js';
import { verifyLicence } from './verify-licence.js';

/**
 * The licence verifier in the shape the `POST /v1/verify` dispatcher takes (CredentialVerifierDeps.licence):
 * the dispatcher's context (trust, status, time, policy, nonce, audience) mapped onto verifyLicence.
 */
export const licenceTextVerifier: TextVerifier = (text, context) =>
  verifyLicence(text, {
    trust: context.trust,
    status: context.status,
    at: context.at,
    clockSkewSeconds: context.policy.clockSkewSeconds,
    maxLifetimeSeconds: context.policy.maxLifetimeSeconds.licence,
    trustSource: context.trustSource,
    ...(context.nonce !== undefined ? { nonce: context.nonce } : {}),
    ...(context.audience !== undefined ? { audience: context.audience } : {}),
  });
