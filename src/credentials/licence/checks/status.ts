import { STATUS_INVALID, STATUS_SUSPENDED, STATUS_VALID } from '../../../status/status-resolver.js';
import { failed, passed, type Check } from '../../../verification/pipeline.js';
import { need, type LicenceState } from '../verification-state.js';

/**
 * The licence's entry in its issuer's Token Status List (draft-ietf-oauth-status-list §7.1 values):
 *   0 VALID     → passed
 *   1 INVALID   → TOTAL_FAILED REVOKED
 *   2 SUSPENDED → INDETERMINATE TRY_LATER, detail "suspended": a suspension may be lifted, so like a
 *                 certificate on hold (EN 319 102-1 §5.2.6) the answer is "not now", never "passed";
 *   other       → INDETERMINATE GENERIC (application-specific values mean nothing to us: fail closed);
 *   no answer   → INDETERMINATE TRY_LATER.
 */
export const statusCheck: Check<LicenceState> = {
  name: 'status',
  async run(state) {
    const envelope = need(state.envelope, 'envelope');
    let lookup;
    try {
      lookup = await state.options.status.lookup(envelope.status, need(state.issuer, 'issuer'), state.at);
    } catch (error) {
      return failed('TRY_LATER', `status could not be resolved: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!lookup.ok) return failed('TRY_LATER', `status could not be resolved: ${lookup.reason}`);
    if (lookup.status === STATUS_VALID) return passed(`valid in status list ${envelope.status.uri} #${envelope.status.idx}`);
    if (lookup.status === STATUS_INVALID) return failed('REVOKED', 'licence is revoked');
    if (lookup.status === STATUS_SUSPENDED) return failed('TRY_LATER', 'licence is suspended; it is not valid while the suspension lasts');
    return failed('GENERIC', `unknown status value ${lookup.status}`);
  },
};
