import { TongbanError } from '../../errors.js';

/**
 * Why a trust list (or a hub's list of lists) was refused. Codes are stable: partners' operators,
 * `GET /v1/trust/peers`, logs and metrics all carry them. docs/federation.md §"Error codes".
 */
export const TRUST_LIST_ERROR_CODES = [
  'TRUST_LIST_FETCH_FAILED',
  'TRUST_LIST_TOO_LARGE',
  'TRUST_LIST_MALFORMED',
  'TRUST_LIST_BAD_CHAIN',
  'TRUST_LIST_WRONG_ANCHOR',
  'TRUST_LIST_BAD_SIGNATURE',
  'TRUST_LIST_REGION_MISMATCH',
  'TRUST_LIST_STALE',
  'TRUST_LIST_ROLLBACK',
  'TRUST_LIST_SEQUENCE_CONFLICT',
  'TRUST_LIST_EMPTY',
  'TRUST_LIST_ISSUER_DROPPED',
  'TRUST_LIST_UNREVOKED',
] as const;
export type TrustListErrorCode = (typeof TRUST_LIST_ERROR_CODES)[number];

export interface TrustListRefusal {
  ok: false;
  code: TrustListErrorCode;
  message: string;
}

export const refuse = (code: TrustListErrorCode, message: string): TrustListRefusal => ({ ok: false, code, message });

/** A refusal as an exception, for the few callers (HTTP) that want one: 502 for the peer's fault. */
export function refusalError(refusal: TrustListRefusal): TongbanError {
  return new TongbanError(refusal.code, refusal.message, 502);
}
