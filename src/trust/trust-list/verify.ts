import { certificateCertifiesJwk } from '../../pki/certificate-key.js';
import { validatePath } from '../../pki/path/validate.js';
import { jwkThumbprint, publicJwkOf } from '../../crypto/jwk.js';
import { x509 } from '../../pki/x509.js';
import type { IssuerStatus } from '../trust-material.js';
import { parseBoundedJson } from '../../json/bounded-json.js';
import { verifySignedEnvelope } from './envelope.js';
import { refuse, type TrustListRefusal } from './errors.js';
import {
  checkIssuerEntry,
  DEFAULT_TRUST_LIST_LIMITS,
  isInstant,
  isSequence,
  REGION_PATTERN,
  TRUST_LIST_TYP,
  type TrustListIssuerEntry,
  type TrustListLimits,
  type TrustListPayload,
} from './format.js';

/** What a node pinned for a peer: its region and its trust anchor (never the list signer). */
export interface TrustListPin {
  region: string;
  anchor: x509.X509Certificate;
}

/** The last list accepted from this peer, for the rollback and tombstone rules. */
export interface PreviousTrustList {
  sequence: number;
  hash: string;
  statuses: ReadonlyMap<string, IssuerStatus>;
}

export interface VerifyTrustListOptions {
  now: Date;
  /** How long past `nextUpdate` a list is still believed (the peer may be briefly down). */
  graceSeconds: number;
  previous?: PreviousTrustList | undefined;
  limits?: TrustListLimits;
  /** Tolerated clock difference for `issuedAt` in the future. */
  clockSkewSeconds?: number;
  /**
   * False only when reloading a list this node already accepted (from its own database): the
   * signature and format are re-checked, freshness is not (staleness is then judged per credential).
   */
  checkFreshness?: boolean;
}

export interface AcceptedTrustList {
  payload: TrustListPayload;
  jws: string;
  hash: string;
  /** RFC 7638 thumbprint of the key that signed the list (changes on list-signer rotation). */
  signerKid: string;
}

export type TrustListVerdict = { ok: true; unchanged: boolean; list: AcceptedTrustList } | TrustListRefusal;

/**
 * Verifies a peer's trust list against its pin, applying the acceptance rules of docs/federation.md
 * in order. The first rule that fails names the refusal; nothing is partly accepted.
 */
export async function verifyTrustList(token: string, pin: TrustListPin, options: VerifyTrustListOptions): Promise<TrustListVerdict> {
  const limits = options.limits ?? DEFAULT_TRUST_LIST_LIMITS;
  const envelope = await verifySignedEnvelope(token, { typ: TRUST_LIST_TYP, anchor: pin.anchor, at: options.now, maxBytes: limits.maxBytes });
  if (!envelope.ok) return envelope;

  const body = parseBoundedJson(envelope.payloadText, limits.maxDepth);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return refuse('TRUST_LIST_MALFORMED', 'the payload is not a JSON object within the depth limit');
  const { region, sequence, issuedAt, nextUpdate, issuers } = body as Record<string, unknown>;
  if (typeof region !== 'string' || !REGION_PATTERN.test(region)) return refuse('TRUST_LIST_MALFORMED', 'region is not an ISO 3166-2 code');
  if (!isSequence(sequence)) return refuse('TRUST_LIST_MALFORMED', 'sequence is not a positive integer');
  if (!isInstant(issuedAt) || !isInstant(nextUpdate)) return refuse('TRUST_LIST_MALFORMED', 'issuedAt and nextUpdate must be RFC 3339 UTC instants');
  if (Date.parse(nextUpdate) <= Date.parse(issuedAt)) return refuse('TRUST_LIST_MALFORMED', 'nextUpdate is not after issuedAt');
  if (!Array.isArray(issuers)) return refuse('TRUST_LIST_MALFORMED', 'issuers is not an array');

  if (region !== pin.region) return refuse('TRUST_LIST_REGION_MISMATCH', `the list is for ${region}, the peer is pinned as ${pin.region}`);

  const now = options.now.getTime();
  if (options.checkFreshness !== false) {
    if (Date.parse(issuedAt) > now + (options.clockSkewSeconds ?? 300) * 1000) return refuse('TRUST_LIST_MALFORMED', 'issuedAt is in the future');
    if (now > Date.parse(nextUpdate) + options.graceSeconds * 1000) return refuse('TRUST_LIST_STALE', `the list was due for update at ${nextUpdate}`);
  }

  const previous = options.previous;
  if (previous) {
    if (sequence < previous.sequence) return refuse('TRUST_LIST_ROLLBACK', `sequence ${sequence} is older than the accepted ${previous.sequence}`);
    if (sequence === previous.sequence && envelope.hash !== previous.hash) {
      return refuse('TRUST_LIST_SEQUENCE_CONFLICT', `sequence ${sequence} was already accepted with different content`);
    }
  }
  const unchanged = previous !== undefined && sequence === previous.sequence;

  // Silent emptiness was the DCC gateway's worst incident: a list without issuers is never accepted.
  if (issuers.length === 0) return refuse('TRUST_LIST_EMPTY', 'the list has no issuers');
  if (issuers.length > limits.maxIssuers) return refuse('TRUST_LIST_TOO_LARGE', `the list has more than ${limits.maxIssuers} issuers`);

  const entries: TrustListIssuerEntry[] = new Array(issuers.length);
  const seen = new Set<string>();
  for (let i = 0; i < issuers.length; i++) {
    const checked = checkIssuerEntry(issuers[i]);
    if (!checked.ok) return refuse('TRUST_LIST_MALFORMED', checked.reason);
    const entry = checked.value;
    // The kid is the key's RFC 7638 thumbprint, so a list cannot bind one kid to another key.
    if (jwkThumbprint(entry.publicJwk) !== entry.kid) return refuse('TRUST_LIST_MALFORMED', `issuer ${entry.kid}: kid is not the thumbprint of publicJwk`);
    if (seen.has(entry.kid)) return refuse('TRUST_LIST_MALFORMED', `issuer ${entry.kid} is listed twice`);
    const bound = await checkCertificateBinding(entry, pin.anchor, options.now);
    if (bound) return refuse('TRUST_LIST_MALFORMED', `issuer ${entry.kid}: ${bound}`);
    seen.add(entry.kid);
    entries[i] = entry;
  }

  if (previous) {
    const current = new Map(entries.map((e) => [e.kid, e.status]));
    for (const [kid, status] of previous.statuses) {
      const listed = current.get(kid);
      // Entries are tombstoned, never removed: a key that vanishes is how keys went missing silently.
      if (listed === undefined) return refuse('TRUST_LIST_ISSUER_DROPPED', `issuer ${kid} of the accepted list is missing`);
      if (status === 'revoked' && listed !== 'revoked') return refuse('TRUST_LIST_UNREVOKED', `issuer ${kid} was revoked and is now ${listed}`);
    }
  }

  return {
    ok: true,
    unchanged,
    list: {
      payload: { region, sequence, issuedAt, nextUpdate, issuers: entries },
      jws: token.trim(),
      hash: envelope.hash,
      signerKid: jwkThumbprint(publicJwkOf(envelope.signer.publicKey)),
    },
  };
}

/**
 * A listed certificate must certify the listed key — otherwise a partner could dress its own key in
 * another region's certificate and pass a caller-anchored check. A seal CA's certificate is used as
 * an anchor for stamps, so it must also chain to this partner's pinned anchor: a partner vouches only
 * for CAs under its own anchor. Returns the problem, or undefined.
 */
async function checkCertificateBinding(entry: TrustListIssuerEntry, anchor: x509.X509Certificate, at: Date): Promise<string | undefined> {
  if (entry.certificate === undefined) return entry.roles.includes('seal') ? 'a seal CA entry must carry its certificate' : undefined;
  const der = Buffer.from(entry.certificate, 'base64');
  if (!certificateCertifiesJwk(der, entry.publicJwk)) return 'its certificate does not certify the listed key';
  if (!entry.roles.includes('seal')) return undefined;
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(new Uint8Array(der));
  } catch {
    return 'its seal CA certificate does not parse';
  }
  const path = await validatePath({ leaf: certificate, intermediates: [], trustAnchors: [anchor], at, purpose: 'any' });
  return path.valid ? undefined : `its seal CA certificate does not chain to the partner's anchor: ${path.detail}`;
}
