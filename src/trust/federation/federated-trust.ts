import type { IssuerRole } from '../roles.js';
import { IssuerIndex, type TrustedIssuer, type TrustMaterial } from '../trust-material.js';

/** What the node holds of one peer: its accepted list's issuers and when that list goes stale. */
export interface PeerTrust {
  region: string;
  sequence: number;
  nextUpdate: Date;
  freshUntil: Date;
  /** SHA-256 of the accepted JWS. */
  hash: string;
  issuers: readonly TrustedIssuer[];
}

/**
 * This region's issuers plus every accepted peer list, as one immutable IssuerIndex that is swapped,
 * never mutated, when anything changes: the verify hot path reads a single in-memory snapshot.
 * Colliding kids across regions stay side by side (IssuerIndex keeps all); the verifier picks by the
 * credential's region claim, so one region can never shadow another's key.
 */
export class FederatedTrust implements TrustMaterial {
  #local: readonly TrustedIssuer[] = [];
  readonly #peers = new Map<string, PeerTrust>();
  #index = new IssuerIndex([]);
  readonly #listeners = new Set<(index: IssuerIndex) => void>();

  /** The current snapshot; hand this to a verification so it sees one consistent state. */
  get index(): IssuerIndex {
    return this.#index;
  }

  issuersByKid(kid: string): readonly TrustedIssuer[] {
    return this.#index.issuersByKid(kid);
  }

  issuersWithRole(role: IssuerRole): readonly TrustedIssuer[] {
    return this.#index.issuersWithRole(role);
  }

  setLocal(issuers: readonly TrustedIssuer[]): void {
    this.#local = issuers;
    this.#rebuild();
  }

  /**
   * Installs a peer's accepted list. A lower sequence than the one held is ignored: a reload racing a
   * sync must never put list N back over N+1 (and undo a revocation). Eviction is removePeer.
   */
  setPeer(peer: PeerTrust): void {
    const held = this.#peers.get(peer.region);
    if (held && peer.sequence < held.sequence) return;
    this.#peers.set(peer.region, peer);
    this.#rebuild();
  }

  removePeer(region: string): void {
    if (this.#peers.delete(region)) this.#rebuild();
  }

  peer(region: string): PeerTrust | undefined {
    return this.#peers.get(region);
  }

  peers(): PeerTrust[] {
    return [...this.#peers.values()];
  }

  /** Called with each new snapshot (e.g. to drop caches keyed on trust). */
  onChange(listener: (index: IssuerIndex) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #rebuild(): void {
    const all: TrustedIssuer[] = [...this.#local];
    for (const peer of this.#peers.values()) for (const issuer of peer.issuers) all.push(issuer);
    this.#index = new IssuerIndex(all);
    for (const listener of this.#listeners) listener(this.#index);
  }
}
