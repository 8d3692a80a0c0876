// Verification of a certificate path on its own (`POST /v1/verify/certificate`): RFC 5280 §6 path
// validation at a chosen time, with the seal CA's CRL when it covers the certificate.
import { parseCertificate } from '../../../pki/certificates.js';
import { x509 } from '../../../pki/x509.js';
import { failed, passed, runPipeline, type Check } from '../../../verification/pipeline.js';
import type { ValidationReport } from '../../../verification/report.js';
import { certificateFingerprint } from '../../../pki/fingerprint.js';
import { resolveAnchors, type AnchorResolution } from './anchors.js';
import { staleFederatedAnchor } from './federated-anchor-fresh.js';
import { checkLeafRevocation } from './revocation-check.js';
import { sealClaims } from './seal-claims.js';
import { validateWithCache } from './stamp-checks.js';
import type { SealVerificationContext } from './verify-stamp.js';

export interface VerifyCertificateInput {
  certificate: unknown;
  intermediates?: unknown;
  trustAnchors?: readonly unknown[];
  /** ISO-8601 validation time; now when absent. */
  at?: unknown;
  usage?: unknown;
}

const MAX_INTERMEDIATES = 16;

interface CertificateState {
  input: VerifyCertificateInput;
  anchors: AnchorResolution;
  now: Date;
  context: SealVerificationContext;
  at?: Date;
  usage?: 'seal' | 'any';
  leaf?: x509.X509Certificate;
  intermediates?: x509.X509Certificate[];
  path?: x509.X509Certificate[];
}

const formatCheck: Check<CertificateState> = {
  name: 'format',
  run(state) {
    const { input } = state;
    const leaf = typeof input.certificate === 'string' ? parseCertificate(input.certificate) : null;
    if (!leaf) return failed('FORMAT_FAILURE', 'certificate is not a PEM certificate');
    const list = input.intermediates ?? [];
    if (!Array.isArray(list) || list.length > MAX_INTERMEDIATES) return failed('FORMAT_FAILURE', `intermediates must be a list of at most ${MAX_INTERMEDIATES} PEM certificates`);
    const intermediates: x509.X509Certificate[] = [];
    for (const [i, pem] of list.entries()) {
      const cert = typeof pem === 'string' ? parseCertificate(pem) : null;
      if (!cert) return failed('FORMAT_FAILURE', `intermediate #${i + 1} is not a certificate`);
      intermediates.push(cert);
    }
    if (!state.anchors.ok) return failed('FORMAT_FAILURE', state.anchors.detail);
    const usage = input.usage ?? 'any';
    if (usage !== 'seal' && usage !== 'any') return failed('FORMAT_FAILURE', 'usage must be "seal" or "any"');
    let at = state.now;
    if (input.at !== undefined) {
      at = typeof input.at === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(input.at) ? new Date(input.at) : new Date(NaN);
      if (Number.isNaN(at.getTime())) return failed('FORMAT_FAILURE', 'at must be an ISO-8601 date-time');
    }
    Object.assign(state, { leaf, intermediates, usage, at });
    return passed();
  },
};

const pathCheck: Check<CertificateState> = {
  name: 'certificate-path',
  async run(state) {
    if (!state.anchors.ok || state.anchors.set.anchors.length === 0) return failed('NO_CERTIFICATE_CHAIN_FOUND', 'no trust anchors');
    const certificates = [state.leaf!, ...state.intermediates!].map((c) => new Uint8Array(c.rawData));
    const verdict = await validateWithCache(certificates, state.anchors.set.key, state.anchors.set.anchors, state.at!, state.context.pathCache, state.usage);
    if (!verdict.ok) return failed(verdict.subIndication, verdict.detail);
    state.path = verdict.path;
    const top = verdict.path[verdict.path.length - 1]!;
    const anchor = state.anchors.set.anchors.find((a) => a.fingerprint === certificateFingerprint(top.rawData));
    const stale = staleFederatedAnchor(anchor?.issuer, state.now);
    if (stale) return stale;
    return passed(verdict.detail);
  },
};

const revocationCheck: Check<CertificateState> = {
  name: 'revocation',
  async run(state) {
    await state.context.revocation.prepare?.(state.path!, state.now);
    return checkLeafRevocation(state.path!, state.at!, state.now, state.context.revocation);
  },
};

export async function verifyCertificate(input: VerifyCertificateInput, context: SealVerificationContext): Promise<ValidationReport> {
  const now = context.now?.() ?? new Date();
  const state: CertificateState = { input, anchors: resolveAnchors(input.trustAnchors, context.trust), now, context };
  const outcome = await runPipeline([formatCheck, pathCheck, revocationCheck], state);
  const report: ValidationReport = {
    ...outcome,
    credentialType: 'certificate',
    trustSource: input.trustAnchors !== undefined ? 'caller' : 'federation',
    verifiedAt: now.toISOString(),
  };
  if (state.leaf) {
    report.claims = {
      subject: state.leaf.subject,
      issuer: state.leaf.issuer,
      serialNumber: state.leaf.serialNumber,
      notBefore: state.leaf.notBefore.toISOString(),
      notAfter: state.leaf.notAfter.toISOString(),
      ...(outcome.indication === 'TOTAL_PASSED' ? sealClaims(state.leaf) : {}),
    };
  }
  const top = state.path?.[state.path.length - 1];
  if (top && outcome.indication === 'TOTAL_PASSED') {
    const anchor = state.anchors.ok ? state.anchors.set.anchors.find((a) => Buffer.from(a.certificate.rawData).equals(Buffer.from(top.rawData))) : undefined;
    report.issuer = { region: anchor?.issuer?.region ?? top.subjectName.getField('C')[0] ?? 'unknown', name: anchor?.issuer?.name ?? top.subjectName.getField('CN')[0] ?? top.subject };
    if (anchor?.issuer) report.issuer.kid = anchor.issuer.kid;
  }
  return report;
}
