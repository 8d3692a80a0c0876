import { algorithmCheck } from '../../verification/checks/algorithm.js';
import { issuerKeyCheck } from '../../verification/checks/issuer-key.js';
import { signatureCheck } from '../../verification/checks/signature.js';
import { statusCheck } from '../../verification/checks/status.js';
import { validityWindowCheck } from '../../verification/checks/validity-window.js';
import { runPipeline, type Check } from '../../verification/pipeline.js';
import { DEFAULT_POLICY, type VerificationPolicy } from '../../verification/policy.js';
import type { IssuerSummary, ValidationReport } from '../../verification/report.js';
import { disclosuresCheck } from './checks/disclosures.js';
import { formatCheck } from './checks/format.js';
import { keyBindingCheck } from './checks/key-binding.js';
import { licenceTypeCheck } from './checks/licence-type.js';
import { MAX_CLOCK_SKEW_SECONDS, type LicenceState, type LicenceVerificationOptions } from './verification-state.js';

export type { LicenceVerificationOptions } from './verification-state.js';
export { isSdJwt } from './sd-jwt-format.js';

/**
 * The checks of a licence verification, in order; the first that does not pass decides. The JWS
 * checks are the ones every JWS credential shares; only format, disclosures, key binding and the type
 * rules are the licence's own.
 */
export function licenceChecks(): Check<LicenceState>[] {
  return [
    formatCheck,
    algorithmCheck,
    issuerKeyCheck('licence'),
    signatureCheck,
    disclosuresCheck,
    keyBindingCheck,
    validityWindowCheck((state) => state.policy.maxLifetimeSeconds.licence),
    statusCheck,
    licenceTypeCheck,
  ];
}

function skewOf(options: LicenceVerificationOptions): number {
  const skew = options.clockSkewSeconds ?? DEFAULT_POLICY.clockSkewSeconds;
  return Number.isFinite(skew) ? Math.min(Math.max(skew, 0), MAX_CLOCK_SKEW_SECONDS) : DEFAULT_POLICY.clockSkewSeconds;
}

/** The caller's policy values over DEFAULT_POLICY; an unusable lifetime cap falls back to the default, never to "no cap". */
function policyOf(options: LicenceVerificationOptions): VerificationPolicy {
  const lifetime = options.maxLifetimeSeconds;
  const licence = typeof lifetime === 'number' && Number.isFinite(lifetime) && lifetime > 0 ? lifetime : DEFAULT_POLICY.maxLifetimeSeconds.licence;
  return { clockSkewSeconds: skewOf(options), maxLifetimeSeconds: { ...DEFAULT_POLICY.maxLifetimeSeconds, licence } };
}

/** Only what the holder disclosed, plus the always-visible vct, identifier, iat and exp. */
function reportedClaims(state: LicenceState): Record<string, unknown> | undefined {
  if (!state.claims || !state.envelope) return undefined;
  const { iss: _iss, region: _region, status: _status, cnf: _cnf, vct: _vct, identifier: _id, iat: _iat, exp: _exp, nbf: _nbf, ...disclosed } = state.claims;
  if (disclosed.holder && typeof disclosed.holder === 'object' && Object.keys(disclosed.holder).length === 0) delete disclosed.holder;
  const { vct, identifier, iat, exp } = state.envelope;
  return { vct, identifier, iat, exp, ...disclosed };
}

function issuerSummary(state: LicenceState): IssuerSummary | undefined {
  if (state.issuer) return { region: state.issuer.region, kid: state.issuer.kid, name: state.issuer.name };
  if (state.envelope) return { region: state.envelope.region, kid: state.envelope.kid };
  return undefined;
}

/**
 * Verifies a licence (an SD-JWT VC, with or without key binding) as a pure function of the credential,
 * the trust material, the status resolver and the time. Never throws: every problem is in the report.
 * Claims are reported only when the licence is TOTAL_PASSED, so nothing unproven reaches a caller.
 */
export async function verifyLicence(credential: string, options: LicenceVerificationOptions): Promise<ValidationReport> {
  const at = options.at ?? new Date();
  const state: LicenceState = {
    credential: typeof credential === 'string' ? credential : '',
    options,
    at,
    trust: options.trust,
    status: options.status,
    policy: policyOf(options),
  };
  const outcome = await runPipeline(licenceChecks(), state);
  const report: ValidationReport = {
    indication: outcome.indication,
    credentialType: 'licence',
    checks: outcome.checks,
    trustSource: options.trustSource ?? 'federation',
    verifiedAt: at.toISOString(),
  };
  if (outcome.subIndication) report.subIndication = outcome.subIndication;
  const issuer = issuerSummary(state);
  if (issuer) report.issuer = issuer;
  if (outcome.indication === 'TOTAL_PASSED') {
    const claims = reportedClaims(state);
    if (claims) report.claims = claims;
  }
  return report;
}
