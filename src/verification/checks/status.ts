import { STATUS_INVALID, STATUS_SUSPENDED, STATUS_VALID, type StatusReference } from '../../status/status-resolver.js';
import { failed, passed, type Check } from '../pipeline.js';
import { required, type JwsCredentialState } from './jws-state.js';

/** Reads `status.status_list` (draft-ietf-oauth-status-list §6.2); null when absent or malformed. */
export function statusReferenceOf(payload: Record<string, unknown>): StatusReference | null {
  const status = payload.status as { status_list?: { idx?: unknown; uri?: unknown } } | undefined;
  const ref = status?.status_list;
  if (!ref || typeof ref !== 'object') return null;
  const { idx, uri } = ref;
  if (typeof idx !== 'number' || !Number.isSafeInteger(idx) || idx < 0) return null;
  if (typeof uri !== 'string' || !/^https?:\/\//.test(uri) || uri.length > 2048) return null;
  return { idx, uri };
}

/** Fail closed: a credential whose status cannot be established fresh is INDETERMINATE (TRY_LATER). */
export const statusCheck: Check<JwsCredentialState> = {
  name: 'status',
  async run(state) {
    const payload = required(state.payload, 'payload');
    const issuer = required(state.issuer, 'issuer');
    const reference = statusReferenceOf(payload);
    if (!reference) return failed('FORMAT_FAILURE', 'the credential carries no valid status list reference');
    let lookup: Awaited<ReturnType<typeof state.status.lookup>>;
    try {
      lookup = await state.status.lookup(reference, issuer, state.at);
    } catch (error) {
      lookup = { ok: false, reason: error instanceof Error ? error.message : 'the status source failed' };
    }
    if (!lookup.ok) return failed('TRY_LATER', `status unavailable: ${lookup.reason}`);
    switch (lookup.status) {
      case STATUS_VALID:
        return passed(`status list entry ${reference.idx}: valid`);
      case STATUS_INVALID:
        return failed('REVOKED', 'the credential has been revoked');
      case STATUS_SUSPENDED:
        // Suspension is temporary: not a final failure, but never passed (EN 319 102-1: REVOKED_NO_POE
        // is for revocation at an unknown time; a suspension is closest to "try later").
        return failed('TRY_LATER', 'the credential is suspended');
      default:
        return failed('GENERIC', `unknown status value ${lookup.status}`);
    }
  },
};
