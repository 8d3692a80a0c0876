// Verifies the signature value of a SignerInfo over its signed attributes (RFC 5652 §5.6), under an
// allow-list of algorithms: ECDSA on P-256/P-384 and RSA PKCS#1 v1.5 ≥ 2048 bits, with SHA-2.
import { verify, type KeyObject } from 'node:crypto';
import { publicKeyFromSpki } from '../../crypto/spki-keys.js';
import { DIGEST_BY_OID, OID, type DigestName } from './oids.js';

export type SignatureCheck = { ok: true } | { ok: false; reason: 'algorithm' | 'key' | 'signature'; detail: string };

const ECDSA: Readonly<Record<string, DigestName>> = {
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
};
const RSA: Readonly<Record<string, DigestName>> = {
  [OID.sha256WithRsa]: 'sha256',
  [OID.sha384WithRsa]: 'sha384',
  [OID.sha512WithRsa]: 'sha512',
};
const ACCEPTED_CURVES = new Set(['prime256v1', 'secp384r1']);
const MIN_RSA_BITS = 2048;

export interface SignatureInput {
  /** SignerInfo.digestAlgorithm OID. */
  digestAlgorithm: string;
  /** SignerInfo.signatureAlgorithm OID. */
  signatureAlgorithm: string;
  /** DER SubjectPublicKeyInfo of the signing certificate. */
  spki: Uint8Array;
  /** The bytes signed: the signed attributes as SET OF. */
  signed: Uint8Array;
  signature: Uint8Array;
}

export function verifySignerInfoSignature(input: SignatureInput): SignatureCheck {
  const digest = DIGEST_BY_OID[input.digestAlgorithm];
  if (!digest) return { ok: false, reason: 'algorithm', detail: `digest algorithm ${input.digestAlgorithm} is not accepted` };
  let key: KeyObject;
  try {
    key = publicKeyFromSpki(input.spki);
  } catch {
    return { ok: false, reason: 'key', detail: 'the signing certificate holds an unreadable public key' };
  }
  const sigAlg = input.signatureAlgorithm;
  let family: 'ec' | 'rsa';
  // RFC 5753 §7.2 allows id-ecPublicKey and RFC 3370 §3.2 rsaEncryption as signatureAlgorithm, the
  // hash then being the digestAlgorithm; with a combined OID the two hashes must agree.
  if (sigAlg === OID.ecPublicKey || ECDSA[sigAlg]) {
    if (ECDSA[sigAlg] && ECDSA[sigAlg] !== digest) return { ok: false, reason: 'algorithm', detail: 'signature and digest algorithms disagree' };
    family = 'ec';
  } else if (sigAlg === OID.rsaEncryption || RSA[sigAlg]) {
    if (RSA[sigAlg] && RSA[sigAlg] !== digest) return { ok: false, reason: 'algorithm', detail: 'signature and digest algorithms disagree' };
    family = 'rsa';
  } else {
    return { ok: false, reason: 'algorithm', detail: `signature algorithm ${sigAlg} is not accepted` };
  }
  if (family === 'ec') {
    if (key.asymmetricKeyType !== 'ec' || !ACCEPTED_CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? '')) {
      return { ok: false, reason: 'key', detail: 'an ECDSA signature needs a P-256 or P-384 key' };
    }
  } else if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
    return { ok: false, reason: 'key', detail: `an RSA signature needs an RSA key of at least ${MIN_RSA_BITS} bits` };
  }
  let valid = false;
  try {
    valid = verify(digest, input.signed, family === 'ec' ? { key, dsaEncoding: 'der' } : key, input.signature);
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, reason: 'signature', detail: 'the signature value does not verify with the signing certificate key' };
}
