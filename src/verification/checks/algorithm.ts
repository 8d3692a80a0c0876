import { isAllowedJwsAlgorithm } from '../../crypto/algorithms.js';
import { failed, passed, type Check, type CheckVerdict } from '../pipeline.js';
import { required, type JwsCredentialState } from './jws-state.js';

/**
 * RFC 8725 §3.1: the algorithm comes from an allow-list, never from the token's own say-so. Shared by
 * every JWS-based credential so that one header gets one verdict whatever the credential type.
 */
export function algorithmVerdict(alg: unknown): CheckVerdict {
  // "none" means the object is not signed at all: not a signature (FORMAT_FAILURE).
  if (alg === 'none') return failed('FORMAT_FAILURE', 'alg "none": the credential is not signed');
  if (!isAllowedJwsAlgorithm(alg)) {
    return failed('CRYPTO_CONSTRAINTS_FAILURE', `algorithm ${JSON.stringify(alg)} is not on the allow-list (ES256, ES384, EdDSA)`);
  }
  return passed(alg);
}

export const algorithmCheck: Check<JwsCredentialState> = {
  name: 'algorithm',
  run: (state) => algorithmVerdict(required(state.jws, 'jws').header.alg),
};
