import type { Knex } from 'knex';
import type { Signer } from '../../crypto/signer.js';
import { sha256Hex } from '../trust-list/envelope.js';
import { signEnvelope } from '../trust-list/sign.js';
import { LIST_OF_LISTS_TYP, type ListOfListsEntry, type ListOfListsPayload } from './format.js';

/** Row 2 of trust_list_state holds the list of lists this node publishes when it acts as a hub. */
const HUB_STATE_ID = 2;

export function signListOfLists(payload: ListOfListsPayload, signer: Signer): Promise<string> {
  return signEnvelope(LIST_OF_LISTS_TYP, payload, signer);
}

export interface PublishedListOfLists {
  jws: string;
  sequence: number;
  etag: string;
  nextUpdate: Date;
}

function sameEntries(a: ListOfListsEntry[], b: ListOfListsEntry[]): boolean {
  const key = (list: ListOfListsEntry[]) => JSON.stringify([...list].sort((x, y) => (x.region < y.region ? -1 : 1)));
  return key(a) === key(b);
}

/**
 * The list of lists this node publishes as a hub: the given entries, re-signed under a new sequence
 * when they change or the list gets old, stored so that every node serves the same bytes per sequence.
 */
export async function currentListOfLists(
  knex: Knex,
  options: { hubId: string; signer: Signer; entries: ListOfListsEntry[]; now?: Date; validitySeconds?: number; reissueAfterSeconds?: number },
): Promise<PublishedListOfLists> {
  const now = options.now ?? new Date();
  const validity = (options.validitySeconds ?? 86_400) * 1000;
  const reissueAfter = (options.reissueAfterSeconds ?? 6 * 3600) * 1000;
  return knex.transaction(async (trx) => {
    await trx('trust_list_state').insert({ id: HUB_STATE_ID, sequence: 0, updated_at: now }).onConflict('id').ignore();
    const row = (await trx('trust_list_state').where({ id: HUB_STATE_ID }).forUpdate().first()) as { sequence: string; jws: string | null; jws_hash: string | null; issued_at: Date | null; next_update: Date | null };
    if (row.jws && row.issued_at && now.getTime() - new Date(row.issued_at).getTime() < reissueAfter) {
      const stored = JSON.parse(Buffer.from(row.jws.split('.')[1]!, 'base64url').toString('utf8')) as ListOfListsPayload;
      if (stored.hub === options.hubId && sameEntries(stored.regions, options.entries)) {
        return { jws: row.jws, sequence: Number(row.sequence), etag: `"${row.jws_hash}"`, nextUpdate: new Date(row.next_update!) };
      }
    }
    const sequence = Number(row.sequence) + 1;
    const payload: ListOfListsPayload = { hub: options.hubId, sequence, issuedAt: now.toISOString(), nextUpdate: new Date(now.getTime() + validity).toISOString(), regions: options.entries };
    const jws = await signListOfLists(payload, options.signer);
    const hash = sha256Hex(jws);
    await trx('trust_list_state').where({ id: HUB_STATE_ID }).update({ sequence, signed_sequence: sequence, jws, jws_hash: hash, issued_at: now, next_update: payload.nextUpdate, updated_at: now });
    return { jws, sequence, etag: `"${hash}"`, nextUpdate: new Date(payload.nextUpdate) };
  });
}
