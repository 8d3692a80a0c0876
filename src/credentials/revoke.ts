import type { Knex } from 'knex';
import { appendAudit } from '../audit/audit-log.js';
import { TongbanError, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import type { LocalStatusLists } from '../status/local-status-lists.js';
import { STATUS_INVALID, STATUS_SUSPENDED, STATUS_VALID } from '../status/status-resolver.js';

export type CredentialStatusChange = 'revoke' | 'suspend' | 'reinstate';

const TARGET = {
  revoke: { status: 'revoked', value: STATUS_INVALID },
  suspend: { status: 'suspended', value: STATUS_SUSPENDED },
  reinstate: { status: 'valid', value: STATUS_VALID },
} as const;

interface CredentialRow {
  id: string;
  type: string;
  status: string;
  status_list_id: string;
  status_index: number;
}

/**
 * Changes a credential's status in the registry and its status list in one transaction, then makes
 * the new status visible to this node's verifier at once. Revocation is final.
 */
export async function changeCredentialStatus(
  deps: { knex: Knex; statusLists: LocalStatusLists },
  id: string,
  change: CredentialStatusChange,
  actor: string,
  reason?: string,
): Promise<{ id: string; status: string }> {
  if (!isUuid(id)) throw notFound(`credential ${String(id).slice(0, 64)}`);
  const target = TARGET[change];
  const row = await deps.knex.transaction(async (trx) => {
    const current = await trx<CredentialRow>('credentials').where({ id }).forUpdate().first();
    if (!current) throw notFound(`credential ${id}`);
    if (current.status === 'revoked') throw new TongbanError('CREDENTIAL_REVOKED', 'the credential is already revoked; revocation is final', 409);
    if (change === 'reinstate' && current.status !== 'suspended') throw new TongbanError('CREDENTIAL_NOT_SUSPENDED', 'only a suspended credential can be reinstated', 409);
    await deps.statusLists.setStatus(trx, current.status_list_id, current.status_index, target.value);
    await trx('credentials').where({ id }).update({ status: target.status, status_changed_at: new Date(), status_reason: reason ?? null });
    await appendAudit(trx, { actor, action: `credential.${change}`, subject: id, details: { type: current.type, ...(reason ? { reason } : {}) } });
    return current;
  });
  // Committed: the answer is yes whatever happens next. If this reload fails, the node's periodic
  // refresh shows the new status within seconds; failing the request would invite a retry (409).
  await deps.statusLists.reload(row.status_list_id).catch(() => undefined);
  return { id, status: target.status };
}
