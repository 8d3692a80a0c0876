import { decodeBase64Url } from '../crypto/base64url.js';
import { bitStringBytes, DerError, decodeOid, readElement, sequenceOf } from './der/reader.js';

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const ED25519 = '1.3.101.112';
const CURVES: Record<string, string> = { 'P-256': '1.2.840.10045.3.1.7', 'P-384': '1.3.132.0.34' };

/**
 * Whether a certificate (DER) certifies exactly the key of a public JWK: same algorithm, same curve,
 * same point. Reads only the SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) with the strict DER reader,
 * because trust lists carry thousands of certificates and a full parse of each costs too much.
 * Malformed DER answers false.
 */
export function certificateCertifiesJwk(certificateDer: Uint8Array, jwk: JsonWebKey): boolean {
  try {
    const [tbs] = sequenceOf(readElement(certificateDer), 'Certificate');
    const fields = sequenceOf(tbs, 'tbsCertificate');
    // RFC 5280 §4.1: version is the optional [0] EXPLICIT first field; SPKI follows subject.
    const spki = sequenceOf(fields[fields[0]?.tag === 0xa0 ? 6 : 5], 'subjectPublicKeyInfo');
    const algorithm = sequenceOf(spki[0], 'algorithm');
    const { bytes, unused } = bitStringBytes(spki[1], 'subjectPublicKey');
    if (unused !== 0) return false;
    const algorithmOid = decodeOid(algorithm[0]);
    if (jwk.kty === 'EC') {
      const x = decodeBase64Url(jwk.x ?? '');
      const y = decodeBase64Url(jwk.y ?? '');
      const curve = CURVES[jwk.crv ?? ''];
      if (!x || !y || !curve || algorithmOid !== EC_PUBLIC_KEY || decodeOid(algorithm[1]) !== curve) return false;
      // Uncompressed point (SEC 1 §2.3.3): 0x04 || x || y.
      return Buffer.from(bytes).equals(Buffer.concat([Buffer.of(0x04), x, y]));
    }
    if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
      const x = decodeBase64Url(jwk.x ?? '');
      return !!x && algorithmOid === ED25519 && algorithm.length === 1 && Buffer.from(bytes).equals(x);
    }
    return false;
  } catch (error) {
    if (error instanceof DerError) return false;
    throw error;
  }
}
