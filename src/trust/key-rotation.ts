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
  if (ROTATABLE_KEYS[key].issuer) {
    // Resumable: a run that archived the key but failed before retiring it left that issuer active.
    // Finish that rotation (register the successor, retire the archived key) instead of rotating the successor.
    for (const archived of await store.archived(key)) {
      const row = (await knex('trust_issuers').where({ kid: archived.kid }).first('status')) as { status: string } | undefined;
      if (row?.status === 'active') return finishIssuerRotation(store, knex, region, key, archived.kid, actor, now);
    }
  }
  await loadOrCreateRegionPki(store, region, now);
  const old = await store.archive(key);
  if (ROTATABLE_KEYS[key].issuer) return finishIssuerRotation(store, knex, region, key, old.kid, actor, now);
  const pki = await loadOrCreateRegionPki(store, region, now);
  const successor = await store.load(key);
  await ensureLocalIssuers(knex, pki, now);
  await knex.transaction((trx) => appendAudit(trx, { actor, action: 'key.rotate', subject: key, details: { oldKid: old.kid, newKid: successor.kid } }, now));
  return { key, oldKid: old.kid, newKid: successor.kid };
}

/** After the archive: certify and register the successor, then retire the archived issuer key. */
async function finishIssuerRotation(store: KeyStore, knex: Knex, region: string, key: RotatableKey, oldKid: string, actor: string, now: Date): Promise<RotationResult> {
  const pki = await loadOrCreateRegionPki(store, region, now);
  const successor = await store.load(key);
  await ensureLocalIssuers(knex, pki, now);
  const retired = await retireIssuer(knex, oldKid, actor, { now, reason: `key rotation: succeeded by ${successor.kid}` });
  return { key, oldKid, newKid: successor.kid, trustListSequence: retired.sequence };
}
