import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/** One audited event: who did what to which subject. `details` must not contain personal data in clear. */
export interface AuditEvent {
  actor: string;
  action: string;
  subject?: string | undefined;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);
/** Serialises appends across every node sharing the database, so the chain never forks. */
const AUDIT_LOCK_KEY = 0x7b0a_0001;

/** Canonical JSON (sorted keys) so a record hashes the same after a round trip through jsonb. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function recordHash(r: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256')
    .update(canonical({ seq: r.seq, at: r.at, actor: r.actor, action: r.action, subject: r.subject, details: r.details, prevHash: r.prevHash }))
    .digest('hex');
}

interface AuditRow {
  seq: string | number;
  at: Date;
  actor: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

function fromRow(row: AuditRow): AuditRecord {
  return {
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Appends to the hash-chained, append-only audit log. Call it inside the transaction that makes the
 * change being audited, so the record and the change commit or roll back together.
 */
export async function appendAudit(trx: Knex.Transaction, event: AuditEvent, now = new Date()): Promise<AuditRecord> {
  await trx.raw('select pg_advisory_xact_lock(?)', [AUDIT_LOCK_KEY]);
  const last = await trx<AuditRow>('audit_log').orderBy('seq', 'desc').first();
  const base = {
    seq: last ? Number(last.seq) + 1 : 1,
    at: now.toISOString(),
    actor: event.actor,
    action: event.action,
    subject: event.subject ?? null,
    details: event.details ?? {},
    prevHash: last ? last.hash : GENESIS,
  };
  const record: AuditRecord = { ...base, hash: recordHash(base) };
  await trx('audit_log').insert({
    seq: record.seq,
    at: record.at,
    actor: record.actor,
    action: record.action,
    subject: record.subject,
    details: JSON.stringify(record.details),
    prev_hash: record.prevHash,
    hash: record.hash,
  });
  return record;
}

export type ChainVerification = { ok: true; records: number } | { ok: false; records: number; brokenAt: number; reason: string };

/** Re-walks the chain from the start and names the first broken link. */
export async function verifyAuditChain(knex: Knex, batchSize = 1000): Promise<ChainVerification> {
  let prevHash = GENESIS;
  let expectedSeq = 1;
  for (;;) {
    const rows = await knex<AuditRow>('audit_log').where('seq', '>=', expectedSeq).orderBy('seq').limit(batchSize);
    for (const row of rows) {
      const record = fromRow(row);
      if (record.seq !== expectedSeq) return { ok: false, records: expectedSeq - 1, brokenAt: expectedSeq, reason: `record ${expectedSeq} is missing` };
      if (record.prevHash !== prevHash) return { ok: false, records: expectedSeq - 1, brokenAt: record.seq, reason: 'prev_hash does not match the previous record' };
      if (recordHash(record) !== record.hash) return { ok: false, records: expectedSeq - 1, brokenAt: record.seq, reason: 'record content does not match its hash' };
      prevHash = record.hash;
      expectedSeq++;
    }
    if (rows.length < batchSize) return { ok: true, records: expectedSeq - 1 };
  }
}

export async function listAudit(knex: Knex, options: { afterSeq?: number; limit: number }): Promise<AuditRecord[]> {
  const rows = await knex<AuditRow>('audit_log').where('seq', '>', options.afterSeq ?? 0).orderBy('seq').limit(options.limit);
  return rows.map(fromRow);
}
