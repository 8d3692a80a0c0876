import type { CheckResult, SubIndication } from '../../verification/report.js';
import type { x509 } from '../x509.js';

export interface PathValidationLimits {
  /**
   * Maximum number of intermediate CA certificates between the leaf and the trust anchor, not
   * counting self-issued ones (the same counting as pathLenConstraint, RFC 5280 §6.1.4(l)).
   */
  maxDepth?: number;
  /** Maximum number of candidate paths (complete or dead-ended) explored while building. */
  maxCandidates?: number;
  /** Wall-clock budget for the whole validation. */
  deadlineMs?: number;
}

export interface PathValidationInput {
  leaf: x509.X509Certificate;
  /** Untrusted, any order, may contain junk. */
  intermediates: x509.X509Certificate[];
  /** Trusted roots (or trusted intermediates used as anchors). */
  trustAnchors: x509.X509Certificate[];
  /** Validation time. */
  at: Date;
  /** 'seal': the leaf keyUsage must assert digitalSignature or nonRepudiation (contentCommitment). */
  purpose: 'seal' | 'any';
  /** When given, the leaf EKU (if present) must contain one of these OIDs. */
  requiredEku?: string[];
  /** Revocation information; checked for every non-anchor certificate it covers. */
  crls?: x509.X509Crl[];
  /** When true, a non-anchor certificate with no usable CRL makes the result INDETERMINATE. */
  requireRevocation?: boolean;
  limits?: PathValidationLimits;
}

export interface PathValidationResult {
  valid: boolean;
  subIndication?: SubIndication;
  /** Human text naming the rule (with the RFC clause). */
  detail: string;
  /** Leaf first, anchor last, when a path was found (valid, or the best failing candidate). */
  path?: x509.X509Certificate[];
  checks: CheckResult[];
}

export const DEFAULT_LIMITS: Required<PathValidationLimits> = {
  maxDepth: 8,
  maxCandidates: 100,
  deadlineMs: 2000,
};

/** A failed rule on a candidate path. */
export interface PathFailure {
  subIndication: SubIndication;
  detail: string;
  check: string;
}
