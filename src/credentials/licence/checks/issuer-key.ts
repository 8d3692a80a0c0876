import { keyFitsAlgorithm } from '../../../crypto/verify-signature.js';
import { failed, passed, type Check } from '../../../verification/pipeline.js';
import { need, type LicenceState } from '../verification-state.js';

/**
 * Finds the issuer key by `kid` among the trusted issuers of the credential's region and judges it as
 * it stood when the licence was issued (ETSI TS 119 612 service status semantics):
 *   unknown kid (in that region)           → NO_SIGNING_CERTIFICATE_FOUND
 *   key without the `licence` role         → SIG_CONSTRAINTS_FAILURE
 *   revoked key                            → REVOKED
 *   retired key, licence issued after      → SIG_CONSTRAINTS_FAILURE (retired keys vouch only for the past)
 *   iat outside the key's validity period  → SIG_CONSTRAINTS_FAILURE
 *   peer key whose trust list is stale     → TRY_LATER (also when a peer key has no freshUntil: fail closed)
 * The indication follows from the sub-indication (report.ts, EN 319 102-1 Tables 5 and 6): REVOKED is
 * TOTAL_FAILED, the others INDETERMINATE.
 */
export const issuerKeyCheck: Check<LicenceState> = {
  name: 'issuer-key',
  run(state) {
    const envelope = need(state.envelope, 'envelope');
    const alg = need(state.alg, 'algorithm');
    const candidates = state.options.trust.issuersByKid(envelope.kid).filter((i) => i.region === envelope.region);
    if (candidates.length === 0) return failed('NO_SIGNING_CERTIFICATE_FOUND', `no trusted issuer key ${envelope.kid} for region ${envelope.region}`);
    const issuer = candidates.find((i) => i.roles.includes('licence'));
    if (!issuer) return failed('SIG_CONSTRAINTS_FAILURE', `issuer key ${envelope.kid} is not trusted to issue licences`);
    state.issuer = issuer;
    const issuedAt = new Date(envelope.iat * 1000);
    if (issuer.status === 'revoked') return failed('REVOKED', `issuer key was revoked${issuer.statusSince ? ` at ${issuer.statusSince.toISOString()}` : ''}`);
    if (issuer.status === 'retired') {
      if (!issuer.statusSince) return failed('SIG_CONSTRAINTS_FAILURE', 'issuer key is retired and its retirement time is unknown');
      if (issuedAt >= issuer.statusSince) return failed('SIG_CONSTRAINTS_FAILURE', `licence claims issuance after the issuer key was retired (${issuer.statusSince.toISOString()})`);
    }
    if ((issuer.validFrom && issuedAt < issuer.validFrom) || (issuer.validTo && issuedAt > issuer.validTo)) {
      return failed('SIG_CONSTRAINTS_FAILURE', 'licence claims issuance outside the issuer key validity period');
    }
    if (issuer.source === 'peer' && (!issuer.freshUntil || issuer.freshUntil < state.at)) {
      return failed('TRY_LATER', `trust list of ${issuer.region} is stale; sync it and try again`);
    }
    if (!keyFitsAlgorithm(alg, issuer.publicKey)) return failed('SIG_CONSTRAINTS_FAILURE', `issuer key does not fit algorithm ${alg}`);
    return passed(`${issuer.name} (${issuer.region}, ${issuer.status})`);
  },
};
