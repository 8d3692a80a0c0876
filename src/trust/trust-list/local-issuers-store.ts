import { createPublicKey } from 'node:crypto';
import type { Knex } from 'knex';
import { appendAudit } from '../../audit/audit-log.js';
import type { Signer } from '../../crypto/signer.js';
import type { RegionPki } from '../../pki/region-pki.js';
import { x509 } from '../../pki/x509.js';
import type { IssuerRole } from '../roles.js';
import type { IssuerStatus, IssuerStatusChange, TrustedIssuer } from '../trust-material.js';
import { notifyTrustChange } from '../federation/coordination.js';
import type { TrustListIssuerEntry } from './format.js';

/** The row of `trust_issuers`: one of this region's issuer keys. */
interface IssuerRow {
  kid: string;
  name: string;
  roles: string[];
  public_jwk: JsonWebKey | string;
  certificate: Buffer | null;
  certificate_chain: string[] | string | null;
  valid_from: Date | null;
  valid_to: Date | null;
  status: IssuerStatus;
  status_since: Date;
  status_history: IssuerStatusChange[] | string;
}

const STATE_ID = 1;

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** Bumps this region's trust-list sequence: every change to the issuers makes a new list. */
export async function bumpSequence(trx: Knex.Transaction, now: Date): Promise<number> {
  await trx('trust_list_state').insert({ id: STATE_ID, sequence: 0, updated_at: now }).onConflict('id').ignore();
  const result = await trx.raw('update trust_list_state set sequence = sequence + 1, updated_at = ? where id = ? returning sequence', [now, STATE_ID]);
  return Number((result.rows as { sequence: string | number }[])[0]!.sequence);
}

interface NewIssuer {
  name: string;
  roles: IssuerRole[];
  signer: Pick<Signer, 'kid' | 'publicJwk' | 'certificateChain'>;
}

function rowFor(issuer: NewIssuer, now: Date): Record<string, unknown> {
  const [leaf, ...chain] = issuer.signer.certificateChain;
  const cert = leaf ? new x509.X509Certificate(new Uint8Array(leaf)) : undefined;
  const history: IssuerStatusChange[] = [{ status: 'active', at: now.toISOString() }];
  return {
    kid: issuer.signer.kid,
    name: issuer.name,
    roles: issuer.roles,
    public_jwk: JSON.stringify(issuer.signer.publicJwk),
    certificate: leaf ?? null,
    certificate_chain: JSON.stringify(chain.map((d) => d.toString('base64'))),
    valid_from: cert?.notBefore ?? null,
    valid_to: cert?.notAfter ?? null,
    status: 'active',
    status_since: now,
    status_history: JSON.stringify(history),
    created_at: now,
  };
}

/**
 * Records this region's issuer keys on first start (and any key added to the key store since): the
 * health-code and licence issuers and the seal CA. Existing rows are never touched, so a key that was
 * retired or revoked stays so across restarts. Returns the kids added.
 */
export async function ensureLocalIssuers(knex: Knex, pki: RegionPki, now = new Date()): Promise<string[]> {
  const wanted: NewIssuer[] = [
    { name: `Health Code Issuer ${pki.region}`, roles: ['healthcode'], signer: pki.healthCodeIssuer },
    { name: `Licence Issuer ${pki.region}`, roles: ['licence'], signer: pki.licenceIssuer },
    { name: `Seal CA ${pki.region}`, roles: ['seal'], signer: pki.sealCa },
  ];
  return addIssuers(knex, wanted, 'system', now);
}

/** Adds issuer keys (ignoring kids already known), bumping the sequence once if any was new. */
export async function addIssuers(knex: Knex, issuers: NewIssuer[], actor: string, now = new Date()): Promise<string[]> {
  return knex.transaction(async (trx) => {
    const added: string[] = [];
    for (const issuer of issuers) {
      const rows = await trx('trust_issuers').insert(rowFor(issuer, now)).onConflict('kid').ignore().returning('kid');
      if (rows.length > 0) {
        added.push(issuer.signer.kid);
        await appendAudit(trx, { actor, action: 'trust.issuer.add', subject: issuer.signer.kid, details: { roles: issuer.roles, name: issuer.name } }, now);
      }
    }
    if (added.length > 0) {
      await bumpSequence(trx, now);
      await notifyTrustChange(trx, 'local', '');
    }
    else await trx('trust_list_state').insert({ id: STATE_ID, sequence: 1, updated_at: now }).onConflict('id').ignore();
    return added;
  });
}

export async function readIssuerRows(knex: Knex | Knex.Transaction): Promise<IssuerRow[]> {
  return knex<IssuerRow>('trust_issuers').select('*').orderBy('created_at').orderBy('kid');
}

export function entryFromRow(row: IssuerRow): TrustListIssuerEntry {
  const entry: TrustListIssuerEntry = {
    kid: row.kid,
    roles: row.roles as IssuerRole[],
    name: row.name,
    publicJwk: json(row.public_jwk),
    status: row.status,
    statusHistory: json(row.status_history),
  };
  if (row.certificate) entry.certificate = Buffer.from(row.certificate).toString('base64');
  if (row.valid_from) entry.validFrom = new Date(row.valid_from).toISOString();
  if (row.valid_to) entry.validTo = new Date(row.valid_to).toISOString();
  return entry;
}

export function trustedIssuerFromRow(row: IssuerRow, region: string): TrustedIssuer {
  const chain = row.certificate_chain ? json(row.certificate_chain) : [];
  const issuer: TrustedIssuer = {
    kid: row.kid,
    region,
    name: row.name,
    roles: row.roles as IssuerRole[],
    publicKey: createPublicKey({ key: json(row.public_jwk) as import('node:crypto').JsonWebKey, format: 'jwk' }),
    certificateChain: chain.map((c) => Buffer.from(c, 'base64')),
    status: row.status,
    statusSince: new Date(row.status_since),
    source: 'local',
  };
  if (row.certificate) issuer.certificate = Buffer.from(row.certificate);
  if (row.valid_from) issuer.validFrom = new Date(row.valid_from);
  if (row.valid_to) issuer.validTo = new Date(row.valid_to);
  return issuer;
}

/** This region's issuers as trust material (few: built eagerly). */
export async function loadLocalIssuers(knex: Knex, region: string): Promise<TrustedIssuer[]> {
  return (await readIssuerRows(knex)).map((row) => trustedIssuerFromRow(row, region));
}
