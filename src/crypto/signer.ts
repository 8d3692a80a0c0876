import type { KeyObject, webcrypto } from 'node:crypto';
import type { JwsAlgorithm } from './algorithms.js';

/**
 * One signing key in use. Every private-key operation in Tongban goes through this interface, so that
 * keys held in files today can move to an HSM or KMS (PKCS#11) without touching callers: an HSM-backed
 * implementation keeps the private key inside the device and implements `sign` and `cryptoKey` with it
 * (a PKCS#11 WebCrypto provider such as node-webcrypto-p11 yields such CryptoKeys).
 */
export interface Signer {
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key. */
  readonly kid: string;
  readonly alg: JwsAlgorithm;
  readonly publicKey: KeyObject;
  readonly publicJwk: JsonWebKey;
  /** The key's certificate chain, DER, leaf first, up to and including the trust anchor. */
  readonly certificateChain: Buffer[];
  /** Signs `data`: IEEE P1363 (r||s) by default, as JWS wants; DER when CMS/X.509 wants it. */
  sign(data: Uint8Array, encoding?: 'p1363' | 'der'): Promise<Buffer>;
  /** A non-extractable WebCrypto signing key, for certificate and CRL issuance with @peculiar/x509. */
  cryptoKey(): Promise<webcrypto.CryptoKey>;
}

/**
 * Where a node's keys live. `FileKeyStore` keeps them as PKCS#8 files; an HSM/KMS implementation
 * generates keys inside the device, returns Signers that never expose the private key, and keeps the
 * certificate chains and the few secrets (HMAC keys, tokens) in its own protected storage.
 */
export interface KeyStore {
  readonly directory: string;
  init(): Promise<void>;
  has(name: string): Promise<boolean>;
  load(name: string): Promise<Signer>;
  generate(name: string, algorithm?: 'P-256' | 'P-384'): Promise<Signer>;
  saveChain(name: string, signer: Signer, chain: Buffer[]): Promise<void>;
  secret(name: string, create: () => string): Promise<string>;
  /** Moves the current key `name` aside as `name@<kid>` (kept: it still signs what it issued, e.g. status lists). */
  archive(name: string): Promise<Signer>;
  /** The keys archived from `name` by earlier rotations. */
  archived(name: string): Promise<Signer[]>;
}
