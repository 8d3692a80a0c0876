// The validation report, in the vocabulary of ETSI EN 319 102-1 §5.1.3 (indications and
// sub-indications) so that a reviewer who knows eIDAS / EU DSS reads it at once.

export type Indication = 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';

/** ETSI EN 319 102-1 §5.1.3 sub-indications used by Tongban (Table 5 and Table 6). */
export type SubIndication =
  // TOTAL_FAILED
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  // INDETERMINATE
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'CRYPTO_CONSTRAINTS_FAILURE'
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'REVOKED_NO_POE'
  | 'REVOKED_CA_NO_POE'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'OUT_OF_BOUNDS_NOT_REVOKED'
  | 'TRY_LATER'
  | 'CERTIFICATE_CHAIN_GENERAL_FAILURE'
  | 'SIGNED_DATA_NOT_FOUND'
  | 'GENERIC';

/**
 * EN 319 102-1 §5.1.3, Table 5: only these six make a signature TOTAL-FAILED. Every other
 * sub-indication (constraint failures, missing chain, TRY_LATER, …) is INDETERMINATE (Table 6).
 */
const FAILED: ReadonlySet<SubIndication> = new Set<SubIndication>([
  'FORMAT_FAILURE',
  'HASH_FAILURE',
  'SIG_CRYPTO_FAILURE',
  'REVOKED',
  'EXPIRED',
  'NOT_YET_VALID',
]);

export function indicationOf(sub: SubIndication): Exclude<Indication, 'TOTAL_PASSED'> {
  return FAILED.has(sub) ? 'TOTAL_FAILED' : 'INDETERMINATE';
}

export type CheckOutcome = 'PASSED' | 'FAILED' | 'INDETERMINATE' | 'SKIPPED';

export interface CheckResult {
  name: string;
  result: CheckOutcome;
  detail?: string;
  /** Present when result is FAILED or INDETERMINATE. */
  subIndication?: SubIndication;
}

export type CredentialType = 'health-code' | 'licence' | 'seal-signature' | 'certificate';

export interface IssuerSummary {
  region: string;
  kid?: string;
  name?: string;
}

export interface ValidationReport {
  indication: Indication;
  subIndication?: SubIndication;
  credentialType?: CredentialType;
  issuer?: IssuerSummary;
  claims?: Record<string, unknown>;
  checks: CheckResult[];
  trustSource: 'federation' | 'caller';
  verifiedAt: string;
}
