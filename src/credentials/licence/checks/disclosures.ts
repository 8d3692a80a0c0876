import { failed, passed, type Check } from '../../../verification/pipeline.js';
import { processDisclosures } from '../disclosures.js';
import { required } from '../../../verification/checks/jws-state.js';
import type { LicenceState } from '../verification-state.js';

/** Every presented disclosure against the signed digests (RFC 9901 §7.1 steps 3-5; see processDisclosures). */
export const disclosuresCheck: Check<LicenceState> = {
  name: 'disclosures',
  run(state) {
    const parsed = required(state.parsed, 'parsed SD-JWT');
    const result = processDisclosures(parsed.payload, parsed.disclosures);
    if (!result.ok) return failed(result.subIndication, result.detail);
    state.claims = result.claims;
    return passed(`${result.disclosed} disclosure(s) verified`);
  },
};
