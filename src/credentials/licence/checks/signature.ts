import { verifyJwsSignature } from '../../../crypto/verify-signature.js';
import { failed, passed, type Check } from '../../../verification/pipeline.js';
import { need, type LicenceState } from '../verification-state.js';

/** The issuer's signature over the issuer-signed JWT (RFC 9901 §7.1 step 2). */
export const signatureCheck: Check<LicenceState> = {
  name: 'signature',
  run(state) {
    const jws = need(state.parsed, 'parsed SD-JWT').issuerJwt;
    const ok = verifyJwsSignature(need(state.alg, 'algorithm'), need(state.issuer, 'issuer').publicKey, jws.signingInput, jws.signature);
    return ok ? passed() : failed('SIG_CRYPTO_FAILURE', 'issuer signature does not verify');
  },
};
