import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { appendAudit } from '../../audit/audit-log.js';
import { TongbanError } from '../../errors.js';
import { parseLicenceIdentifier } from './identifier.js';

export const MAX_REASON_LENGTH = 200;

/** A licence as an agency receives it when it uses one (用证). */
export interface LicenceRecord {
  id: string;
  identifier: string;
  type: string;
  /** The issued SD-JWT with every disclosure. */
  credential: string;
  status: string;
  issuedAt: string;
  expiresAt: string;
}

export interface UsageRecord {
  id: string;
  identifier: string;
  clientId: string;
  reason: string;
  at: string;
}

interface LicenceRow {
  id: string;
  identifier: string;
  type: string;
  sd_jwt: string;
  status: string;
  issued_at: Date;
  expires_at: Date;
}

interface UsageRow {
  id: string;
  identifier: string;
  client_id: string;
  reason: string;
  at: Date;
}

function checkIdentifier(identifier: unknown): string {
  const parsed = parseLicenceIdentifier(identifier);
  if (!parsed.ok) throw new TongbanError('INVALID_LICENCE_IDENTIFIER', `not a licence identifier: ${parsed.reason}`, 400);
  return identifier as string;
}

function checkReason(reason: unknown): string {
  const text = typeof reason === 'string' ? reason.normalize('NFC').trim() : '';
  if (text.length === 0) throw new TongbanError('REASON_REQUIRED', 'using a licence requires a reason', 400);
  // Characters, not UTF-16 units: a Chinese reason of 200 characters is allowed.
  if ([...text].length > MAX_REASON_LENGTH) throw new TongbanError('REASON_TOO_LONG', `the reason must be at most ${MAX_REASON_LENGTH} characters`, 400);
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new TongbanError('INVALID_REASON', 'the reason must not contain control characters', 400);
  return text;
}

/**
 * An agency uses a licence (用证): fetches it by identifier, stating why. The usage record and its
 * audit record are written in the same transaction as the read, so no licence leaves without a trace.
 */
export async function useLicence(
  knex: Knex,
  request: { identifier: unknown; clientId: string; reason: unknown },
  now = new Date(),
): Promise<LicenceRecord> {
  const identifier = checkIdentifier(request.identifier);
  const reason = checkReason(request.reason);
  return knex.transaction(async (trx) => {
    const row = await trx<LicenceRow>('licences')
      .join('credentials', 'credentials.id', 'licences.credential_id')
      .where('licences.identifier', identifier)
      .first('credentials.id', 'licences.identifier', 'licences.type', 'licences.sd_jwt', 'credentials.status', 'credentials.issued_at', 'credentials.expires_at');
    if (!row) throw new TongbanError('LICENCE_NOT_FOUND', 'no licence with that identifier', 404);
    const usageId = randomUUID();
    await trx('licence_usage').insert({ id: usageId, credential_id: row.id, identifier, client_id: request.clientId, reason, at: now });
    await appendAudit(trx, { actor: request.clientId, action: 'licence.use', subject: row.id, details: { identifier, usage: usageId, reason } }, now);
    return {
      id: row.id,
      identifier: row.identifier,
      type: row.type,
      credential: row.sd_jwt,
      status: row.status,
      issuedAt: new Date(row.issued_at).toISOString(),
      expiresAt: new Date(row.expires_at).toISOString(),
    };
  });
}

/** Who used a licence, when and why, newest first: by licence identifier or by holder pseudonym. */
export async function listUsage(
  knex: Knex,
  by: { identifier: unknown } | { holderPseudonym: string },
  limit = 500,
): Promise<UsageRecord[]> {
  let query = knex<UsageRow>('licence_usage').select('licence_usage.id', 'licence_usage.identifier', 'licence_usage.client_id', 'licence_usage.reason', 'licence_usage.at');
  if ('identifier' in by) {
    query = query.where('licence_usage.identifier', checkIdentifier(by.identifier));
  } else {
    query = query.join('credentials', 'credentials.id', 'licence_usage.credential_id').where('credentials.holder_pseudonym', by.holderPseudonym);
  }
  const rows = await query.orderBy('licence_usage.at', 'desc').orderBy('licence_usage.id').limit(Math.min(Math.max(limit, 1), 1000));
  return rows.map((r) => ({ id: r.id, identifier: r.identifier, clientId: r.client_id, reason: r.reason, at: new Date(r.at).toISOString() }));
}
