import { failed, passed, type Check } from '../pipeline.js';
import { numericDate, required, type JwsCredentialState } from './jws-state.js';

/**
 * iat / nbf / exp (RFC 7519 §4.1.4–4.1.6) at the verification time, with the policy's bounded clock
 * skew, and the longest lifetime the credential type allows.
 */
export function validityWindowCheck(maxLifetime: (state: JwsCredentialState) => number): Check<JwsCredentialState> {
  return {
    name: 'validity-window',
    run(state) {
      const payload = required(state.payload, 'payload');
      const iat = numericDate(payload, 'iat');
      const exp = numericDate(payload, 'exp');
      const nbf = numericDate(payload, 'nbf');
      if (iat === undefined || exp === undefined) return failed('FORMAT_FAILURE', 'iat and exp must be numeric dates');
      if (payload.nbf !== undefined && nbf === undefined) return failed('FORMAT_FAILURE', 'nbf must be a numeric date');
      if (exp <= iat) return failed('FORMAT_FAILURE', 'exp is not after iat');
      if (exp - iat > maxLifetime(state)) return failed('SIG_CONSTRAINTS_FAILURE', `lifetime ${exp - iat}s exceeds the allowed ${maxLifetime(state)}s`);
      const now = state.at.getTime() / 1000;
      const skew = state.policy.clockSkewSeconds;
      const notBefore = Math.max(iat, nbf ?? iat);
      if (now + skew < notBefore) return failed('NOT_YET_VALID', `valid from ${new Date(notBefore * 1000).toISOString()}`);
      if (now - skew >= exp) return failed('EXPIRED', `expired at ${new Date(exp * 1000).toISOString()}`);
      return passed(`valid until ${new Date(exp * 1000).toISOString()}`);
    },
  };
}
