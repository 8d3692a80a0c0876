// Seal private keys at rest. A province holds tens of thousands of seals, so their keys live in the
// database next to the seal rows (replicated and backed up with them, shared by every node of the
// region) rather than as one PKCS#8 file each under KEYS_DIR. Each key is encrypted with
// AES-256-GCM under a key derived (HKDF-SHA256, RFC 5869) from a secret that stays in KEYS_DIR:
// a database dump alone reveals no seal key, and the seal id is bound in as additional
// authenticated data so a ciphertext copied onto another seal's row fails to open.
import { createCipheriv, createDecipheriv, createPrivateKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import type { KeyStore } from '../../crypto/signer.js';

const FORMAT_VERSION = 1;
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit random IVs
const TAG_BYTES = 16;
const SECRET_FILE = 'seal-keys.secret';

export class SealKeyVault {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  /** Opens the vault with the node's seal-key secret (created on first use, mode 0600). */
  static async open(store: KeyStore): Promise<SealKeyVault> {
    await store.init();
    const secret = Buffer.from(await store.secret(SECRET_FILE, () => randomBytes(32).toString('base64')), 'base64');
    return SealKeyVault.fromSecret(secret);
  }

  static fromSecret(secret: Buffer): SealKeyVault {
    if (secret.length < 32) throw new Error('the seal key secret must hold at least 256 bits');
    const key = Buffer.from(hkdfSync('sha256', secret, 'tongban seal keys', `aes-256-gcm v${FORMAT_VERSION}`, 32));
    return new SealKeyVault(key);
  }

  /** version ‖ iv ‖ tag ‖ AES-256-GCM(PKCS#8 DER). */
  encrypt(sealId: string, privateKey: KeyObject): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(aad(sealId));
    const body = Buffer.concat([cipher.update(privateKey.export({ format: 'der', type: 'pkcs8' })), cipher.final()]);
    return Buffer.concat([Buffer.of(FORMAT_VERSION), iv, cipher.getAuthTag(), body]);
  }

  /** Decrypts a seal key; throws when the blob was altered, moved to another seal or made under another secret. */
  decrypt(sealId: string, blob: Buffer): KeyObject {
    if (blob.length < 1 + IV_BYTES + TAG_BYTES + 1 || blob[0] !== FORMAT_VERSION) throw new Error('unknown seal key format');
    const iv = blob.subarray(1, 1 + IV_BYTES);
    const tag = blob.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    decipher.setAAD(aad(sealId));
    decipher.setAuthTag(tag);
    const der = Buffer.concat([decipher.update(blob.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  }
}

const aad = (sealId: string) => Buffer.from(`tongban-seal-key:v${FORMAT_VERSION}:${sealId}`, 'utf8');
