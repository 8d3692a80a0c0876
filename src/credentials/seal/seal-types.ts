// The vocabulary of a seal: its kinds and lifecycle states.

/**
 * The kinds of seal an agency holds (公章, 合同专用章, 财务专用章, 发票专用章, 法定代表人名章).
 * GB/T 38540 only distinguishes organisation seals from personal seals in SES_ESPropertyInfo.type;
 * the kind refines that and is what agencies pick.
 */
export const SEAL_TYPES = ['official', 'contract', 'finance', 'invoice', 'legal-representative'] as const;
export type SealType = (typeof SEAL_TYPES)[number];

export function isSealType(value: unknown): value is SealType {
  return typeof value === 'string' && (SEAL_TYPES as readonly string[]).includes(value);
}

/** GB/T 38540 SES_ESPropertyInfo.type: 1 organisation seal (单位印章), 2 personal seal (个人印章). */
export function gbSealCategory(type: SealType): 1 | 2 {
  return type === 'legal-representative' ? 2 : 1;
}

/** active → stamps; suspended → cannot stamp, CRL says certificateHold; revoked → permanent. */
export type SealStatus = 'active' | 'suspended' | 'revoked';

export type ImageType = 'png' | 'svg';

/** A seal as the management API shows it (no key material). */
export interface Seal {
  id: string;
  region: string;
  name: string;
  agency: string;
  type: SealType;
  status: SealStatus;
  serialNumber: string;
  certificatePem: string;
  validFrom: string;
  validTo: string;
  image?: { type: ImageType; sha256: string };
  createdAt: string;
  suspendedAt?: string;
  revokedAt?: string;
  revocationReason?: RevocationReason;
}

/** RFC 5280 §5.3.1 CRLReason values a seal revocation may carry. */
export const REVOCATION_REASONS = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];
