// Verification of a stamp (a detached CMS seal signature over a document): a pure function of the
// stamp, the document, the trust anchors, the revocation information held and the time.
import { runPipeline } from '../../../verification/pipeline.js';
import type { ValidationReport } from '../../../verification/report.js';
import type { TrustMaterial } from '../../../trust/trust-material.js';
import type { RevocationSource } from '../seal-crl-publisher.js';
import { resolveAnchors } from './anchors.js';
import type { PathCache } from './path-cache.js';
import { sealClaims, sealPropertiesOf } from './seal-claims.js';
import { STAMP_CHECKS, type StampState } from './stamp-checks.js';

export interface SealVerificationContext {
  trust: TrustMaterial;
  revocation: RevocationSource;
  pathCache: PathCache;
  now?: () => Date;
}

export interface VerifyStampInput {
  /** The document bytes… */
  document?: Uint8Array;
  /** …or its SHA-256 digest. */
  documentSha256?: Uint8Array;
  /** The stamp: DER bytes or their base64. */
  signature: Uint8Array | string;
  /** PEM trust anchors; when given, the stamp is judged against these alone. */
  trustAnchors?: readonly unknown[];
}

export async function verifyStamp(input: VerifyStampInput, context: SealVerificationContext): Promise<ValidationReport> {
  const now = context.now?.() ?? new Date();
  const anchors = resolveAnchors(input.trustAnchors, context.trust);
  const state: StampState = { signature: input.signature, anchors, now, revocation: context.revocation, pathCache: context.pathCache };
  if (input.document) state.document = input.document;
  if (input.documentSha256) state.documentSha256 = input.documentSha256;
  const outcome = await runPipeline(STAMP_CHECKS, state);
  const report: ValidationReport = {
    ...outcome,
    credentialType: 'seal-signature',
    trustSource: input.trustAnchors !== undefined ? 'caller' : 'federation',
    verifiedAt: now.toISOString(),
  };
  const leaf = state.path?.[0];
  if (leaf && outcome.indication === 'TOTAL_PASSED') {
    const issuerCa = state.path![1]!;
    const region = state.anchor?.issuer?.region ?? sealPropertiesOf(leaf)?.region ?? issuerCa.subjectName.getField('C')[0] ?? 'unknown';
    report.issuer = { region, name: issuerCa.subjectName.getField('CN')[0] ?? issuerCa.subject };
    if (state.anchor?.issuer) report.issuer.kid = state.anchor.issuer.kid;
    report.claims = { ...sealClaims(leaf), signingTime: state.signingTime!.toISOString() };
  }
  return report;
}
