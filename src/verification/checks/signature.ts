import type { JwsAlgorithm } from '../../crypto/algorithms.js';
import { verifyJwsSignature } from '../../crypto/verify-signature.js';
import { failed, passed, type Check } from '../pipeline.js';
import { required, type JwsCredentialState } from './jws-state.js';

export const signatureCheck: Check<JwsCredentialState> = {
  name: 'signature',
  run(state) {
    const jws = required(state.jws, 'jws');
    const issuer = required(state.issuer, 'issuer');
    const ok = verifyJwsSignature(jws.header.alg as JwsAlgorithm, issuer.publicKey, jws.signingInput, jws.signature);
    return ok ? passed() : failed('SIG_CRYPTO_FAILURE', 'the signature does not verify with the issuer key');
  },
};
