import { createPublicKey, sign as nodeSign, webcrypto, type KeyObject } from 'node:crypto';
import { jwkThumbprint, publicJwkOf } from '../../crypto/jwk.js';
import type { Signer } from '../../crypto/signer.js';

/** A seal's P-256 key, decrypted for the duration of one stamp; implements the common Signer. */
export class SealSigner implements Signer {
  readonly kid: string;
  readonly alg = 'ES256' as const;
  readonly publicKey: KeyObject;
  readonly publicJwk: JsonWebKey;
  readonly certificateChain: Buffer[];
  readonly #privateKey: KeyObject;

  constructor(privateKey: KeyObject, certificateChain: Buffer[]) {
    if (privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('seal keys are P-256');
    this.#privateKey = privateKey;
    this.publicKey = createPublicKey(privateKey);
    this.publicJwk = publicJwkOf(this.publicKey);
    this.kid = jwkThumbprint(this.publicJwk);
    this.certificateChain = certificateChain;
  }

  async sign(data: Uint8Array, encoding: 'p1363' | 'der' = 'p1363'): Promise<Buffer> {
    return nodeSign('sha256', data, { key: this.#privateKey, dsaEncoding: encoding === 'der' ? 'der' : 'ieee-p1363' });
  }

  cryptoKey(): Promise<webcrypto.CryptoKey> {
    return webcrypto.subtle.importKey('pkcs8', this.#privateKey.export({ format: 'der', type: 'pkcs8' }), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  }
}
