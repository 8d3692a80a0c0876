import { signCompactJws } from '../../crypto/jws.js';
import type { Signer } from '../../crypto/signer.js';
import { TRUST_LIST_TYP, type TrustListPayload } from './format.js';

/**
 * Signs a list with the region's list signer. The whole chain (leaf first, anchor last) goes in
 * x5c as standard base64 DER (RFC 7515 §4.1.6), so a partner that pinned only the anchor can follow
 * a rotated list signer without any change on its side.
 */
export function signEnvelope(typ: string, payload: object, signer: Signer): Promise<string> {
  if (signer.certificateChain.length === 0) throw new Error('the list signer has no certificate chain');
  const x5c = signer.certificateChain.map((der) => der.toString('base64'));
  return signCompactJws({ typ, x5c }, Buffer.from(JSON.stringify(payload), 'utf8'), signer);
}

export function signTrustList(payload: TrustListPayload, signer: Signer): Promise<string> {
  return signEnvelope(TRUST_LIST_TYP, payload, signer);
}
