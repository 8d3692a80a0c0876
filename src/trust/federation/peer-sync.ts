import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { parseCertificate } from '../../pki/certificates.js';
import { DEFAULT_TRUST_LIST_LIMITS, TRUST_LIST_MEDIA_TYPE, type TrustListLimits } from '../trust-list/format.js';
import { loadLocalIssuers } from '../trust-list/local-issuers-store.js';
import { verifyTrustList, type AcceptedTrustList, type PreviousTrustList } from '../trust-list/verify.js';
import { boundedFetch, DEFAULT_FETCH_LIMITS, type FetchLimits } from './bounded-fetch.js';
import { LocalCoordinator, notifyTrustChange, type SyncCoordinator, type TrustChange } from './coordination.js';
import type { FederatedTrust } from './federated-trust.js';
import type { IssuerStatus } from '../trust-material.js';
import { peerIssuers } from './peer-issuers.js';
import { getPeer, latestAcceptedList, listPeers, recordAccepted, recordFailure, recordUnchanged, type PeerRecord } from './peer-store.js';

/** One peer's outcome, as POST /v1/trust/sync returns it. */
export interface PeerSyncResult {
  region: string;
  ok: boolean;
  sequence: number | null;
  error?: string;
}

/** One peer's state, as GET /v1/trust/peers returns it. */
export interface PeerView {
  region: string;
  url: string;
  status: 'pending' | 'ok' | 'failing' | 'stale' | 'withdrawn';
  source: 'manual' | 'hub';
  sequence: number | null;
  issuers: number;
  lastSyncAt: string | null;
  lastSuccessAt: string | null;
  nextUpdate: string | null;
  stale: boolean;
  /** `CODE: message` of the last failed sync, null after a success. */
  lastError: string | null;
  lastErrorCode: string | null;
}

/** Hooks for metrics; every one optional. */
export interface FederationMetrics {
  syncOutcome?(region: string, outcome: 'accepted' | 'unchanged' | 'refused', code?: string): void;
  peerState?(region: string, state: { sequence: number | null; issuers: number; stale: boolean }): void;
}

export interface PeerSyncOptions {
  knex: Knex;
  trust: FederatedTrust;
  /** This node's region (its issuers are the local part of the trust material). */
  region: string;
  logger: Logger;
  metrics?: FederationMetrics;
  coordinator?: SyncCoordinator;
  /** How long past nextUpdate a peer's list is still used. Default 12 h. */
  graceSeconds?: number;
  fetchLimits?: FetchLimits;
  listLimits?: TrustListLimits;
  clock?: () => Date;
}

/**
 * Keeps the federated trust material in step with the database and the peers: loads what was accepted
 * before, fetches and verifies peers' lists, stores and swaps in what passes, and keeps the last good
 * list (recording the error, loudly) when a fetch or a check fails.
 */
export class PeerSync {
  readonly #o: Required<Omit<PeerSyncOptions, 'metrics'>> & { metrics: FederationMetrics };
  /** ETag of the last 200, with the pin (url + anchor) it was fetched under: a re-pin must not reuse it. */
  readonly #etags = new Map<string, { etag: string; pin: string }>();
  /** The anchor each held peer list was verified under: a re-pinned anchor evicts the list. */
  readonly #heldAnchor = new Map<string, string>();
  readonly #inFlight = new Map<string, Promise<PeerSyncResult>>();

  constructor(options: PeerSyncOptions) {
    // `??`, not spread defaults: an option passed as undefined must still get its default.
    this.#o = {
      ...options,
      graceSeconds: options.graceSeconds ?? 12 * 3600,
      fetchLimits: options.fetchLimits ?? DEFAULT_FETCH_LIMITS,
      listLimits: options.listLimits ?? DEFAULT_TRUST_LIST_LIMITS,
      clock: options.clock ?? (() => new Date()),
      coordinator: options.coordinator ?? new LocalCoordinator(),
      metrics: options.metrics ?? {},
    };
    this.#o.coordinator.subscribe(
      (change) => void this.#onChange(change),
      () => void this.loadAll().catch((err) => this.#o.logger.error({ err }, 'trust reload after reconnect failed')),
    );
  }

  get graceSeconds(): number {
    return this.#o.graceSeconds;
  }

  async #onChange(change: TrustChange): Promise<void> {
    try {
      if (change.kind === 'local') await this.loadLocal();
      else if (change.kind === 'peer') await this.loadPeer(change.region);
      else await this.loadAll();
    } catch (err) {
      this.#o.logger.error({ err, change }, 'trust reload after notification failed');
    }
  }

  /** Loads this region's issuers and every peer's last accepted list from the database. */
  async loadAll(): Promise<void> {
    await this.loadLocal();
    const peers = await listPeers(this.#o.knex);
    for (const peer of this.#o.trust.peers()) if (!peers.some((p) => p.region === peer.region && p.status === 'active')) this.#o.trust.removePeer(peer.region);
    for (const peer of peers) await this.loadPeer(peer.region);
  }

  async loadLocal(): Promise<void> {
    this.#o.trust.setLocal(await loadLocalIssuers(this.#o.knex, this.#o.region));
  }

  /** Re-reads one peer's accepted list from the database (another node may have accepted it). */
  async loadPeer(region: string): Promise<void> {
    const peer = await getPeer(this.#o.knex, region);
    if (!peer || peer.status !== 'active') {
      this.#o.trust.removePeer(region);
      return;
    }
    let current = this.#o.trust.peer(region);
    if (current && this.#heldAnchor.get(region) !== peer.anchorPem) {
      // Re-pinned: a list accepted under the old anchor is not trust material under the new one.
      this.#o.logger.warn({ region, sequence: current.sequence }, "peer re-pinned; its list accepted under the old anchor leaves the trust material");
      this.#o.trust.removePeer(region);
      this.#heldAnchor.delete(region);
      current = undefined;
    }
    const stored = await latestAcceptedList(this.#o.knex, region);
    if (!stored) return;
    if (current && current.sequence === stored.sequence) return;
    const anchor = parseCertificate(peer.anchorPem);
    if (!anchor) return;
    // Our own database: signature and format are re-checked, freshness is judged per credential.
    const verdict = await verifyTrustList(stored.jws, { region, anchor }, { now: this.#o.clock(), graceSeconds: this.#o.graceSeconds, checkFreshness: false, limits: this.#o.listLimits });
    if (!verdict.ok) {
      this.#o.logger.error({ region, code: verdict.code, reason: verdict.message }, 'stored trust list no longer verifies; peer left out of the trust material');
      this.#o.trust.removePeer(region);
      return;
    }
    this.#install(verdict.list, peer.anchorPem);
  }

  #install(list: AcceptedTrustList, anchorPem: string): void {
    const { region, sequence } = list.payload;
    const nextUpdate = new Date(list.payload.nextUpdate);
    const freshUntil = new Date(nextUpdate.getTime() + this.#o.graceSeconds * 1000);
    this.#o.trust.setPeer({ region, sequence, nextUpdate, freshUntil, hash: list.hash, issuers: peerIssuers(list.payload.issuers, region, freshUntil) });
    if (this.#o.trust.peer(region)?.hash === list.hash) this.#heldAnchor.set(region, anchorPem);
    this.#o.metrics.peerState?.(region, { sequence, issuers: list.payload.issuers.length, stale: this.#o.clock() > freshUntil });
  }

  /** Syncs every active peer now (POST /v1/trust/sync): waits for another node's sync of the same peer. */
  async syncAll(): Promise<PeerSyncResult[]> {
    const peers = (await listPeers(this.#o.knex)).filter((p) => p.status === 'active');
    return Promise.all(peers.map((p) => this.syncPeer(p.region, { wait: true })));
  }

  /**
   * Syncs one peer. Concurrent calls for the same peer share one run; across nodes, the advisory lock
   * lets one node fetch while the others (wait false) skip and pick the result up from the database.
   */
  syncPeer(region: string, options: { wait: boolean } = { wait: true }): Promise<PeerSyncResult> {
    const running = this.#inFlight.get(region);
    if (running) return running;
    const run = this.#syncLocked(region, options.wait).finally(() => this.#inFlight.delete(region));
    this.#inFlight.set(region, run);
    return run;
  }

  async #syncLocked(region: string, wait: boolean): Promise<PeerSyncResult> {
    try {
      const outcome = await this.#o.coordinator.withLock(`peer:${region}`, wait, () => this.#sync(region));
      if (outcome.ran) return outcome.value;
      await this.loadPeer(region);
      const peer = await getPeer(this.#o.knex, region);
      return { region, ok: !peer?.lastErrorCode, sequence: peer?.lastSequence ?? null, ...(peer?.lastErrorCode ? { error: peer.lastErrorCode } : {}) };
    } catch (err) {
      this.#o.logger.error({ err, region }, 'trust-list sync failed unexpectedly');
      return { region, ok: false, sequence: this.#o.trust.peer(region)?.sequence ?? null, error: 'TRUST_SYNC_FAILED' };
    }
  }

  async #sync(region: string): Promise<PeerSyncResult> {
    const { knex, logger, metrics } = this.#o;
    // Another node may have accepted a newer list meanwhile: start from the database's state.
    await this.loadPeer(region);
    const peer = await getPeer(knex, region);
    if (!peer || peer.status !== 'active') return { region, ok: false, sequence: null, error: 'TRUST_PEER_UNKNOWN' };
    const anchor = parseCertificate(peer.anchorPem);
    if (!anchor) return this.#fail(peer, 'TRUST_LIST_WRONG_ANCHOR', 'the stored anchor does not parse');
    const now = this.#o.clock();

    const pin = `${peer.url}\n${peer.anchorPem}`;
    const heldBefore = this.#o.trust.peer(region);
    const cached = this.#etags.get(region);
    // A conditional request only for what is held, fetched under the current pin.
    const etag = peer.lastSequence !== null && heldBefore && cached?.pin === pin ? cached.etag : undefined;
    if (cached && cached.pin !== pin) this.#etags.delete(region);
    const fetched = await boundedFetch(peer.url, { accept: TRUST_LIST_MEDIA_TYPE, etag, limits: this.#o.fetchLimits });
    if (!fetched.ok) return this.#fail(peer, fetched.code, fetched.message);
    if (fetched.status === 304) {
      // "Not modified" is no excuse for a frozen list: past nextUpdate + grace the partner is stale,
      // loudly (error, metric, lastError), exactly as if it had served the old list again.
      const heldList = this.#o.trust.peer(region);
      if (heldList && now > heldList.freshUntil) {
        return this.#fail(peer, 'TRUST_LIST_STALE', `the partner answers "not modified" with a list past its next update + grace (${heldList.freshUntil.toISOString()})`);
      }
      // "Not modified" means something only in answer to our If-None-Match, about the list we hold.
      if (etag === undefined || !heldList || heldList.sequence !== heldBefore?.sequence) {
        return this.#fail(peer, 'TRUST_LIST_FETCH_FAILED', 'the partner answered 304 "not modified" to a request that was not conditional on a list held');
      }
      await recordUnchanged(knex, region, now);
      metrics.syncOutcome?.(region, 'unchanged');
      return { region, ok: true, sequence: peer.lastSequence };
    }

    let previous: PreviousTrustList | undefined;
    if (peer.lastSequence !== null && peer.lastHash !== null) {
      // The statuses come from the last accepted list as stored, not from memory: what is held may be
      // gone (a stored list that no longer verifies under a new pin or at this time is left out), and
      // "revoked stays revoked" / "no issuer dropped" must hold all the same.
      const statuses = await this.#previousStatuses(region);
      if (!statuses) return this.#fail(peer, 'TRUST_SYNC_FAILED', 'the last accepted list cannot be read from the database; refusing to judge a new list without it');
      previous = { sequence: peer.lastSequence, hash: peer.lastHash, statuses };
    }
    const verdict = await verifyTrustList(fetched.body, { region, anchor }, { now, graceSeconds: this.#o.graceSeconds, previous, limits: this.#o.listLimits });
    if (!verdict.ok) return this.#fail(peer, verdict.code, verdict.message);
    if (fetched.etag) this.#etags.set(region, { etag: fetched.etag, pin });
    if (verdict.unchanged) {
      await recordUnchanged(knex, region, now);
      // Nothing held (e.g. evicted by a re-pin): the same list, now verified under the current anchor, is.
      if (this.#o.trust.peer(region)?.hash !== verdict.list.hash) this.#install(verdict.list, peer.anchorPem);
      metrics.syncOutcome?.(region, 'unchanged');
      return { region, ok: true, sequence: verdict.list.payload.sequence };
    }

    await knex.transaction(async (trx) => {
      await recordAccepted(trx, region, verdict.list, now);
      await notifyTrustChange(trx, 'peer', region);
    });
    this.#install(verdict.list, peer.anchorPem);
    logger.info({ region, sequence: verdict.list.payload.sequence, issuers: verdict.list.payload.issuers.length, signer: verdict.list.signerKid }, 'peer trust list accepted');
    metrics.syncOutcome?.(region, 'accepted');
    return { region, ok: true, sequence: verdict.list.payload.sequence };
  }

  /**
   * Issuer statuses of the last list accepted from `region`, read from its stored payload (verified when
   * it was accepted; chain and time are not re-checked), merged with what is held in memory (revoked
   * wins). Undefined when no stored list can be read.
   */
  async #previousStatuses(region: string): Promise<Map<string, IssuerStatus> | undefined> {
    const stored = await latestAcceptedList(this.#o.knex, region);
    const statuses = stored ? storedStatuses(stored.jws) : undefined;
    if (!statuses) return undefined;
    for (const issuer of this.#o.trust.peer(region)?.issuers ?? []) {
      if (issuer.status === 'revoked' || !statuses.has(issuer.kid)) statuses.set(issuer.kid, issuer.status);
    }
    return statuses;
  }

  async #fail(peer: PeerRecord, code: string, message: string): Promise<PeerSyncResult> {
    const now = this.#o.clock();
    await recordFailure(this.#o.knex, peer.region, code, message, now);
    const held = this.#o.trust.peer(peer.region);
    const stale = !held || now > held.freshUntil;
    // Loud: a refused list is an incident at the partner or an attack; a stale peer stops verifying.
    this.#o.logger[stale ? 'error' : 'warn']({ region: peer.region, code, reason: message, keptSequence: held?.sequence ?? null, stale }, 'peer trust list refused; last good list kept');
    this.#o.metrics.syncOutcome?.(peer.region, 'refused', code);
    this.#o.metrics.peerState?.(peer.region, { sequence: held?.sequence ?? null, issuers: held?.issuers.length ?? 0, stale });
    return { region: peer.region, ok: false, sequence: held?.sequence ?? null, error: code };
  }

  /** GET /v1/trust/peers. */
  async peers(): Promise<PeerView[]> {
    const now = this.#o.clock();
    return (await listPeers(this.#o.knex)).map((peer) => {
      const held = this.#o.trust.peer(peer.region);
      const stale = peer.status === 'active' && (!held || now > held.freshUntil);
      const status: PeerView['status'] =
        peer.status === 'withdrawn' ? 'withdrawn' : !held ? (peer.lastErrorCode ? 'stale' : 'pending') : stale ? 'stale' : peer.lastErrorCode ? 'failing' : 'ok';
      return {
        region: peer.region,
        url: peer.url,
        status,
        source: peer.source,
        sequence: held?.sequence ?? null,
        issuers: held?.issuers.length ?? 0,
        lastSyncAt: peer.lastSyncAt?.toISOString() ?? null,
        lastSuccessAt: peer.lastSuccessAt?.toISOString() ?? null,
        nextUpdate: held?.nextUpdate.toISOString() ?? null,
        stale,
        lastError: peer.lastErrorCode ? `${peer.lastErrorCode}: ${peer.lastError ?? ''}` : null,
        lastErrorCode: peer.lastErrorCode,
      };
    });
  }
}

const ISSUER_STATUSES: readonly string[] = ['active', 'retired', 'revoked'] satisfies IssuerStatus[];

/** The kid → status map of a stored (already accepted) trust list's payload, or undefined if unreadable. */
export function storedStatuses(jws: string): Map<string, IssuerStatus> | undefined {
  const parts = jws.trim().split('.');
  if (parts.length !== 3) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const issuers = (body as { issuers?: unknown } | null)?.issuers;
  if (!Array.isArray(issuers)) return undefined;
  const statuses = new Map<string, IssuerStatus>();
  for (const entry of issuers as unknown[]) {
    const { kid, status } = (entry ?? {}) as { kid?: unknown; status?: unknown };
    if (typeof kid !== 'string' || typeof status !== 'string' || !ISSUER_STATUSES.includes(status)) return undefined;
    statuses.set(kid, status as IssuerStatus);
  }
  return statuses;
}
