import type { Knex } from 'knex';
import type { Signer } from '../../crypto/signer.js';
import { sha256Hex } from './envelope.js';
import type { TrustListPayload } from './format.js';
import { entryFromRow, readIssuerRows } from './local-issuers-store.js';
import { signTrustList } from './sign.js';

/** This region's current signed trust list, as served at GET /.well-known/tongban/trust-list. */
export interface PublishedTrustList {
  jws: string;
  sequence: number;
  issuedAt: Date;
  nextUpdate: Date;
  /** Strong ETag (RFC 9110 §8.8.3): the SHA-256 of the exact bytes served. */
  etag: string;
  /** For Cache-Control max-age: short, and never beyond nextUpdate. */
  maxAgeSeconds: number;
}

export interface PublishOptions {
  region: string;
  signer: Signer;
  now?: Date;
  /** issuedAt → nextUpdate. The EU DCC gateway refreshes daily; so do we by default. */
  validitySeconds?: number;
  /** A list older than this is re-issued with a new sequence, so partners never see it near nextUpdate. */
  reissueAfterSeconds?: number;
  maxAgeSeconds?: number;
}

interface StateRow {
  sequence: string | number;
  signed_sequence: string | number | null;
  jws: string | null;
  jws_hash: string | null;
  issued_at: Date | null;
  next_update: Date | null;
}

function published(state: StateRow, now: Date, maxAge: number): PublishedTrustList {
  const nextUpdate = new Date(state.next_update!);
  return {
    jws: state.jws!,
    sequence: Number(state.signed_sequence),
    issuedAt: new Date(state.issued_at!),
    nextUpdate,
    etag: `"${state.jws_hash}"`,
    maxAgeSeconds: Math.max(0, Math.min(maxAge, Math.floor((nextUpdate.getTime() - now.getTime()) / 1000))),
  };
}

function isCurrent(state: StateRow | undefined, now: Date, reissueAfterMs: number): state is StateRow {
  return (
    !!state &&
    state.jws !== null &&
    state.signed_sequence !== null &&
    Number(state.signed_sequence) === Number(state.sequence) &&
    now.getTime() - new Date(state.issued_at!).getTime() < reissueAfterMs
  );
}

/**
 * Returns this region's signed list, signing a new one when the issuers changed (the sequence moved
 * past the signed one) or the signed one is getting old. The signed bytes are stored, and signing
 * happens under a row lock: every node sharing the database serves identical bytes for a sequence
 * (peers refuse one sequence with two contents).
 */
export async function currentLocalTrustList(knex: Knex, options: PublishOptions): Promise<PublishedTrustList> {
  const now = options.now ?? new Date();
  const validity = (options.validitySeconds ?? 86_400) * 1000;
  const reissueAfter = (options.reissueAfterSeconds ?? 6 * 3600) * 1000;
  const maxAge = options.maxAgeSeconds ?? 300;
  const state = (await knex('trust_list_state').where({ id: 1 }).first()) as StateRow | undefined;
  if (isCurrent(state, now, reissueAfter)) return published(state, now, maxAge);

  return knex.transaction(async (trx) => {
    await trx('trust_list_state').insert({ id: 1, sequence: 1, updated_at: now }).onConflict('id').ignore();
    const locked = (await trx('trust_list_state').where({ id: 1 }).forUpdate().first()) as StateRow | undefined;
    if (isCurrent(locked, now, reissueAfter)) return published(locked, now, maxAge);
    let sequence = Number(locked!.sequence);
    // Re-issuing unchanged content still takes a new sequence: one sequence, one content.
    if (locked!.signed_sequence !== null && Number(locked!.signed_sequence) >= sequence) sequence = Number(locked!.signed_sequence) + 1;
    const issuers = (await readIssuerRows(trx)).map(entryFromRow);
    const payload: TrustListPayload = {
      region: options.region,
      sequence,
      issuedAt: now.toISOString(),
      nextUpdate: new Date(now.getTime() + validity).toISOString(),
      issuers,
    };
    const jws = await signTrustList(payload, options.signer);
    const row: StateRow = { sequence, signed_sequence: sequence, jws, jws_hash: sha256Hex(jws), issued_at: now, next_update: new Date(payload.nextUpdate) };
    await trx('trust_list_state').where({ id: 1 }).update({ ...row, updated_at: now });
    return published(row, now, maxAge);
  });
}
