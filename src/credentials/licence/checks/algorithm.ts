import type { JwsAlgorithm } from '../../../crypto/algorithms.js';
import type { Check } from '../../../verification/pipeline.js';
import { algorithmVerdict } from '../../../verification/checks/algorithm.js';
import { need, type LicenceState } from '../verification-state.js';

/** The shared JWS algorithm allow-list, applied to the issuer-signed JWT. */
export const algorithmCheck: Check<LicenceState> = {
  name: 'algorithm',
  run(state) {
    const alg = need(state.parsed, 'parsed SD-JWT').issuerJwt.header.alg;
    const verdict = algorithmVerdict(alg);
    if (verdict.result === 'PASSED') state.alg = alg as JwsAlgorithm;
    return verdict;
  },
};
