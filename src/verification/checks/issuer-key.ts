import type { IssuerRole } from '../../trust/roles.js';
import type { TrustedIssuer } from '../../trust/trust-material.js';
import { keyFitsAlgorithm } from '../../crypto/verify-signature.js';
import type { JwsAlgorithm } from '../../crypto/algorithms.js';
import { failed, passed, type Check, type CheckVerdict } from '../pipeline.js';
import { numericDate, required, type JwsCredentialState } from './jws-state.js';

export interface IssuerKeyQuery {
  kid: unknown;
  /** The region the credential claims to come from; disambiguates kids that collide across regions. */
  region: unknown;
  role: IssuerRole;
  alg: JwsAlgorithm;
  /** When the credential says it was signed (iat), in seconds. */
  issuedAt: number | undefined;
}

/**
 * Finds the one trusted issuer key for a credential and decides whether it may vouch for it, at `at`.
 * Shared by every JWS-based credential type.
 */
export function resolveIssuerKey(
  query: IssuerKeyQuery,
  candidates: (kid: string) => readonly TrustedIssuer[],
  at: Date,
): { issuer: TrustedIssuer } | { verdict: CheckVerdict } {
  if (typeof query.kid !== 'string' || query.kid.length === 0 || query.kid.length > 128) {
    return { verdict: failed('NO_SIGNING_CERTIFICATE_FOUND', 'the header names no key (kid)') };
  }
  const all = candidates(query.kid);
  const inRegion = typeof query.region === 'string' ? all.filter((i) => i.region === query.region) : [];
  if (inRegion.length === 0) {
    const where = all.length ? `kid is trusted only for region ${all.map((i) => i.region).join(', ')}` : 'kid is in no trust list';
    return { verdict: failed('NO_SIGNING_CERTIFICATE_FOUND', `no trusted ${query.role} key ${query.kid} for region ${String(query.region)}: ${where}`) };
  }
  // Never pick one of several silently: colliding kids within one region are a trust-list fault.
  if (inRegion.length > 1) return { verdict: failed('GENERIC', `kid ${query.kid} is ambiguous in region ${String(query.region)}`) };
  const issuer = inRegion[0]!;
  // A peer key is only as good as the list that vouches for it; without a freshness bound, fail closed.
  if (issuer.source === 'peer' && (!issuer.freshUntil || at > issuer.freshUntil)) {
    return { verdict: failed('TRY_LATER', `the trust list of ${issuer.region} is stale${issuer.freshUntil ? ` since ${issuer.freshUntil.toISOString()}` : ''}; sync it and try again`) };
  }
  if (!issuer.roles.includes(query.role)) {
    return { verdict: failed('SIG_CONSTRAINTS_FAILURE', `key ${issuer.kid} is trusted for ${issuer.roles.join(', ') || 'nothing'}, not ${query.role}`) };
  }
  if (!keyFitsAlgorithm(query.alg, issuer.publicKey)) {
    return { verdict: failed('SIG_CONSTRAINTS_FAILURE', `key ${issuer.kid} cannot be used with ${query.alg}`) };
  }
  if (issuer.status === 'revoked') {
    return { verdict: failed('REVOKED', `issuer key ${issuer.kid} was revoked${issuer.statusSince ? ` at ${issuer.statusSince.toISOString()}` : ''}`) };
  }
  const signedAt = query.issuedAt === undefined ? undefined : new Date(query.issuedAt * 1000);
  if (issuer.status === 'retired') {
    // Retired keys vouch only for what they signed before retirement (ETSI TS 119 612 service history).
    if (!signedAt || !issuer.statusSince || signedAt >= issuer.statusSince) {
      return { verdict: failed('SIG_CONSTRAINTS_FAILURE', `issuer key ${issuer.kid} was retired and the credential was not issued before that`) };
    }
  }
  if (signedAt && ((issuer.validFrom && signedAt < issuer.validFrom) || (issuer.validTo && signedAt > issuer.validTo))) {
    return { verdict: failed('SIG_CONSTRAINTS_FAILURE', `credential issued outside the validity of issuer key ${issuer.kid}`) };
  }
  return { issuer };
}

/** The issuer-key check for a JWS credential of a given role. */
export function issuerKeyCheck(role: IssuerRole): Check<JwsCredentialState> {
  return {
    name: 'issuer-key',
    run(state) {
      const jws = required(state.jws, 'jws');
      const payload = required(state.payload, 'payload');
      const found = resolveIssuerKey(
        { kid: jws.header.kid, region: payload.region, role, alg: jws.header.alg as JwsAlgorithm, issuedAt: numericDate(payload, 'iat') },
        (kid) => state.trust.issuersByKid(kid),
        state.at,
      );
      if ('verdict' in found) return found.verdict;
      state.issuer = found.issuer;
      return passed(`${found.issuer.name} (${found.issuer.region}, ${found.issuer.source})`);
    },
  };
}
