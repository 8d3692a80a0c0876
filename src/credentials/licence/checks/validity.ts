import { failed, passed, type Check } from '../../../verification/pipeline.js';
import { need, type LicenceState } from '../verification-state.js';

/** RFC 7519 §4.1.4-4.1.6 with a bounded clock skew: the licence must be in force at the verification time. */
export const validityCheck: Check<LicenceState> = {
  name: 'validity-window',
  run(state) {
    const { iat, nbf, exp } = need(state.envelope, 'envelope');
    const now = Math.floor(state.at.getTime() / 1000);
    const skew = state.skewSeconds;
    if (iat > now + skew) return failed('NOT_YET_VALID', `licence is issued in the future (${new Date(iat * 1000).toISOString()})`);
    if (nbf !== undefined && nbf > now + skew) return failed('NOT_YET_VALID', `licence is not valid before ${new Date(nbf * 1000).toISOString()}`);
    const maxLifetime = state.options.maxLifetimeSeconds;
    // Policy, not format: a licence living longer than the policy allows is not passed (EN 319 102-1 constraint).
    if (maxLifetime !== undefined && exp - iat > maxLifetime) return failed('SIG_CONSTRAINTS_FAILURE', `licence lifetime exceeds the ${maxLifetime} s the policy allows`);
    if (exp <= now - skew) return failed('EXPIRED', `licence expired at ${new Date(exp * 1000).toISOString()}`);
    return passed(`valid until ${new Date(exp * 1000).toISOString()}`);
  },
};
