import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { appendAudit } from '../../audit/audit-log.js';
import type { Signer } from '../../crypto/signer.js';
import { TongbanError } from '../../errors.js';
import type { LocalStatusLists } from '../../status/local-status-lists.js';
import { holderPseudonym } from '../holder.js';
import { validateLicenceRequest } from './catalogue.js';
import { holderPublicKey } from './checks/key-binding.js';
import { formatLicenceIdentifier, serialFor } from './identifier.js';
import { createLicenceSdJwt, issuerIdentifier } from './sd-jwt-issue.js';

export const LICENCE_STATUS_PURPOSE = 'licence';

/** The part of the status-list module issuance needs: allocate inside the transaction, load after the commit. */
export type StatusAllocator = Pick<LocalStatusLists, 'allocate' | 'ensureLoaded'>;

export interface LicenceIssuerDeps {
  /** RegionPki.licenceIssuer. */
  signer: Signer;
  region: string;
  /** The node's public URL, used as `iss`; `tongban:<REGION>` without one. */
  publicUrl?: string | undefined;
  /** The issuing authority's 18-character unified social credit code (GB 32100). */
  authorityCode: string;
  statusLists: StatusAllocator;
  pseudonymKey: Buffer;
}

/** A licence request as POST /v1/licences takes it; validated against the catalogue here. */
export interface LicenceRequest {
  type: unknown;
  holder: unknown;
  fields: unknown;
  /** The holder's public JWK for key binding (optional). */
  holderKey?: JsonWebKey | undefined;
}

export interface IssuedLicence {
  id: string;
  identifier: string;
  credential: string;
}

const DAY_MS = 86_400_000;

/** The next serial for (type code, authority), counted in the database so every node of a region agrees. */
async function nextSerial(trx: Knex.Transaction, typeCode: string, authorityCode: string): Promise<number> {
  const result = await trx.raw<{ rows: { last_serial: string | number }[] }>(
    `insert into licence_serials (type_code, authority_code, last_serial) values (?, ?, 1)
     on conflict (type_code, authority_code) do update set last_serial = licence_serials.last_serial + 1
     returning last_serial`,
    [typeCode, authorityCode],
  );
  return Number(result.rows[0]!.last_serial);
}

function checkHolderKey(jwk: unknown): JsonWebKey | undefined {
  if (jwk === undefined) return undefined;
  const ok =
    jwk !== null && typeof jwk === 'object' && !Array.isArray(jwk) &&
    (((jwk as JsonWebKey).kty === 'EC' && ['P-256', 'P-384'].includes((jwk as JsonWebKey).crv ?? '')) || ((jwk as JsonWebKey).kty === 'OKP' && (jwk as JsonWebKey).crv === 'Ed25519')) &&
    (jwk as JsonWebKey).d === undefined;
  if (!ok) throw new TongbanError('INVALID_HOLDER_KEY', 'holderKey must be a public EC P-256/P-384 or Ed25519 JWK', 400);
  const { kty, crv, x, y } = jwk as JsonWebKey;
  const publicJwk: JsonWebKey = y === undefined ? { kty, crv, x } : { kty, crv, x, y };
  // The same parsing the verifier applies to cnf.jwk: a key it cannot use would make a licence that can never be bound.
  if (!holderPublicKey(publicJwk)) throw new TongbanError('INVALID_HOLDER_KEY', 'holderKey is not a valid public key (x/y are not a point of the curve)', 400);
  return publicJwk;
}

/**
 * Issues a licence: identifier serial, status index, the `credentials` registry row, the `licences`
 * row and the audit record are written in one transaction, and the SD-JWT is signed inside it, so a
 * failure leaves nothing half-issued. Throws TongbanError for a request that does not fit the catalogue.
 */
export async function issueLicence(
  knex: Knex,
  deps: LicenceIssuerDeps,
  request: LicenceRequest,
  actor: string,
  now = new Date(),
): Promise<IssuedLicence> {
  const { licenceType, holder, fields } = validateLicenceRequest(request);
  const holderKey = checkHolderKey(request.holderKey);
  const id = randomUUID();
  const issuedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const expiresAt = new Date(issuedAt.getTime() + licenceType.validityDays * DAY_MS);
  const pseudonym = holderPseudonym(deps.pseudonymKey, holder.idNumber);
  let allocatedList: string | undefined;

  const issued = await knex.transaction(async (trx) => {
    const serial = await nextSerial(trx, licenceType.typeCode, deps.authorityCode);
    const identifier = formatLicenceIdentifier({ typeCode: licenceType.typeCode, authorityCode: deps.authorityCode, serial: serialFor(serial), version: '001' });
    const status = await deps.statusLists.allocate(trx, deps.signer.kid, LICENCE_STATUS_PURPOSE);
    allocatedList = status.listId;
    const credential = await createLicenceSdJwt(deps.signer, {
      licenceType,
      holder,
      fields,
      identifier,
      issuer: issuerIdentifier(deps.region, deps.publicUrl),
      region: deps.region,
      status: { idx: status.index, uri: status.uri },
      issuedAt,
      expiresAt,
      holderKey,
    });
    await trx('credentials').insert({
      id,
      type: 'licence',
      issuer_kid: deps.signer.kid,
      holder_pseudonym: pseudonym,
      identifier,
      issued_at: issuedAt,
      expires_at: expiresAt,
      status_list_id: status.listId,
      status_index: status.index,
    });
    await trx('licences').insert({ credential_id: id, identifier, type: licenceType.type, authority_code: deps.authorityCode, sd_jwt: credential });
    await appendAudit(
      trx,
      { actor, action: 'licence.issue', subject: id, details: { identifier, type: licenceType.type, holder: pseudonym, expiresAt: expiresAt.toISOString(), kid: deps.signer.kid } },
      now,
    );
    return { id, identifier, credential };
  });
  if (allocatedList) {
    try {
      await deps.statusLists.ensureLoaded(allocatedList);
    } catch {
      // Best effort: the licence is committed and issued. Failing the response now would make the caller
      // retry into a duplicate licence; the node's periodic status-list refresh loads the list instead.
    }
  }
  return issued;
}
