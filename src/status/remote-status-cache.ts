import { isAllowedJwsAlgorithm } from '../crypto/algorithms.js';
import { parseCompactJws, parseJsonPayload } from '../crypto/jws.js';
import { verifyJwsSignature } from '../crypto/verify-signature.js';
import { boundedFetch, DEFAULT_FETCH_LIMITS, type FetchLimits } from '../trust/federation/bounded-fetch.js';
import type { TrustedIssuer } from '../trust/trust-material.js';
import { decodeStatusList, statusAt, type StatusBits } from './status-list.js';
import type { StatusLookup, StatusReference, StatusResolver } from './status-resolver.js';

/** A verified status list token, as cached. */
interface CachedList {
  issuerKid: string;
  bits: StatusBits;
  statuses: Buffer;
  issuedAt: Date;
  /** Not used after this: fetchedAt + ttl (bounded), and never past the token's exp. */
  freshUntil: Date;
}

export interface RemoteStatusCacheOptions {
  fetchLimits?: FetchLimits;
  /** Bounds on the list's `ttl` (draft-ietf-oauth-status-list §13.7): at least a minute, at most a day. */
  minTtlSeconds?: number;
  maxTtlSeconds?: number;
  /** After a failed fetch, wait this long before fetching that uri again (verifications meanwhile: TRY_LATER). */
  failureBackoffSeconds?: number;
  maxEntries?: number;
  /** Largest inflated status array accepted (a compression bomb must not exhaust memory). */
  maxStatusBytes?: number;
  clock?: () => Date;
}

type Verified = { ok: true; list: CachedList } | { ok: false; reason: string };

/**
 * Resolves the status of peer-region credentials: fetches the IETF Token Status List token the
 * credential points to, believes it only when signed by the very key that signed the credential,
 * caches it by uri for its `ttl` and answers `{ok:false}` (→ TRY_LATER) when no fresh list can be had.
 */
export class RemoteStatusCache implements StatusResolver {
  readonly #cache = new Map<string, CachedList>();
  /** Keyed by uri + issuer kid: a failure for one issuer's key must not hold back another's. */
  readonly #failedUntil = new Map<string, number>();
  /** Newest `iat` accepted per uri + issuer kid: an older token (a replay) can never undo a newer one. */
  readonly #lastIat = new Map<string, number>();
  readonly #inFlight = new Map<string, Promise<Verified>>();
  readonly #o: Required<RemoteStatusCacheOptions>;

  constructor(options: RemoteStatusCacheOptions = {}) {
    this.#o = {
      fetchLimits: options.fetchLimits ?? DEFAULT_FETCH_LIMITS,
      minTtlSeconds: options.minTtlSeconds ?? 60,
      maxTtlSeconds: options.maxTtlSeconds ?? 86_400,
      failureBackoffSeconds: options.failureBackoffSeconds ?? 10,
      maxEntries: options.maxEntries ?? 10_000,
      maxStatusBytes: options.maxStatusBytes ?? 16 * 1024 * 1024,
      clock: options.clock ?? (() => new Date()),
    };
  }

  async lookup(reference: StatusReference, issuer: TrustedIssuer, at: Date): Promise<StatusLookup> {
    const now = this.#o.clock();
    let list = this.#cache.get(reference.uri);
    if (!list || list.freshUntil <= now || list.issuerKid !== issuer.kid) {
      if ((this.#failedUntil.get(`${reference.uri} ${issuer.kid}`) ?? 0) > now.getTime()) return { ok: false, reason: 'the status list could not be fetched recently' };
      const fetched = await this.#fetch(reference.uri, issuer);
      if (!fetched.ok) return { ok: false, reason: fetched.reason };
      list = fetched.list;
    }
    // A list issued after the moment being judged says nothing certain about earlier; still, status lists
    // only move forward (revocation is not undone), so the freshest list is the right answer for `at`.
    void at;
    const status = statusAt(list.statuses, list.bits, reference.idx);
    if (status === undefined) return { ok: false, reason: `index ${reference.idx} is outside the status list` };
    return { ok: true, status, listIssuedAt: list.issuedAt };
  }

  #fetch(uri: string, issuer: TrustedIssuer): Promise<Verified> {
    const key = `${uri} ${issuer.kid}`;
    const running = this.#inFlight.get(key);
    if (running) return running;
    const run = this.#fetchAndVerify(uri, issuer).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, run);
    return run;
  }

  async #fetchAndVerify(uri: string, issuer: TrustedIssuer): Promise<Verified> {
    const fetched = await boundedFetch(uri, { accept: 'application/statuslist+jwt', limits: this.#o.fetchLimits });
    const now = this.#o.clock();
    const key = `${uri} ${issuer.kid}`;
    let verdict: Verified = fetched.ok && fetched.status === 200 ? this.#verify(fetched.body, uri, issuer, now) : { ok: false, reason: fetched.ok ? 'unexpected 304' : fetched.message };
    if (verdict.ok) {
      const last = this.#lastIat.get(key);
      const iat = verdict.list.issuedAt.getTime();
      if (last !== undefined && iat < last) verdict = { ok: false, reason: `status list iat ${new Date(iat).toISOString()} is older than the one already accepted (${new Date(last).toISOString()})` };
      else this.#remember(this.#lastIat, key, iat, now);
    }
    if (!verdict.ok) {
      this.#remember(this.#failedUntil, key, now.getTime() + this.#o.failureBackoffSeconds * 1000, now);
      return verdict;
    }
    this.#failedUntil.delete(key);
    this.#cache.delete(uri);
    if (this.#cache.size >= this.#o.maxEntries) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(uri, verdict.list);
    return verdict;
  }

  /** Sets `key` in a map bounded by maxEntries: expired backoffs go first, then the oldest entries. */
  #remember(map: Map<string, number>, key: string, value: number, now: Date): void {
    map.delete(key);
    if (map.size >= this.#o.maxEntries && map === this.#failedUntil) for (const [k, until] of map) if (until <= now.getTime()) map.delete(k);
    while (map.size >= this.#o.maxEntries) map.delete(map.keys().next().value!);
    map.set(key, value);
  }

  /** draft-ietf-oauth-status-list §8.3 (validation of the Status List Token), over a fetched token. */
  #verify(token: string, uri: string, issuer: TrustedIssuer, now: Date): Verified {
    const jws = parseCompactJws(token.trim());
    if (typeof jws === 'string') return { ok: false, reason: `status list is not a JWS: ${jws}` };
    const { header } = jws;
    // §5.1: typ MUST be statuslist+jwt, so a credential can never be passed off as a status list.
    if (header.typ !== 'statuslist+jwt') return { ok: false, reason: 'status list typ is not statuslist+jwt' };
    if (!isAllowedJwsAlgorithm(header.alg)) return { ok: false, reason: 'status list alg is not allowed' };
    if ('crit' in header) return { ok: false, reason: 'status list crit is not supported' };
    // §8.3 step 2: the list must come from the credential's issuer; we require the very same key.
    if (header.kid !== issuer.kid) return { ok: false, reason: 'status list is not signed by the credential issuer key' };
    let key;
    try {
      key = issuer.publicKey;
    } catch {
      return { ok: false, reason: 'the issuer key cannot be used' };
    }
    if (!verifyJwsSignature(header.alg, key, jws.signingInput, jws.signature)) return { ok: false, reason: 'status list signature does not verify' };
    const payload = parseJsonPayload(jws.payloadBytes);
    if (!payload) return { ok: false, reason: 'status list payload is not a JSON object' };
    const { sub, iat, exp, ttl } = payload;
    // §8.3 step 3: sub must equal the uri the credential referenced (no list substitution).
    if (sub !== uri) return { ok: false, reason: 'status list sub does not match the referenced uri' };
    if (typeof iat !== 'number' || !Number.isFinite(iat)) return { ok: false, reason: 'status list has no iat' };
    if (iat * 1000 > now.getTime() + 300_000) return { ok: false, reason: 'status list iat is in the future' };
    if (exp !== undefined && (typeof exp !== 'number' || exp * 1000 <= now.getTime())) return { ok: false, reason: 'status list has expired' };
    // Without exp nothing else bounds a token's life: older than the longest ttl believed, it is a replay.
    if (exp === undefined && iat * 1000 < now.getTime() - this.#o.maxTtlSeconds * 1000) return { ok: false, reason: 'status list has no exp and its iat is older than the maximum ttl' };
    if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0)) return { ok: false, reason: 'status list ttl is not a positive number' };
    const decoded = decodeStatusList(payload.status_list, this.#o.maxStatusBytes);
    if (!decoded) return { ok: false, reason: 'status_list is malformed (bits 1|2|4|8, lst = base64url ZLIB)' };
    const ttlSeconds = Math.min(this.#o.maxTtlSeconds, Math.max(this.#o.minTtlSeconds, typeof ttl === 'number' ? ttl : this.#o.minTtlSeconds));
    let freshUntil = now.getTime() + ttlSeconds * 1000;
    if (typeof exp === 'number') freshUntil = Math.min(freshUntil, exp * 1000);
    return { ok: true, list: { issuerKid: issuer.kid, bits: decoded.bits, statuses: decoded.statuses, issuedAt: new Date(iat * 1000), freshUntil: new Date(freshUntil) } };
  }
}

/** Local credentials are answered from this node's own lists, peer credentials from the remote cache. */
export function statusByIssuerSource(local: StatusResolver, remote: StatusResolver): StatusResolver {
  return { lookup: (reference, issuer, at) => (issuer.source === 'local' ? local : remote).lookup(reference, issuer, at) };
}
