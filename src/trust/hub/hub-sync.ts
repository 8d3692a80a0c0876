import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { appendAudit } from '../../audit/audit-log.js';
import { invalidRequest } from '../../errors.js';
import { parseCertificate } from '../../pki/certificates.js';
import { boundedFetch, DEFAULT_FETCH_LIMITS, isHttpUrl, type FetchLimits } from '../federation/bounded-fetch.js';
import { LocalCoordinator, notifyTrustChange, type SyncCoordinator } from '../federation/coordination.js';
import type { PeerSync } from '../federation/peer-sync.js';
import { pinPeer, withdrawPeer } from '../federation/peer-store.js';
import { x509 } from '../../pki/x509.js';
import { HUB_ID, LIST_OF_LISTS_MEDIA_TYPE } from './format.js';
import { verifyListOfLists } from './verify.js';

export interface HubSubscription {
  id: string;
  url: string;
  anchor: string;
}

export interface HubSyncResult {
  hub: string;
  ok: boolean;
  sequence: number | null;
  /** Regions the hub pointed to that are now peers (source hub). */
  regions: string[];
  error?: string;
}

interface HubRow {
  id: string;
  url: string;
  anchor_pem: string;
  last_sequence: string | null;
  last_hash: string | null;
}

/** Subscribes to a hub's list of lists, pinned to the hub's anchor. */
export async function subscribeHub(knex: Knex, hub: HubSubscription, actor: string, now = new Date()): Promise<void> {
  if (typeof hub.id !== 'string' || !HUB_ID.test(hub.id)) throw invalidRequest('hub id must be 1..100 of A-Z a-z 0-9 . _ -');
  if (typeof hub.url !== 'string' || !isHttpUrl(hub.url)) throw invalidRequest('hub url must be an http(s) URL');
  const anchor = typeof hub.anchor === 'string' ? parseCertificate(hub.anchor) : null;
  if (!anchor || !anchor.getExtension(x509.BasicConstraintsExtension)?.ca) throw invalidRequest('hub anchor must be one PEM CA certificate');
  await knex.transaction(async (trx) => {
    await trx('trust_hubs')
      .insert({ id: hub.id, url: hub.url, anchor_pem: `${anchor.toString('pem')}\n`, consecutive_failures: 0, created_at: now, updated_at: now })
      .onConflict('id')
      .merge(['url', 'anchor_pem', 'updated_at']);
    await appendAudit(trx, { actor, action: 'trust.hub.subscribe', subject: hub.id, details: { url: hub.url } }, now);
  });
}

/**
 * Fetches and verifies each subscribed hub's list of lists; its entries become peers (source `hub`),
 * regions it no longer lists are withdrawn. A peer pinned by hand is never re-routed by a hub. On any
 * failure the peers stay as they were and the error is recorded.
 */
export class HubSync {
  readonly #knex: Knex;
  readonly #peers: PeerSync;
  readonly #region: string;
  readonly #logger: Logger;
  readonly #graceSeconds: number;
  readonly #fetchLimits: FetchLimits;
  readonly #coordinator: SyncCoordinator;
  readonly #clock: () => Date;

  constructor(options: { knex: Knex; peers: PeerSync; region: string; logger: Logger; graceSeconds?: number; fetchLimits?: FetchLimits; coordinator?: SyncCoordinator; clock?: () => Date }) {
    this.#knex = options.knex;
    this.#peers = options.peers;
    this.#region = options.region;
    this.#logger = options.logger;
    this.#graceSeconds = options.graceSeconds ?? 12 * 3600;
    this.#fetchLimits = options.fetchLimits ?? DEFAULT_FETCH_LIMITS;
    this.#coordinator = options.coordinator ?? new LocalCoordinator();
    this.#clock = options.clock ?? (() => new Date());
  }

  async hubIds(): Promise<string[]> {
    return ((await this.#knex('trust_hubs').select('id')) as { id: string }[]).map((r) => r.id);
  }

  async syncAll(): Promise<HubSyncResult[]> {
    const results: HubSyncResult[] = [];
    for (const id of await this.hubIds()) results.push(await this.syncHub(id));
    return results;
  }

  async syncHub(id: string, options: { wait?: boolean; syncPeers?: boolean } = {}): Promise<HubSyncResult> {
    try {
      const outcome = await this.#coordinator.withLock(`hub:${id}`, options.wait ?? true, () => this.#sync(id, options.syncPeers ?? true));
      if (outcome.ran) return outcome.value;
      return { hub: id, ok: true, sequence: null, regions: [] };
    } catch (err) {
      this.#logger.error({ err, hub: id }, 'hub sync failed unexpectedly');
      return { hub: id, ok: false, sequence: null, regions: [], error: 'TRUST_SYNC_FAILED' };
    }
  }

  async #sync(id: string, syncPeers: boolean): Promise<HubSyncResult> {
    const row = (await this.#knex('trust_hubs').where({ id }).first()) as HubRow | undefined;
    if (!row) return { hub: id, ok: false, sequence: null, regions: [], error: 'TRUST_HUB_UNKNOWN' };
    const now = this.#clock();
    const lastSequence = row.last_sequence === null ? null : Number(row.last_sequence);
    const fail = async (code: string, message: string): Promise<HubSyncResult> => {
      await this.#knex('trust_hubs').where({ id }).update({ last_sync_at: now, last_error_code: code, last_error: message.slice(0, 1000), consecutive_failures: this.#knex.raw('consecutive_failures + 1'), updated_at: now });
      this.#logger.warn({ hub: id, code, reason: message }, 'hub list of lists refused; peers kept as they were');
      return { hub: id, ok: false, sequence: lastSequence, regions: [], error: code };
    };
    const anchor = parseCertificate(row.anchor_pem);
    if (!anchor) return fail('TRUST_LIST_WRONG_ANCHOR', 'the stored hub anchor does not parse');
    const fetched = await boundedFetch(row.url, { accept: LIST_OF_LISTS_MEDIA_TYPE, limits: this.#fetchLimits });
    if (!fetched.ok) return fail(fetched.code, fetched.message);
    if (fetched.status === 304) return fail('TRUST_LIST_FETCH_FAILED', 'unexpected 304 without a conditional request');
    const previous = lastSequence !== null && row.last_hash ? { sequence: lastSequence, hash: row.last_hash } : undefined;
    const verdict = await verifyListOfLists(fetched.body, { hubId: id, anchor }, { now, graceSeconds: this.#graceSeconds, previous, maxBytes: this.#fetchLimits.maxBytes });
    if (!verdict.ok) return fail(verdict.code, verdict.message);
    const { payload } = verdict.list;
    const regions = payload.regions.filter((e) => e.region !== this.#region);
    if (!verdict.unchanged) {
      for (const entry of regions) {
        await pinPeer(this.#knex, entry, `hub:${id}`, { ownRegion: this.#region, now, source: 'hub', hubId: id }).catch((err) =>
          this.#logger.warn({ err, hub: id, region: entry.region }, 'hub entry not pinned'),
        );
      }
      const listed = new Set(regions.map((e) => e.region));
      const hubPeers = (await this.#knex('trust_peers').where({ source: 'hub', hub_id: id, status: 'active' }).select('region')) as { region: string }[];
      for (const { region } of hubPeers) if (!listed.has(region)) await withdrawPeer(this.#knex, region, `hub:${id}`, now);
    }
    await this.#knex.transaction(async (trx) => {
      await trx('trust_hubs').where({ id }).update({
        last_sequence: payload.sequence,
        last_hash: verdict.list.hash,
        last_jws: verdict.list.jws,
        next_update: payload.nextUpdate,
        last_sync_at: now,
        last_error_code: null,
        last_error: null,
        consecutive_failures: 0,
        updated_at: now,
      });
      if (!verdict.unchanged) await notifyTrustChange(trx, 'hub', id);
    });
    if (!verdict.unchanged) {
      await this.#peers.loadAll();
      this.#logger.info({ hub: id, sequence: payload.sequence, regions: regions.length }, 'hub list of lists accepted');
    }
    if (syncPeers) for (const entry of regions) await this.#peers.syncPeer(entry.region, { wait: true });
    return { hub: id, ok: true, sequence: payload.sequence, regions: regions.map((e) => e.region) };
  }
}
