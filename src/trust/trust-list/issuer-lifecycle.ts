import type { Knex } from 'knex';
import { appendAudit } from '../../audit/audit-log.js';
import { notFound, TongbanError } from '../../errors.js';
import type { IssuerStatus, IssuerStatusChange } from '../trust-material.js';
import { notifyTrustChange } from '../federation/coordination.js';
import { bumpSequence } from './local-issuers-store.js';

export interface IssuerStatusResult {
  kid: string;
  status: IssuerStatus;
  /** False when the issuer already had that status (the call is idempotent). */
  changed: boolean;
  /** The trust-list sequence after the change. */
  sequence: number;
}

const KID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Moves one of this region's issuer keys to `retired` or `revoked`, appending to its status history,
 * bumping the trust-list sequence and auditing, all in one transaction. Revocation is final
 * (docs/federation.md §"Issuer status"): a revoked key is never retired or reactivated.
 */
async function changeStatus(knex: Knex, kid: string, target: 'retired' | 'revoked', actor: string, now: Date, reason?: string): Promise<IssuerStatusResult> {
  if (!KID.test(kid)) throw notFound(`issuer ${kid.slice(0, 64)}`);
  return knex.transaction(async (trx) => {
    const row = await trx('trust_issuers').where({ kid }).forUpdate().first();
    if (!row) throw notFound(`issuer ${kid}`);
    const state = await trx('trust_list_state').where({ id: 1 }).first();
    if (row.status === target) return { kid, status: target, changed: false, sequence: Number(state?.sequence ?? 0) };
    if (row.status === 'revoked') throw new TongbanError('TRUST_ISSUER_REVOKED', `issuer ${kid} is revoked; revocation is final`, 409);
    const history: IssuerStatusChange[] = typeof row.status_history === 'string' ? JSON.parse(row.status_history) : row.status_history;
    history.push({ status: target, at: now.toISOString() });
    await trx('trust_issuers').where({ kid }).update({ status: target, status_since: now, status_history: JSON.stringify(history) });
    const sequence = await bumpSequence(trx, now);
    await appendAudit(trx, { actor, action: `trust.issuer.${target === 'revoked' ? 'revoke' : 'retire'}`, subject: kid, details: { sequence, ...(reason ? { reason } : {}) } }, now);
    // Other nodes of this region reload their local issuers at commit (LISTEN/NOTIFY).
    await notifyTrustChange(trx, 'local', '');
    return { kid, status: target, changed: true, sequence };
  });
}

/** Withdraws an issuer key: nothing it signed verifies any more, here or at partners once they sync. */
export function revokeIssuer(knex: Knex, kid: string, actor: string, options: { now?: Date; reason?: string } = {}): Promise<IssuerStatusResult> {
  return changeStatus(knex, kid, 'revoked', actor, options.now ?? new Date(), options.reason);
}

/** Routine rotation: the key signs nothing new, what it signed before its retirement stays valid. */
export function retireIssuer(knex: Knex, kid: string, actor: string, options: { now?: Date; reason?: string } = {}): Promise<IssuerStatusResult> {
  return changeStatus(knex, kid, 'retired', actor, options.now ?? new Date(), options.reason);
}
