import { passed, type Check } from '../../../verification/pipeline.js';
import { resolveIssuerKey } from '../../../verification/checks/issuer-key.js';
import { need, type LicenceState } from '../verification-state.js';

/**
 * The issuer key, by `kid` within the licence's region, judged by the rules every JWS credential
 * shares (`resolveIssuerKey`): role `licence`, revoked/retired status, validity, peer freshness.
 */
export const issuerKeyCheck: Check<LicenceState> = {
  name: 'issuer-key',
  run(state) {
    const envelope = need(state.envelope, 'envelope');
    const found = resolveIssuerKey(
      { kid: envelope.kid, region: envelope.region, role: 'licence', alg: need(state.alg, 'algorithm'), issuedAt: envelope.iat },
      (kid) => state.options.trust.issuersByKid(kid),
      state.at,
    );
    if ('verdict' in found) return found.verdict;
    state.issuer = found.issuer;
    return passed(`${found.issuer.name} (${found.issuer.region}, ${found.issuer.status})`);
  },
};
