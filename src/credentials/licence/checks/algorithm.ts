import { isAllowedJwsAlgorithm } from '../../../crypto/algorithms.js';
import { failed, passed, type Check } from '../../../verification/pipeline.js';
import { need, type LicenceState } from '../verification-state.js';

/** RFC 8725 §3.1: the algorithm comes from an allow-list before any key is looked up. */
export const algorithmCheck: Check<LicenceState> = {
  name: 'algorithm',
  run(state) {
    const alg = need(state.parsed, 'parsed SD-JWT').issuerJwt.header.alg;
    if (!isAllowedJwsAlgorithm(alg)) return failed('CRYPTO_CONSTRAINTS_FAILURE', `algorithm ${JSON.stringify(alg)} is not allowed`);
    state.alg = alg;
    return passed(alg);
  },
};
