import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, webcrypto, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JwsAlgorithm } from './algorithms.js';
import { jwkThumbprint, publicJwkOf } from './jwk.js';
import type { KeyStore, Signer } from './signer.js';

const PRIVATE_FILE_MODE = 0o600;

/** What a key store needs to know to create a key that does not exist yet. */
export type KeyAlgorithm = 'P-256' | 'P-384';

const ALGORITHMS: Record<KeyAlgorithm, { curve: string; jws: JwsAlgorithm; hash: 'sha256' | 'sha384'; webHash: string }> = {
  'P-256': { curve: 'prime256v1', jws: 'ES256', hash: 'sha256', webHash: 'SHA-256' },
  'P-384': { curve: 'secp384r1', jws: 'ES384', hash: 'sha384', webHash: 'SHA-384' },
};

/** A private key held in a PKCS#8 PEM file, encrypted with AES-256 when a passphrase is configured. */
class FileSigner implements Signer {
  readonly kid: string;
  readonly alg: JwsAlgorithm;
  readonly publicKey: KeyObject;
  readonly publicJwk: JsonWebKey;
  certificateChain: Buffer[] = [];
  #privateKey: KeyObject;
  #algorithm: KeyAlgorithm;
  #cryptoKey: Promise<webcrypto.CryptoKey> | undefined;

  constructor(privateKey: KeyObject, algorithm: KeyAlgorithm) {
    this.#privateKey = privateKey;
    this.#algorithm = algorithm;
    this.alg = ALGORITHMS[algorithm].jws;
    this.publicKey = createPublicKey(privateKey);
    this.publicJwk = publicJwkOf(this.publicKey);
    this.kid = jwkThumbprint(this.publicJwk);
  }

  async sign(data: Uint8Array, encoding: 'p1363' | 'der' = 'p1363'): Promise<Buffer> {
    const dsaEncoding = encoding === 'der' ? 'der' : 'ieee-p1363';
    return nodeSign(ALGORITHMS[this.#algorithm].hash, data, { key: this.#privateKey, dsaEncoding });
  }

  cryptoKey(): Promise<webcrypto.CryptoKey> {
    this.#cryptoKey ??= webcrypto.subtle.importKey(
      'pkcs8',
      this.#privateKey.export({ format: 'der', type: 'pkcs8' }),
      { name: 'ECDSA', namedCurve: this.#algorithm },
      false,
      ['sign'],
    );
    return this.#cryptoKey;
  }
}

function algorithmOf(key: KeyObject): KeyAlgorithm {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'prime256v1') return 'P-256';
  if (curve === 'secp384r1') return 'P-384';
  throw new Error(`unsupported key curve ${String(curve)}`);
}

/**
 * Keys as files under KEYS_DIR: `<name>.key.pem` (PKCS#8, mode 0600) and `<name>.chain.pem` (the
 * certificate chain, leaf first). Written atomically (temp file + rename) so a crash never leaves half a key.
 */
export class FileKeyStore implements KeyStore {
  readonly #dir: string;
  readonly #passphrase: string | undefined;

  constructor(dir: string, passphrase?: string) {
    this.#dir = dir;
    this.#passphrase = passphrase || undefined;
  }

  get directory(): string {
    return this.#dir;
  }

  async init(): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
  }

  #file(name: string, kind: 'key' | 'chain'): string {
    if (!/^[a-z0-9-]+(@[A-Za-z0-9_-]{43})?$/.test(name)) throw new Error(`invalid key name ${name}`);
    return path.join(this.#dir, `${name}.${kind}.pem`);
  }

  async has(name: string): Promise<boolean> {
    return exists(this.#file(name, 'key'));
  }

  /** Loads a key and its chain; the chain may be empty if it was never written. */
  async load(name: string): Promise<Signer> {
    const pem = await readFile(this.#file(name, 'key'), 'utf8');
    const privateKey = createPrivateKey(
      this.#passphrase ? { key: pem, format: 'pem', passphrase: this.#passphrase } : { key: pem, format: 'pem' },
    );
    const signer = new FileSigner(privateKey, algorithmOf(privateKey));
    const chainFile = this.#file(name, 'chain');
    if (await exists(chainFile)) signer.certificateChain = pemToDerList(await readFile(chainFile, 'utf8'));
    return signer;
  }

  /** Generates and stores a new key; fails if one with that name exists (keys are never silently replaced). */
  async generate(name: string, algorithm: KeyAlgorithm = 'P-256'): Promise<Signer> {
    const file = this.#file(name, 'key');
    if (await exists(file)) throw new Error(`key ${name} already exists`);
    await this.init();
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: ALGORITHMS[algorithm].curve });
    const pem = privateKey.export(
      this.#passphrase
        ? { format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: this.#passphrase }
        : { format: 'pem', type: 'pkcs8' },
    ) as string;
    await writeAtomically(file, pem, PRIVATE_FILE_MODE);
    return new FileSigner(privateKey, algorithm);
  }

  async saveChain(name: string, signer: Signer, chain: Buffer[]): Promise<void> {
    await writeAtomically(this.#file(name, 'chain'), chain.map(derToPem).join(''), 0o644);
    (signer as FileSigner).certificateChain = chain;
  }

  async archive(name: string): Promise<Signer> {
    const signer = await this.load(name);
    const archivedName = `${name}@${signer.kid}`;
    // Chain first, key last: a crash in between leaves the current key in place, never no key.
    if (await exists(this.#file(name, 'chain'))) await rename(this.#file(name, 'chain'), this.#file(archivedName, 'chain'));
    await rename(this.#file(name, 'key'), this.#file(archivedName, 'key'));
    return signer;
  }

  async archived(name: string): Promise<Signer[]> {
    const prefix = `${name}@`;
    let files: string[] = [];
    try {
      files = await readdir(this.#dir);
    } catch {
      return [];
    }
    const names = files.filter((f) => f.startsWith(prefix) && f.endsWith('.key.pem')).map((f) => f.slice(0, -'.key.pem'.length));
    return Promise.all(names.map((n) => this.load(n)));
  }

  /** A secret value (HMAC key, token) kept in `<name>` with mode 0600, created on first use. */
  async secret(name: string, create: () => string): Promise<string> {
    const file = path.join(this.#dir, name);
    if (await exists(file)) return (await readFile(file, 'utf8')).trim();
    await this.init();
    const value = create();
    await writeAtomically(file, `${value}\n`, PRIVATE_FILE_MODE);
    return value;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content, { mode, flag: 'w' });
  await chmod(temp, mode);
  await rename(temp, file);
}

export function derToPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export function pemToDerList(pem: string): Buffer[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => Buffer.from(block.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''), 'base64'));
}
