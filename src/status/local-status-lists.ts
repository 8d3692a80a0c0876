import { randomInt, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { signCompactJws } from '../crypto/jws.js';
import type { Signer } from '../crypto/signer.js';
import type { TrustedIssuer } from '../trust/trust-material.js';
import { setStatusAt, statusAt, encodeStatusList, type StatusBits } from './status-list.js';
import type { StatusLookup, StatusReference, StatusResolver } from './status-resolver.js';

export interface StatusAllocation {
  listId: string;
  index: number;
  uri: string;
}

interface ListRow {
  id: string;
  issuer_kid: string;
  purpose: string;
  bits: number;
  capacity: number;
  next_index: number;
  index_stride: number;
  index_offset: number;
  statuses: Buffer;
  version: string | number;
  updated_at: Date;
}

interface MemoryList {
  id: string;
  issuerKid: string;
  bits: StatusBits;
  statuses: Buffer;
  version: number;
  updatedAt: Date;
  token?: { version: number; jwt: string; issuedAt: number };
}

export interface LocalStatusListsOptions {
  /** Base URL under which lists are published: `<publicUrl>/v1/status-lists/<id>`. */
  publicUrl: string;
  /** The keys that sign lists: a list is signed by the key of the credentials it covers. */
  signers: ReadonlyMap<string, Signer>;
  capacity?: number;
  bits?: StatusBits;
  /** `ttl` of published list tokens (draft-ietf-oauth-status-list §5.1): how long verifiers may cache. */
  ttlSeconds?: number;
}

/**
 * This node's own status lists: allocation of status indexes (in the caller's transaction), status
 * changes, the signed `statuslist+jwt` tokens, and the in-memory copy the verifier reads (no database
 * on the verify path). Lists changed by other nodes of the region are picked up by `refresh()`.
 */
export class LocalStatusLists implements StatusResolver {
  readonly #knex: Knex;
  readonly #options: Required<LocalStatusListsOptions>;
  readonly #lists = new Map<string, MemoryList>();
  readonly #prefix: string;

  constructor(knex: Knex, options: LocalStatusListsOptions) {
    this.#knex = knex;
    this.#options = { capacity: 65_536, bits: 2, ttlSeconds: 300, ...options };
    this.#prefix = `${options.publicUrl.replace(/\/$/, '')}/v1/status-lists/`;
  }

  uriFor(listId: string): string {
    return `${this.#prefix}${listId}`;
  }

  /**
   * The list id in a status URI of this node. Matched on the path, not the origin: a node whose public
   * URL changed (new domain, new port) still answers for the lists it issued. `lookup` only believes a
   * list that belongs to the credential's own issuer key, so the origin adds nothing to trust.
   */
  localListId(uri: string): string | undefined {
    return /\/v1\/status-lists\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(uri)?.[1];
  }

  /** Loads every list, or those whose version changed since the last load. */
  async refresh(): Promise<void> {
    const versions = await this.#knex<ListRow>('status_lists').select('id', 'version');
    for (const { id, version } of versions) {
      if (this.#lists.get(id)?.version !== Number(version)) await this.reload(id);
    }
  }

  async ensureLoaded(listId: string): Promise<void> {
    if (!this.#lists.has(listId)) await this.reload(listId);
  }

  async reload(listId: string): Promise<void> {
    const row = await this.#knex<ListRow>('status_lists').where({ id: listId }).first();
    if (row) this.#lists.set(row.id, toMemory(row));
  }

  /** Reserves the next status index for a credential, inside the issuing transaction. */
  async allocate(trx: Knex.Transaction, issuerKid: string, purpose: string): Promise<StatusAllocation> {
    let row = await trx<ListRow>('status_lists')
      .where({ issuer_kid: issuerKid, purpose })
      .andWhereRaw('next_index < capacity')
      .orderBy('updated_at', 'desc')
      .forUpdate()
      .first();
    if (!row) {
      const { capacity, bits } = this.#options;
      const inserted = await trx<ListRow>('status_lists')
        .insert({
          id: randomUUID(),
          issuer_kid: issuerKid,
          purpose,
          bits,
          capacity,
          next_index: 0,
          ...secretPermutation(capacity),
          statuses: Buffer.alloc(Math.ceil((capacity * bits) / 8)),
          version: 0,
          updated_at: new Date(),
        })
        .returning('*');
      row = inserted[0]!;
    }
    const n = row.next_index;
    await trx('status_lists').where({ id: row.id }).update({ next_index: n + 1 });
    // n ↦ (n·stride + offset) mod capacity is a bijection because stride is coprime to capacity.
    const index = Number((BigInt(n) * BigInt(row.index_stride) + BigInt(row.index_offset)) % BigInt(row.capacity));
    return { listId: row.id, index, uri: this.uriFor(row.id) };
  }

  /** Writes a status inside the caller's transaction; call `reload(listId)` after it commits. */
  async setStatus(trx: Knex.Transaction, listId: string, index: number, value: number): Promise<void> {
    const row = await trx<ListRow>('status_lists').where({ id: listId }).forUpdate().first();
    if (!row) throw new Error(`status list ${listId} does not exist`);
    const statuses = Buffer.from(row.statuses);
    setStatusAt(statuses, row.bits as StatusBits, index, value);
    await trx('status_lists')
      .where({ id: listId })
      .update({ statuses, version: Number(row.version) + 1, updated_at: new Date() });
  }

  async lookup(reference: StatusReference, issuer: TrustedIssuer): Promise<StatusLookup> {
    const listId = this.localListId(reference.uri);
    const list = listId ? this.#lists.get(listId) : undefined;
    if (!list) return { ok: false, reason: 'status list not known to this node' };
    if (list.issuerKid !== issuer.kid) return { ok: false, reason: 'status list belongs to another issuer key' };
    const status = statusAt(list.statuses, list.bits, reference.idx);
    if (status === undefined) return { ok: false, reason: 'status index outside the list' };
    return { ok: true, status, listIssuedAt: list.updatedAt };
  }

  /** The signed Token Status List token for a list (cached per list version). */
  async token(listId: string, now = new Date()): Promise<string | undefined> {
    const list = this.#lists.get(listId);
    if (!list) return undefined;
    const iat = Math.floor(now.getTime() / 1000);
    const { ttlSeconds } = this.#options;
    // Re-sign when the list changed or the cached token is older than half its ttl.
    if (list.token && list.token.version === list.version && iat - list.token.issuedAt < ttlSeconds / 2) return list.token.jwt;
    const signer = this.#options.signers.get(list.issuerKid);
    if (!signer) return undefined;
    const jwt = await signCompactJws(
      { typ: 'statuslist+jwt' },
      {
        sub: this.uriFor(listId),
        iat,
        // exp bounds a replayed old list: a verifier must not use it after a day (§5.1).
        exp: iat + 24 * 3600,
        ttl: ttlSeconds,
        status_list: encodeStatusList(list.statuses, list.bits),
      },
      signer,
    );
    list.token = { version: list.version, jwt, issuedAt: iat };
    return jwt;
  }
}

function toMemory(row: ListRow): MemoryList {
  return {
    id: row.id,
    issuerKid: row.issuer_kid,
    bits: row.bits as StatusBits,
    statuses: Buffer.from(row.statuses),
    version: Number(row.version),
    updatedAt: new Date(row.updated_at),
  };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** A random stride coprime to the capacity and a random offset: a secret permutation of the indexes. */
function secretPermutation(capacity: number): { index_stride: number; index_offset: number } {
  if (capacity < 3) return { index_stride: 1, index_offset: 0 };
  for (;;) {
    const stride = randomInt(1, capacity);
    const offset = randomInt(0, capacity);
    // Coprime, so the map is a bijection; never the identity, which would hide nothing.
    if (gcd(stride, capacity) === 1 && !(stride === 1 && offset === 0)) return { index_stride: stride, index_offset: offset };
  }
}
