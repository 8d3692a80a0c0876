import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { isAllowedJwsAlgorithm } from '../../../crypto/algorithms.js';
import { parseCompactJws, parseJsonPayload } from '../../../crypto/jws.js';
import { verifyJwsSignature } from '../../../crypto/verify-signature.js';
import { failed, notApplicable, passed, type Check } from '../../../verification/pipeline.js';
import { required } from '../../../verification/checks/jws-state.js';
import { DEFAULT_KEY_BINDING_MAX_AGE_SECONDS, type LicenceState } from '../verification-state.js';

export const KB_JWT_TYP = 'kb+jwt';

/** The holder's public key from a `cnf.jwk` (RFC 7800 §3.2), or null when the JWK is not a usable public key. */
export function holderPublicKey(jwk: JsonWebKey): KeyObject | null {
  try {
    const key = createPublicKey({ key: jwk as never, format: 'jwk' });
    return key.type === 'public' ? key : null;
  } catch {
    return null;
  }
}

/**
 * The key-binding JWT (RFC 9901 §4.3, verified as §7.3 says). Required whenever the licence has a
 * holder key (`cnf`), and when the verifier demands it (a nonce, an audience or requireKeyBinding) —
 * then a licence without a holder key cannot satisfy it. Whenever a KB-JWT is present it is verified:
 *   typ kb+jwt, allowed alg, signature by the `cnf` key       → else SIG_CRYPTO_FAILURE / FORMAT_FAILURE
 *   sd_hash = base64url(SHA-256(<JWT>~<D1>~…~<Dn>~))          → else HASH_FAILURE
 *   nonce and aud equal to what the verifier expects          → else SIG_CONSTRAINTS_FAILURE
 *   iat within [now − max age − skew, now + skew]             → else SIG_CONSTRAINTS_FAILURE (stale or replayed)
 */
export const keyBindingCheck: Check<LicenceState> = {
  name: 'key-binding',
  optional: true,
  run(state) {
    const parsed = required(state.parsed, 'parsed SD-JWT');
    const envelope = required(state.envelope, 'envelope');
    const { nonce, audience, requireKeyBinding } = state.options;
    const demanded = requireKeyBinding === true || nonce !== undefined || audience !== undefined;
    const kb = parsed.keyBindingJwt;
    if (!kb) {
      if (demanded) return failed('SIG_CONSTRAINTS_FAILURE', 'the verifier requires a key-binding JWT and none was presented');
      // A licence bound to a holder key is only the holder's to present: whoever else holds the full
      // SD-JWT (every agency that used it) must not pass as the holder, demanded or not.
      if (envelope.cnfJwk) return failed('SIG_CONSTRAINTS_FAILURE', 'holder binding not proven: the licence has a holder key (cnf) and no key-binding JWT was presented');
      return notApplicable('licence is not bound to a holder key');
    }
    if (!envelope.cnfJwk) return failed('SIG_CONSTRAINTS_FAILURE', 'a key-binding JWT was presented but the licence has no holder key (cnf)');
    const jws = parseCompactJws(kb);
    if (typeof jws === 'string') return failed('FORMAT_FAILURE', `key-binding JWT: ${jws}`);
    if (jws.header.typ !== KB_JWT_TYP) return failed('FORMAT_FAILURE', `key-binding JWT typ must be ${KB_JWT_TYP}`);
    if (jws.header.crit !== undefined) return failed('FORMAT_FAILURE', 'key-binding JWT has crit extensions Tongban does not understand');
    const alg = jws.header.alg;
    if (!isAllowedJwsAlgorithm(alg)) return failed('CRYPTO_CONSTRAINTS_FAILURE', `key-binding algorithm ${JSON.stringify(alg)} is not allowed`);
    const key = holderPublicKey(envelope.cnfJwk);
    if (!key) return failed('FORMAT_FAILURE', 'the holder key in cnf is not a usable public JWK');
    if (!verifyJwsSignature(alg, key, jws.signingInput, jws.signature)) return failed('SIG_CRYPTO_FAILURE', 'key-binding JWT signature does not verify with the holder key');
    const payload = parseJsonPayload(jws.payloadBytes);
    if (!payload) return failed('FORMAT_FAILURE', 'key-binding JWT payload is not a JSON object');
    const expectedHash = createHash('sha256').update(parsed.withoutKeyBinding, 'ascii').digest('base64url');
    if (payload.sd_hash !== expectedHash) return failed('HASH_FAILURE', 'key-binding JWT sd_hash does not match the presented SD-JWT');
    if (nonce !== undefined && payload.nonce !== nonce) return failed('SIG_CONSTRAINTS_FAILURE', 'key-binding JWT nonce is not the one the verifier issued');
    if (audience !== undefined && payload.aud !== audience) return failed('SIG_CONSTRAINTS_FAILURE', 'key-binding JWT is addressed to another audience');
    if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) return failed('FORMAT_FAILURE', 'key-binding JWT has no iat');
    const now = state.at.getTime() / 1000;
    const maxAge = state.options.keyBindingMaxAgeSeconds ?? DEFAULT_KEY_BINDING_MAX_AGE_SECONDS;
    if (payload.iat > now + state.policy.clockSkewSeconds) return failed('SIG_CONSTRAINTS_FAILURE', 'key-binding JWT was made in the future');
    if (payload.iat < now - maxAge - state.policy.clockSkewSeconds) return failed('SIG_CONSTRAINTS_FAILURE', `key-binding JWT is older than ${maxAge} s`);
    const unchecked = [nonce === undefined ? 'nonce' : null, audience === undefined ? 'audience' : null].filter(Boolean);
    return passed(unchecked.length ? `holder key proven; ${unchecked.join(' and ')} not checked (verifier expected none)` : 'holder key proven for this verifier and nonce');
  },
};
