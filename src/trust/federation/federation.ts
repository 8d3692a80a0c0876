import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { RegionPki } from '../../pki/region-pki.js';
import { RemoteStatusCache } from '../../status/remote-status-cache.js';
import { certificateToPem } from '../../pki/certificates.js';
import type { ListOfListsEntry } from '../hub/format.js';
import { HubSync, subscribeHub, type HubSubscription, type HubSyncResult } from '../hub/hub-sync.js';
import { currentListOfLists, type PublishedListOfLists } from '../hub/publish.js';
import { retireIssuer, revokeIssuer, type IssuerStatusResult } from '../trust-list/issuer-lifecycle.js';
import { ensureLocalIssuers } from '../trust-list/local-issuers-store.js';
import { currentLocalTrustList, type PublishedTrustList } from '../trust-list/local-publisher.js';
import type { FetchLimits } from './bounded-fetch.js';
import { LocalCoordinator, PgCoordinator, type SyncCoordinator } from './coordination.js';
import { FederatedTrust } from './federated-trust.js';
import { PeerSync, type FederationMetrics, type PeerSyncResult, type PeerView } from './peer-sync.js';
import { listPeers, pinPeer, type PinRequest } from './peer-store.js';
import { SyncScheduler, type ScheduleOptions } from './scheduler.js';

export interface FederationOptions {
  knex: Knex;
  /** `pg`: several nodes may share the database (advisory locks, LISTEN/NOTIFY); `pglite`: one process. */
  databaseKind: 'pg' | 'pglite';
  databaseUrl?: string | undefined;
  /** PostgreSQL schema the node's tables live in (notifications are scoped to it). Default `public`. */
  schema?: string | undefined;
  pki: RegionPki;
  /** This node's public base URL (what the hub list names for this region when this node is a hub). */
  publicUrl: string;
  logger: Logger;
  metrics?: FederationMetrics;
  graceSeconds?: number;
  fetchLimits?: FetchLimits;
  schedule?: ScheduleOptions;
  /** Periodic background sync; off in tests that drive syncs by hand. Default true. */
  autoSync?: boolean;
  /** When set, this node also publishes a list of lists (it acts as a hub) under this id. */
  hubId?: string | undefined;
}

export const TRUST_LIST_PATH = '/.well-known/tongban/trust-list';
export const LIST_OF_LISTS_PATH = '/.well-known/tongban/list-of-lists';

/**
 * Everything trust-list federation needs in a node, behind one object: the federated trust material
 * the verifier reads, this region's published list, peers and hubs with their sync, and the resolver
 * for peer credentials' status lists.
 */
export class Federation {
  readonly trust = new FederatedTrust();
  readonly peers: PeerSync;
  readonly hubs: HubSync;
  readonly remoteStatus: RemoteStatusCache;
  readonly #o: FederationOptions;
  readonly #coordinator: SyncCoordinator;
  readonly #peerScheduler: SyncScheduler;
  readonly #hubScheduler: SyncScheduler;

  private constructor(options: FederationOptions, coordinator: SyncCoordinator) {
    this.#o = options;
    this.#coordinator = coordinator;
    const common = { knex: options.knex, region: options.pki.region, logger: options.logger, coordinator, graceSeconds: options.graceSeconds, fetchLimits: options.fetchLimits };
    this.peers = new PeerSync({ ...common, trust: this.trust, metrics: options.metrics });
    this.hubs = new HubSync({ ...common, peers: this.peers });
    this.remoteStatus = new RemoteStatusCache({ fetchLimits: options.fetchLimits });
    const onError = (err: unknown) => options.logger.error({ err }, 'trust sync scheduling failed');
    this.#peerScheduler = new SyncScheduler(
      async () => (await listPeers(options.knex)).filter((p) => p.status === 'active').map((p) => p.region),
      async (region) => (await this.peers.syncPeer(region, { wait: false })).ok,
      { ...options.schedule, onError },
    );
    this.#hubScheduler = new SyncScheduler(() => this.hubs.hubIds(), async (id) => (await this.hubs.syncHub(id, { wait: false })).ok, { ...options.schedule, onError });
  }

  /** Records this region's issuers (first start), loads accepted lists, starts listening and syncing. */
  static async start(options: FederationOptions): Promise<Federation> {
    let coordinator: SyncCoordinator = new LocalCoordinator();
    if (options.databaseKind === 'pg' && options.databaseUrl) {
      const pg = new PgCoordinator({ databaseUrl: options.databaseUrl, schema: options.schema ?? 'public', onError: (err) => options.logger.error({ err }, 'trust coordination connection lost; reconnecting') });
      await pg.start();
      coordinator = pg;
    }
    const federation = new Federation(options, coordinator);
    try {
      await ensureLocalIssuers(options.knex, options.pki);
      await federation.peers.loadAll();
      if (options.autoSync !== false) {
        federation.#peerScheduler.start();
        federation.#hubScheduler.start();
      }
    } catch (error) {
      await coordinator.close();
      throw error;
    }
    return federation;
  }

  /** GET /.well-known/tongban/trust-list. */
  trustList(now = new Date()): Promise<PublishedTrustList> {
    return currentLocalTrustList(this.#o.knex, { region: this.#o.pki.region, signer: this.#o.pki.trustListSigner, now });
  }

  /** GET /.well-known/tongban/list-of-lists, when this node acts as a hub: its peers plus itself. */
  async listOfLists(now = new Date()): Promise<PublishedListOfLists | null> {
    if (!this.#o.hubId) return null;
    const entries: ListOfListsEntry[] = [{ region: this.#o.pki.region, url: `${this.#o.publicUrl}${TRUST_LIST_PATH}`, anchor: certificateToPem(this.#o.pki.anchorCertificate) }];
    for (const peer of await listPeers(this.#o.knex)) if (peer.status === 'active') entries.push({ region: peer.region, url: peer.url, anchor: peer.anchorPem });
    return currentListOfLists(this.#o.knex, { hubId: this.#o.hubId, signer: this.#o.pki.trustListSigner, entries, now });
  }

  /** POST /v1/trust/peers: pins a partner's anchor; its list is fetched right away in the background. */
  async pin(request: PinRequest, actor: string): Promise<PeerView> {
    await pinPeer(this.#o.knex, request, actor, { ownRegion: this.#o.pki.region });
    // A changed anchor evicts the list accepted under the old one here; other nodes hear it by NOTIFY.
    await this.peers.loadPeer(request.region);
    this.#peerScheduler.trigger(request.region);
    const view = (await this.peers.peers()).find((p) => p.region === request.region);
    return view!;
  }

  async subscribeHub(hub: HubSubscription, actor: string): Promise<void> {
    await subscribeHub(this.#o.knex, hub, actor);
    this.#hubScheduler.trigger(hub.id);
  }

  /** POST /v1/trust/sync: hubs first (they may add peers), then every peer. */
  async syncAll(): Promise<PeerSyncResult[]> {
    const hubResults: HubSyncResult[] = [];
    for (const id of await this.hubs.hubIds()) hubResults.push(await this.hubs.syncHub(id, { syncPeers: false }));
    for (const r of hubResults) if (!r.ok) this.#o.logger.warn({ hub: r.hub, code: r.error }, 'hub sync failed');
    return this.peers.syncAll();
  }

  peerViews(): Promise<PeerView[]> {
    return this.peers.peers();
  }

  /** POST /v1/trust/issuers/{kid}/revoke. */
  async revokeIssuer(kid: string, actor: string, reason?: string): Promise<IssuerStatusResult> {
    const result = await revokeIssuer(this.#o.knex, kid, actor, reason ? { reason } : {});
    await this.peers.loadLocal();
    return result;
  }

  async retireIssuer(kid: string, actor: string, reason?: string): Promise<IssuerStatusResult> {
    const result = await retireIssuer(this.#o.knex, kid, actor, reason ? { reason } : {});
    await this.peers.loadLocal();
    return result;
  }

  async stop(): Promise<void> {
    this.#peerScheduler.stop();
    this.#hubScheduler.stop();
    await this.#coordinator.close();
  }
}
