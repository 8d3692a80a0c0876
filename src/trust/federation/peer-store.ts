import type { Knex } from 'knex';
import { appendAudit } from '../../audit/audit-log.js';
import { invalidRequest, TongbanError } from '../../errors.js';
import { parseCertificate } from '../../pki/certificates.js';
import { x509 } from '../../pki/x509.js';
import { REGION_PATTERN } from '../trust-list/format.js';
import type { AcceptedTrustList } from '../trust-list/verify.js';
import { isHttpUrl } from './bounded-fetch.js';
import { notifyTrustChange } from './coordination.js';

/** A pinned partner region, as stored in `trust_peers`. */
export interface PeerRecord {
  region: string;
  url: string;
  anchorPem: string;
  source: 'manual' | 'hub';
  hubId: string | null;
  status: 'active' | 'withdrawn';
  lastSequence: number | null;
  lastHash: string | null;
  nextUpdate: Date | null;
  lastSyncAt: Date | null;
  lastSuccessAt: Date | null;
  lastErrorCode: string | null;
  lastError: string | null;
  consecutiveFailures: number;
}

interface PeerRow {
  region: string;
  url: string;
  anchor_pem: string;
  source: 'manual' | 'hub';
  hub_id: string | null;
  status: 'active' | 'withdrawn';
  last_sequence: string | number | null;
  last_hash: string | null;
  next_update: Date | null;
  last_sync_at: Date | null;
  last_success_at: Date | null;
  last_error_code: string | null;
  last_error: string | null;
  consecutive_failures: number;
}

const date = (d: Date | null) => (d ? new Date(d) : null);

function fromRow(row: PeerRow): PeerRecord {
  return {
    region: row.region,
    url: row.url,
    anchorPem: row.anchor_pem,
    source: row.source,
    hubId: row.hub_id,
    status: row.status,
    lastSequence: row.last_sequence === null ? null : Number(row.last_sequence),
    lastHash: row.last_hash,
    nextUpdate: date(row.next_update),
    lastSyncAt: date(row.last_sync_at),
    lastSuccessAt: date(row.last_success_at),
    lastErrorCode: row.last_error_code,
    lastError: row.last_error,
    consecutiveFailures: row.consecutive_failures,
  };
}

export interface PinRequest {
  region: string;
  url: string;
  anchor: string;
}

/**
 * Checks a pin before storing it: an ISO 3166-2 region other than ours, an http(s) URL, and an anchor
 * that is one CA certificate valid now. Throws INVALID_REQUEST naming what is wrong.
 */
export function checkPin(pin: PinRequest, ownRegion: string, now: Date): { anchorPem: string } {
  if (typeof pin.region !== 'string' || !REGION_PATTERN.test(pin.region)) throw invalidRequest('region must be an ISO 3166-2 code such as CN-SC');
  if (pin.region === ownRegion) throw new TongbanError('TRUST_PEER_SELF', `${ownRegion} is this node's own region`, 400);
  if (typeof pin.url !== 'string' || pin.url.length > 2000 || !isHttpUrl(pin.url)) throw invalidRequest('url must be an http(s) URL');
  if (typeof pin.anchor !== 'string' || pin.anchor.length > 64 * 1024) throw invalidRequest('anchor must be one PEM certificate');
  const blocks = pin.anchor.match(/-----BEGIN CERTIFICATE-----/g) ?? [];
  const cert = blocks.length === 1 ? parseCertificate(pin.anchor) : null;
  if (!cert) throw invalidRequest('anchor must be one PEM certificate');
  if (!cert.getExtension(x509.BasicConstraintsExtension)?.ca) throw invalidRequest('anchor is not a CA certificate');
  if (cert.notAfter.getTime() < now.getTime() || cert.notBefore.getTime() > now.getTime()) throw invalidRequest('anchor is outside its validity period');
  return { anchorPem: `${cert.toString('pem')}\n` };
}

/**
 * Pins (or re-pins) a peer. Re-pinning replaces URL and anchor but keeps the last accepted sequence,
 * so a new pin can never be used to roll a region's list back.
 */
export async function pinPeer(
  knex: Knex,
  pin: PinRequest,
  actor: string,
  options: { ownRegion: string; now?: Date; source?: 'manual' | 'hub'; hubId?: string },
): Promise<PeerRecord> {
  const now = options.now ?? new Date();
  const { anchorPem } = checkPin(pin, options.ownRegion, now);
  return knex.transaction(async (trx) => {
    const existing = (await trx('trust_peers').where({ region: pin.region }).forUpdate().first()) as PeerRow | undefined;
    const source = options.source ?? 'manual';
    // A hand-made pin outranks a hub's pointer: the hub must not re-route a region an operator pinned.
    if (existing && existing.source === 'manual' && source === 'hub') return fromRow(existing);
    const values = { url: pin.url, anchor_pem: anchorPem, source, hub_id: options.hubId ?? null, status: 'active', updated_at: now };
    if (existing) {
      const changed = existing.url !== pin.url || existing.anchor_pem !== anchorPem || existing.status !== 'active' || existing.source !== source;
      if (!changed) return fromRow(existing);
      await trx('trust_peers').where({ region: pin.region }).update(values);
      // Other nodes must drop a list held under the old anchor and their ETag for the old pin.
      if (existing.url !== pin.url || existing.anchor_pem !== anchorPem) await notifyTrustChange(trx, 'peer', pin.region);
    } else {
      await trx('trust_peers').insert({ region: pin.region, ...values, consecutive_failures: 0, created_at: now });
    }
    await appendAudit(trx, { actor, action: 'trust.peer.pin', subject: pin.region, details: { url: pin.url, source, ...(options.hubId ? { hubId: options.hubId } : {}) } }, now);
    return fromRow((await trx('trust_peers').where({ region: pin.region }).first()) as PeerRow);
  });
}

/** A hub no longer lists a region it pointed to: the peer stops counting (its issuers leave the trust material). */
export async function withdrawPeer(knex: Knex, region: string, actor: string, now = new Date()): Promise<void> {
  await knex.transaction(async (trx) => {
    const updated = await trx('trust_peers').where({ region, status: 'active' }).update({ status: 'withdrawn', updated_at: now });
    if (updated > 0) await appendAudit(trx, { actor, action: 'trust.peer.withdraw', subject: region }, now);
  });
}

export async function listPeers(knex: Knex): Promise<PeerRecord[]> {
  return ((await knex('trust_peers').select('*').orderBy('region')) as PeerRow[]).map(fromRow);
}

export async function getPeer(knex: Knex | Knex.Transaction, region: string): Promise<PeerRecord | undefined> {
  const row = (await knex('trust_peers').where({ region }).first()) as PeerRow | undefined;
  return row ? fromRow(row) : undefined;
}

/** Stores an accepted list (kept as history) and moves the peer's state to it, in the caller's transaction. */
export async function recordAccepted(trx: Knex.Transaction, region: string, list: AcceptedTrustList, now: Date): Promise<void> {
  await trx('trust_peer_lists')
    .insert({
      region,
      sequence: list.payload.sequence,
      jws: list.jws,
      jws_hash: list.hash,
      issuer_count: list.payload.issuers.length,
      issued_at: list.payload.issuedAt,
      next_update: list.payload.nextUpdate,
      accepted_at: now,
    })
    .onConflict(['region', 'sequence'])
    .ignore();
  await trx('trust_peers').where({ region }).update({
    last_sequence: list.payload.sequence,
    last_hash: list.hash,
    next_update: list.payload.nextUpdate,
    last_sync_at: now,
    last_success_at: now,
    last_error_code: null,
    last_error: null,
    consecutive_failures: 0,
    updated_at: now,
  });
}

export async function recordUnchanged(knex: Knex, region: string, now: Date): Promise<void> {
  await knex('trust_peers').where({ region }).update({ last_sync_at: now, last_success_at: now, last_error_code: null, last_error: null, consecutive_failures: 0, updated_at: now });
}

export async function recordFailure(knex: Knex, region: string, code: string, message: string, now: Date): Promise<void> {
  await knex('trust_peers')
    .where({ region })
    .update({ last_sync_at: now, last_error_code: code, last_error: message.slice(0, 1000), updated_at: now, consecutive_failures: knex.raw('consecutive_failures + 1') });
}

/** The list this node last accepted from a peer, or undefined. */
export async function latestAcceptedList(knex: Knex, region: string): Promise<{ sequence: number; jws: string } | undefined> {
  const row = (await knex('trust_peer_lists').where({ region }).orderBy('sequence', 'desc').first('sequence', 'jws')) as { sequence: string; jws: string } | undefined;
  return row ? { sequence: Number(row.sequence), jws: row.jws } : undefined;
}
