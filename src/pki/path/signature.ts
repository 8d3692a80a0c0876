// Signature verification with node:crypto (OpenSSL) and the algorithm allow-list.
// Verification and policy are separate on purpose: path building follows only edges whose
// signature verifies mathematically; the allow-list is then applied to the chosen path so that a
// SHA-1 chain is reported as CRYPTO_CONSTRAINTS_FAILURE rather than "no chain found".
import { type KeyObject, constants, verify } from 'node:crypto';
import { publicKeyFromSpki } from '../../crypto/spki-keys.js';
import type { AlgorithmIdentifier, ParsedCert } from './cert.js';
import { TAG, childrenOf, decodeOid, decodeSmallInt, sequenceOf } from '../der/reader.js';

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const ALLOWED_HASHES = new Set(['sha256', 'sha384', 'sha512']);
const MGF1 = '1.2.840.113549.1.1.8';

type SigKind = 'ecdsa' | 'rsa-pkcs1' | 'rsa-pss' | 'ed25519' | 'dsa';

const SIG_ALGS: Record<string, { kind: SigKind; hash: string | null; name: string }> = {
  '1.2.840.10045.4.1': { kind: 'ecdsa', hash: 'sha1', name: 'ecdsa-with-SHA1' },
  '1.2.840.10045.4.3.1': { kind: 'ecdsa', hash: 'sha224', name: 'ecdsa-with-SHA224' },
  '1.2.840.10045.4.3.2': { kind: 'ecdsa', hash: 'sha256', name: 'ecdsa-with-SHA256' },
  '1.2.840.10045.4.3.3': { kind: 'ecdsa', hash: 'sha384', name: 'ecdsa-with-SHA384' },
  '1.2.840.10045.4.3.4': { kind: 'ecdsa', hash: 'sha512', name: 'ecdsa-with-SHA512' },
  '1.2.840.113549.1.1.4': { kind: 'rsa-pkcs1', hash: 'md5', name: 'md5WithRSAEncryption' },
  '1.2.840.113549.1.1.5': { kind: 'rsa-pkcs1', hash: 'sha1', name: 'sha1WithRSAEncryption' },
  '1.2.840.113549.1.1.14': { kind: 'rsa-pkcs1', hash: 'sha224', name: 'sha224WithRSAEncryption' },
  '1.2.840.113549.1.1.11': { kind: 'rsa-pkcs1', hash: 'sha256', name: 'sha256WithRSAEncryption' },
  '1.2.840.113549.1.1.12': { kind: 'rsa-pkcs1', hash: 'sha384', name: 'sha384WithRSAEncryption' },
  '1.2.840.113549.1.1.13': { kind: 'rsa-pkcs1', hash: 'sha512', name: 'sha512WithRSAEncryption' },
  '1.2.840.113549.1.1.10': { kind: 'rsa-pss', hash: null, name: 'RSASSA-PSS' },
  '1.3.101.112': { kind: 'ed25519', hash: null, name: 'Ed25519' },
  '1.2.840.10040.4.3': { kind: 'dsa', hash: 'sha1', name: 'dsa-with-SHA1' },
  '2.16.840.1.101.3.4.3.2': { kind: 'dsa', hash: 'sha256', name: 'dsa-with-SHA256' },
};

export interface SignatureScheme {
  kind: SigKind;
  name: string;
  hash: string | null;
  saltLength?: number;
}

/** Decodes a signature AlgorithmIdentifier (RFC 5758 / RFC 4055 / RFC 8410 parameter rules). */
export function signatureScheme(alg: AlgorithmIdentifier): SignatureScheme | { error: string } {
  const known = SIG_ALGS[alg.oid];
  if (!known) return { error: `unknown signature algorithm ${alg.oid}` };
  const s: SignatureScheme = { ...known };
  try {
    if (known.kind === 'rsa-pkcs1') {
      // RFC 4055 §5: parameters MUST be NULL (absent tolerated, as most validators do).
      if (alg.params && alg.params.tag !== TAG.NULL) return { error: `${known.name}: parameters must be NULL` };
    } else if (known.kind === 'rsa-pss') {
      if (!alg.params) return { error: 'RSASSA-PSS without parameters' };
      let hash = 'sha1';
      let mgfHash = 'sha1';
      let salt = 20;
      for (const f of sequenceOf(alg.params, 'RSASSA-PSS-params')) {
        const [inner] = childrenOf(f);
        if (f.tag === 0xa0) {
          const [h] = sequenceOf(inner, 'hashAlgorithm');
          hash = HASHES[decodeOid(h!)] ?? 'unknown';
        } else if (f.tag === 0xa1) {
          const [m, p] = sequenceOf(inner, 'maskGenAlgorithm');
          if (decodeOid(m!) !== MGF1) return { error: 'RSASSA-PSS: only MGF1 is supported' };
          const [h] = sequenceOf(p, 'MGF1 hash');
          mgfHash = HASHES[decodeOid(h!)] ?? 'unknown';
        } else if (f.tag === 0xa2) salt = decodeSmallInt(inner!);
        else if (f.tag === 0xa3) {
          if (decodeSmallInt(inner!) !== 1) return { error: 'RSASSA-PSS: trailerField must be 1' };
        } else return { error: 'RSASSA-PSS: unexpected parameter' };
      }
      // node:crypto uses the message digest for MGF1 too; other combinations are not supported.
      if (hash !== mgfHash) return { error: 'RSASSA-PSS: MGF1 hash differs from message hash' };
      s.hash = hash;
      s.saltLength = salt;
    } else if (alg.params) {
      // RFC 5758 §3.2 (ECDSA), RFC 8410 §3 (Ed25519): parameters MUST be absent.
      return { error: `${known.name}: parameters must be absent` };
    }
  } catch (err) {
    return { error: `malformed signature parameters: ${(err as Error).message}` };
  }
  return s;
}

type KeyKind = 'ec' | 'rsa' | 'rsa-pss' | 'ed25519' | 'dsa' | 'other';

export interface KeyInfo {
  kind: KeyKind;
  key?: KeyObject;
  curve?: string;
  bits?: number;
  /** Why this key is not acceptable under the allow-list, if it is not. */
  problem?: string;
  description: string;
}

const CURVES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
  '1.2.840.10045.3.1.1': 'P-192',
  '1.3.132.0.33': 'P-224',
  '1.2.156.10197.1.301': 'SM2',
};
const ALLOWED_CURVES = new Set(['P-256', 'P-384', 'P-521']);

const keyCache = new WeakMap<ParsedCert, KeyInfo>();

export function keyInfo(c: ParsedCert): KeyInfo {
  const hit = keyCache.get(c);
  if (hit) return hit;
  const info = computeKeyInfo(c);
  keyCache.set(c, info);
  return info;
}

function computeKeyInfo(c: ParsedCert): KeyInfo {
  const alg = c.spkiAlgorithm;
  let key: KeyObject | undefined;
  let loadError: string | undefined;
  try {
    key = publicKeyFromSpki(c.spki);
  } catch (err) {
    loadError = (err as Error).message;
  }
  const withKey = (i: KeyInfo): KeyInfo => {
    if (key) i.key = key;
    else if (!i.problem) i.problem = `public key cannot be loaded: ${loadError}`;
    return i;
  };
  switch (alg.oid) {
    case '1.2.840.10045.2.1': {
      // RFC 5480 §2.1.1: the parameters MUST be a namedCurve (explicit curves are forbidden).
      if (!alg.params || alg.params.tag !== TAG.OID)
        return withKey({ kind: 'ec', problem: 'EC key without a named curve (RFC 5480 §2.1.1)', description: 'EC (explicit curve)' });
      let curveOid: string;
      try {
        curveOid = decodeOid(alg.params);
      } catch {
        return { kind: 'ec', problem: 'malformed EC curve identifier', description: 'EC' };
      }
      const curve = CURVES[curveOid] ?? curveOid;
      const i: KeyInfo = { kind: 'ec', curve, description: `EC ${curve}` };
      if (!ALLOWED_CURVES.has(curve)) i.problem = `EC curve ${curve} is not allowed (P-256/P-384/P-521 only)`;
      return withKey(i);
    }
    case '1.2.840.113549.1.1.1':
    case '1.2.840.113549.1.1.10': {
      const kind: KeyKind = alg.oid.endsWith('.1.1') ? 'rsa' : 'rsa-pss';
      if (kind === 'rsa' && alg.params && alg.params.tag !== TAG.NULL)
        return withKey({ kind, problem: 'rsaEncryption parameters must be NULL (RFC 3279 §2.3.1)', description: 'RSA' });
      const bits = key?.asymmetricKeyDetails?.modulusLength;
      const i: KeyInfo = { kind, description: `RSA-${bits ?? '?'}` };
      if (bits !== undefined) i.bits = bits;
      if (bits === undefined || bits < 2048) i.problem = `RSA key of ${bits ?? 'unknown'} bits is too small (≥ 2048 required)`;
      else if (bits % 8 !== 0) i.problem = `RSA modulus of ${bits} bits is not a multiple of 8`;
      return withKey(i);
    }
    case '1.3.101.112':
      if (alg.params) return withKey({ kind: 'ed25519', problem: 'Ed25519 key parameters must be absent (RFC 8410 §3)', description: 'Ed25519' });
      return withKey({ kind: 'ed25519', description: 'Ed25519' });
    case '1.2.840.10040.4.1':
      return withKey({ kind: 'dsa', problem: 'DSA keys are not allowed', description: 'DSA' });
    default:
      return withKey({ kind: 'other', problem: `public key algorithm ${alg.oid} is not allowed`, description: alg.oid });
  }
}

const COMPATIBLE: Record<SigKind, KeyKind[]> = {
  ecdsa: ['ec'],
  'rsa-pkcs1': ['rsa'],
  'rsa-pss': ['rsa', 'rsa-pss'],
  ed25519: ['ed25519'],
  dsa: ['dsa'],
};

/** Mathematical verification only (no policy). Never throws. */
export function verifySignatureRaw(alg: AlgorithmIdentifier, data: Uint8Array, sig: Uint8Array, signer: KeyInfo): boolean {
  const s = signatureScheme(alg);
  if ('error' in s || !signer.key || !COMPATIBLE[s.kind].includes(signer.kind)) return false;
  try {
    const d = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const g = Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength);
    switch (s.kind) {
      case 'ed25519':
        return verify(null, d, signer.key, g);
      case 'rsa-pss':
        return verify(s.hash, d, { key: signer.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: s.saltLength! }, g);
      case 'rsa-pkcs1':
        return verify(s.hash, d, { key: signer.key, padding: constants.RSA_PKCS1_PADDING }, g);
      default:
        return verify(s.hash, d, { key: signer.key, dsaEncoding: 'der' }, g);
    }
  } catch {
    return false;
  }
}

/** The allow-list: why (alg, signer key) is not acceptable, or undefined when it is. */
export function signaturePolicyProblem(alg: AlgorithmIdentifier, signer: KeyInfo): string | undefined {
  const s = signatureScheme(alg);
  if ('error' in s) return s.error;
  if (s.kind === 'dsa') return `${s.name} is not allowed`;
  if (s.hash && !ALLOWED_HASHES.has(s.hash)) return `${s.name} uses ${s.hash}, which is not allowed (SHA-256 or stronger required)`;
  if (!COMPATIBLE[s.kind].includes(signer.kind)) return `${s.name} does not match the signer's ${signer.description} key`;
  if (signer.problem) return `signer key: ${signer.problem}`;
  return undefined;
}
