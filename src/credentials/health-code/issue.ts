import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { appendAudit } from '../../audit/audit-log.js';
import { signCompactJws } from '../../crypto/jws.js';
import type { Signer } from '../../crypto/signer.js';
import type { LocalStatusLists } from '../../status/local-status-lists.js';
import { holderPseudonym, maskName } from '../holder.js';
import { toQrText } from '../qr-text.js';
import { HEALTH_CODE_TYP } from './format.js';
import { DEFAULT_VALIDITY_SECONDS, type HealthCodeRequest } from './request.js';

export interface HealthCodeIssuerDeps {
  knex: Knex;
  signer: Signer;
  statusLists: LocalStatusLists;
  region: string;
  /** The issuer identifier (`iss`): this node's public URL. */
  issuerUrl: string;
  pseudonymKey: Buffer;
}

export interface IssuedHealthCode {
  id: string;
  credential: string;
  qr: string;
}

/**
 * Issues a health code: the registry row, the status index and the audit record are written in one
 * transaction, and the credential is signed inside it, so a failure leaves no half-issued record.
 */
export async function issueHealthCode(
  deps: HealthCodeIssuerDeps,
  request: HealthCodeRequest,
  actor: string,
  now = new Date(),
): Promise<IssuedHealthCode> {
  const id = randomUUID();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + (request.validFor ?? DEFAULT_VALIDITY_SECONDS);
  const pseudonym = holderPseudonym(deps.pseudonymKey, request.holder.idNumber);
  let allocatedList: string | undefined;

  const credential = await deps.knex.transaction(async (trx) => {
    const status = await deps.statusLists.allocate(trx, deps.signer.kid, 'health-code');
    allocatedList = status.listId;
    const jws = await signCompactJws(
      { typ: HEALTH_CODE_TYP },
      {
        iss: deps.issuerUrl,
        region: deps.region,
        jti: id,
        sub: pseudonym,
        iat,
        exp,
        hc: { colour: request.status, name: maskName(request.holder.name) },
        status: { status_list: { idx: status.index, uri: status.uri } },
      },
      deps.signer,
    );
    await trx('credentials').insert({
      id,
      type: 'health-code',
      issuer_kid: deps.signer.kid,
      holder_pseudonym: pseudonym,
      issued_at: new Date(iat * 1000),
      expires_at: new Date(exp * 1000),
      status_list_id: status.listId,
      status_index: status.index,
    });
    await appendAudit(trx, {
      actor,
      action: 'health-code.issue',
      subject: id,
      details: { holder: pseudonym, colour: request.status, expiresAt: new Date(exp * 1000).toISOString(), kid: deps.signer.kid },
    }, now);
    return jws;
  });
  // A new list created by this issuance must be in memory before anyone verifies the credential.
  // Best effort after the commit: the credential is issued; a failure here must not invite a retry that
  // issues a second one. The periodic refresh loads the list within seconds.
  if (allocatedList) await deps.statusLists.ensureLoaded(allocatedList).catch(() => undefined);
  return { id, credential, qr: toQrText(credential) };
}
