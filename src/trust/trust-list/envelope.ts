import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { isAllowedJwsAlgorithm, type JwsAlgorithm } from '../../crypto/algorithms.js';
import { parseCompactJws } from '../../crypto/jws.js';
import { keyFitsAlgorithm, verifyJwsSignature } from '../../crypto/verify-signature.js';
import type { x509 } from '../../pki/x509.js';
import { verifyChainToAnchor, MAX_CHAIN_LENGTH } from './chain.js';
import { refuse, type TrustListRefusal } from './errors.js';

/** A signed list (trust list or list of lists) whose signature and chain to the pinned anchor hold. */
export interface VerifiedEnvelope {
  ok: true;
  alg: JwsAlgorithm;
  payloadText: string;
  /** SHA-256 (hex) of the exact compact JWS: the identity of this issue of the list, and its ETag. */
  hash: string;
  signer: { certificate: x509.X509Certificate; publicKey: KeyObject };
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Header members we understand; `crit` naming anything (RFC 7515 §4.1.11) is refused. */
const KNOWN_HEADER = new Set(['alg', 'typ', 'kid', 'x5c']);

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Steps 1–5 of docs/federation.md §"Acceptance rules": size, compact JWS syntax, header (explicit
 * `typ`, allowed `alg`, x5c), chain to the pinned anchor, signature by the chain's leaf.
 * Validation happens before any crypto; the anchor comes from the pin, never from the message.
 */
export async function verifySignedEnvelope(
  token: string,
  options: { typ: string; anchor: x509.X509Certificate; at: Date; maxBytes: number },
): Promise<VerifiedEnvelope | TrustListRefusal> {
  if (token.length > options.maxBytes) return refuse('TRUST_LIST_TOO_LARGE', `the list exceeds ${options.maxBytes} bytes`);
  const jws = parseCompactJws(token.trim());
  if (typeof jws === 'string') return refuse('TRUST_LIST_MALFORMED', `not a compact JWS: ${jws}`);
  const { header } = jws;
  if (header.typ !== options.typ) return refuse('TRUST_LIST_MALFORMED', `JWS typ must be ${options.typ}`);
  if (!isAllowedJwsAlgorithm(header.alg)) return refuse('TRUST_LIST_MALFORMED', 'JWS alg is not allowed');
  if ('crit' in header) return refuse('TRUST_LIST_MALFORMED', 'JWS crit is not supported');
  for (const name of Object.keys(header)) if (!KNOWN_HEADER.has(name)) return refuse('TRUST_LIST_MALFORMED', `unexpected JWS header member ${name.slice(0, 40)}`);
  const x5c = header.x5c;
  // RFC 7515 §4.1.6: x5c values are standard base64 (not base64url) DER, leaf first.
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_CHAIN_LENGTH || !x5c.every((c) => typeof c === 'string' && c.length <= 16384 && B64.test(c))) {
    return refuse('TRUST_LIST_MALFORMED', 'JWS x5c must be 1..4 base64 DER certificates');
  }
  const chain = await verifyChainToAnchor(x5c.map((c: string) => Buffer.from(c, 'base64')), options.anchor, options.at);
  if (!chain.ok) return refuse(chain.code, chain.message);

  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.from(chain.leaf.publicKey.rawData), format: 'der', type: 'spki' });
  } catch {
    return refuse('TRUST_LIST_BAD_CHAIN', 'the list signer certificate holds an unusable key');
  }
  if (!keyFitsAlgorithm(header.alg, publicKey)) return refuse('TRUST_LIST_BAD_SIGNATURE', `the list signer key does not fit ${header.alg}`);
  if (!verifyJwsSignature(header.alg, publicKey, jws.signingInput, jws.signature)) return refuse('TRUST_LIST_BAD_SIGNATURE', 'the JWS signature does not verify under the list signer certificate');
  return {
    ok: true,
    alg: header.alg,
    payloadText: jws.payloadBytes.toString('utf8'),
    hash: sha256Hex(token.trim()),
    signer: { certificate: chain.leaf, publicKey },
  };
}
