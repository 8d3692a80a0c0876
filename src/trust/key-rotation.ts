import type { Knex } from 'knex';
import { appendAudit } from '../audit/audit-log.js';
import type { KeyStore } from '../crypto/signer.js';
import { invalidRequest } from '../errors.js';
import { loadOrCreateRegionPki } from '../pki/region-pki.js';
import { retireIssuer } from './trust-list/issuer-lifecycle.js';
import { ensureLocalIssuers } from './trust-list/local-issuers-store.js';

/** The keys that rotate routinely, and whether partners see them as issuers in the trust list. */
export const ROTATABLE_KEYS = {
  'health-code-issuer': { issuer: true },
  'licence-issuer': { issuer: true },
  // Partners pin the anchor, not the list signer: a new signer certified under it is accepted as is.
  'trust-list-signer': { issuer: false },
} as const;
export type RotatableKey = keyof typeof ROTATABLE_KEYS;

export function isRotatableKey(name: string): name is RotatableKey {
  return Object.hasOwn(ROTATABLE_KEYS, name);
}

export interface RotationResult {
  key: RotatableKey;
  oldKid: string;
  newKid: string;
  trustListSequence?: number;
}

/**
 * Routine key rotation (docs/keys.md), with every node of the region stopped: the current key is
 * archived (kept: it still signs the status lists of what it issued), a successor is generated and
 * certified like the first, the successor enters the trust list, and the old issuer key is *retired* —
 * credentials it issued before now stay valid everywhere, and it can sign nothing new.
 */
export async function rotateKey(store: KeyStore, knex: Knex, region: string, key: string, actor: string, now = new Date()): Promise<RotationResult> {
  if (!isRotatableKey(key)) throw invalidRequest(`only ${Object.keys(ROTATABLE_KEYS).join(', ')} rotate this way`);
  await loadOrCreateRegionPki(store, region, now);
  const old = await store.archive(key);
  const pki = await loadOrCreateRegionPki(store, region, now);
  const successor = await store.load(key);
  await ensureLocalIssuers(knex, pki, now);
  if (ROTATABLE_KEYS[key].issuer) {
    const retired = await retireIssuer(knex, old.kid, actor, { now, reason: `key rotation: succeeded by ${successor.kid}` });
    return { key, oldKid: old.kid, newKid: successor.kid, trustListSequence: retired.sequence };
  }
  await knex.transaction((trx) => appendAudit(trx, { actor, action: 'key.rotate', subject: key, details: { oldKid: old.kid, newKid: successor.kid } }, now));
  return { key, oldKid: old.kid, newKid: successor.kid };
}
