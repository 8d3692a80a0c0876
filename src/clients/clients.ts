import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import { appendAudit } from '../audit/audit-log.js';
import { conflict, invalidRequest, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { SCOPES, isScope, type Scope } from './scopes.js';

/** Who is calling: an API client from the database, or the bootstrap admin. */
export interface Principal {
  id: string;
  name: string;
  scopes: ReadonlySet<Scope>;
}

const TOKEN_PREFIX = 'tb_';

/** Tokens are 256-bit random strings, so SHA-256 is a sufficient one-way store (no slow KDF needed). */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export async function createClient(
  knex: Knex,
  request: { name: string; scopes: string[] },
  actor: string,
): Promise<{ id: string; name: string; scopes: Scope[]; token: string }> {
  const unknown = request.scopes.filter((s) => !isScope(s));
  if (unknown.length) throw invalidRequest(`unknown scopes: ${unknown.join(', ')}; known: ${SCOPES.join(', ')}`);
  if (!request.name.trim() || request.name.length > 200) throw invalidRequest('client name must be 1 to 200 characters');
  const scopes = [...new Set(request.scopes)] as Scope[];
  const id = randomUUID();
  const token = newToken();
  await knex.transaction(async (trx) => {
    await trx('api_clients').insert({ id, name: request.name.trim(), scopes, token_hash: tokenHash(token).toString('hex'), created_at: new Date() });
    await appendAudit(trx, { actor, action: 'client.create', subject: id, details: { name: request.name.trim(), scopes } });
  });
  return { id, name: request.name.trim(), scopes, token };
}

/** Disables a client at once: its token stops working on the next call. Not reversible: create a new client. */
export async function disableClient(knex: Knex, id: string, actor: string): Promise<{ id: string; disabledAt: string }> {
  if (!isUuid(id)) throw notFound(`client ${String(id).slice(0, 64)}`);
  const now = new Date();
  await knex.transaction(async (trx) => {
    const updated = await trx('api_clients').where({ id }).whereNull('disabled_at').update({ disabled_at: now });
    if (updated === 0) {
      const exists = await trx('api_clients').where({ id }).first();
      if (!exists) throw notFound(`client ${id}`);
      throw conflict('CLIENT_DISABLED', 'the client is already disabled');
    }
    await appendAudit(trx, { actor, action: 'client.disable', subject: id });
  });
  return { id, disabledAt: now.toISOString() };
}

/**
 * Resolves a bearer token to a principal, or null. The stored hash is compared in constant time; the
 * lookup is by hash, so response timing reveals nothing about the token itself.
 */
export class Authenticator {
  readonly #knex: Knex;
  readonly #adminHash: Buffer;

  constructor(knex: Knex, adminToken: string) {
    this.#knex = knex;
    this.#adminHash = tokenHash(adminToken);
  }

  async authenticate(token: string): Promise<Principal | null> {
    if (token.length < 16 || token.length > 512) return null;
    const hash = tokenHash(token);
    if (timingSafeEqual(hash, this.#adminHash)) return { id: 'admin', name: 'bootstrap admin', scopes: new Set(SCOPES) };
    const row = await this.#knex('api_clients').where({ token_hash: hash.toString('hex') }).whereNull('disabled_at').first();
    if (!row || !timingSafeEqual(Buffer.from(row.token_hash, 'hex'), hash)) return null;
    return { id: row.id, name: row.name, scopes: new Set((row.scopes as string[]).filter(isScope)) };
  }
}
