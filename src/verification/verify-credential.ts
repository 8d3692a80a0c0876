import { decodeBase64 } from '../crypto/base64.js';
import { parseCompactJws } from '../crypto/jws.js';
import { HEALTH_CODE_TYP } from '../credentials/health-code/format.js';
import { fromQrText, QR_PREFIX } from '../credentials/qr-text.js';
import { verifyHealthCode } from '../credentials/health-code/verify.js';
import type { StatusResolver } from '../status/status-resolver.js';
import type { TrustMaterial } from '../trust/trust-material.js';
import { parseCallerAnchors } from './caller-trust.js';
import type { VerificationPolicy } from './policy.js';
import type { CredentialType, ValidationReport } from './report.js';
import type { VerifyRequest } from './verify-request.js';

/** Everything a verification runs against: explicit trust material, status, policy and time. */
export interface VerificationContext {
  at: Date;
  trust: TrustMaterial;
  status: StatusResolver;
  policy: VerificationPolicy;
  trustSource: ValidationReport['trustSource'];
  nonce?: string | undefined;
  audience?: string | undefined;
}

export type TextVerifier = (text: string, context: VerificationContext) => Promise<ValidationReport>;
export type DetachedVerifier = (document: Buffer, signature: Buffer, context: VerificationContext, callerAnchors?: string[]) => Promise<ValidationReport>;

export interface CredentialVerifierDeps {
  /** The current federated trust material (an immutable snapshot, swapped when trust changes). */
  trust: () => TrustMaterial;
  status: StatusResolver;
  policy: VerificationPolicy;
  clock?: () => Date;
  /** SD-JWT licences. */
  licence?: TextVerifier;
  /** Detached CMS seal signatures. */
  seal?: DetachedVerifier;
  /** Restricts trust material to issuers whose certificate path leads to the caller's anchors. */
  callerTrust?: (anchors: string[], kid: string | undefined, federated: TrustMaterial, at: Date) => Promise<TrustMaterial>;
}

export function formatFailure(detail: string, context: Pick<VerificationContext, 'at' | 'trustSource'>, credentialType?: CredentialType): ValidationReport {
  return {
    indication: 'TOTAL_FAILED',
    subIndication: 'FORMAT_FAILURE',
    ...(credentialType ? { credentialType } : {}),
    checks: [{ name: 'format', result: 'FAILED', subIndication: 'FORMAT_FAILURE', detail }],
    trustSource: context.trustSource,
    verifiedAt: context.at.toISOString(),
  };
}

export const BATCH_BUDGET_MS = 10_000;

/** The `POST /v1/verify` dispatcher: recognises the credential's form and runs its pipeline. */
export class CredentialVerifier {
  readonly #deps: CredentialVerifierDeps;

  constructor(deps: CredentialVerifierDeps) {
    this.#deps = deps;
  }

  /**
   * Verifies items in order within one time budget. Path building under caller anchors or a hostile
   * certificate bag may take up to its own deadline per item, so without a budget one request of a
   * hundred items could hold the node for minutes. Items not reached in time are INDETERMINATE /
   * TRY_LATER: not judged is not passed.
   */
  async verifyBatch(items: readonly VerifyRequest[], budgetMs = BATCH_BUDGET_MS): Promise<ValidationReport[]> {
    const deadline = Date.now() + budgetMs;
    const reports: ValidationReport[] = [];
    for (const item of items) {
      if (Date.now() >= deadline) {
        const at = this.#deps.clock?.() ?? new Date();
        reports.push({
          indication: 'INDETERMINATE',
          subIndication: 'TRY_LATER',
          checks: [{ name: 'batch-budget', result: 'INDETERMINATE', subIndication: 'TRY_LATER', detail: `not verified: the batch used its ${budgetMs} ms; send this item again` }],
          trustSource: item.trustAnchors ? 'caller' : 'federation',
          verifiedAt: at.toISOString(),
        });
        continue;
      }
      reports.push(await this.verify(item));
    }
    return reports;
  }

  async verify(request: VerifyRequest): Promise<ValidationReport> {
    const at = this.#deps.clock?.() ?? new Date();
    const trustSource = request.trustAnchors ? 'caller' : 'federation';
    // An anchor that is not a certificate is the caller's mistake (400), whatever the credential form.
    if (request.trustAnchors) parseCallerAnchors(request.trustAnchors);
    const base = { at, status: this.#deps.status, policy: this.#deps.policy, trustSource } as const;

    if ('document' in request) {
      const document = decodeBase64(request.document);
      const signature = decodeBase64(request.signature);
      if (!document || !signature) return formatFailure('document and signature must be base64', base, 'seal-signature');
      if (!this.#deps.seal) return formatFailure('seal signatures are not supported by this node', base, 'seal-signature');
      return this.#deps.seal(document, signature, { ...base, trust: this.#deps.trust() }, request.trustAnchors);
    }

    let text = request.credential.trim();
    if (text.startsWith(QR_PREFIX)) {
      const decoded = fromQrText(text);
      if (!decoded) return formatFailure('QR text is not Base45(ZLIB(JWS))', base);
      text = decoded;
    }
    const context: VerificationContext = { ...base, trust: this.#deps.trust(), nonce: request.nonce, audience: request.audience };
    const isSdJwt = text.includes('~');
    if (request.trustAnchors) {
      if (!this.#deps.callerTrust) return formatFailure('caller trust anchors are not supported for this credential', base);
      const header = parseCompactJws(isSdJwt ? text.slice(0, text.indexOf('~')) : text);
      const kid = typeof header === 'string' ? undefined : header.header.kid;
      context.trust = await this.#deps.callerTrust(request.trustAnchors, typeof kid === 'string' ? kid : undefined, context.trust, at);
    }
    if (isSdJwt) {
      if (!this.#deps.licence) return formatFailure('SD-JWT credentials are not supported by this node', base, 'licence');
      return this.#deps.licence(text, context);
    }
    // A verifier that sends a nonce or audience demands proof that the presenter holds the credential's
    // key. Only SD-JWT licences can carry that proof; anything else cannot satisfy the demand.
    if (request.nonce !== undefined || request.audience !== undefined) {
      return {
        indication: 'INDETERMINATE',
        subIndication: 'SIG_CONSTRAINTS_FAILURE',
        checks: [{ name: 'key-binding', result: 'INDETERMINATE', subIndication: 'SIG_CONSTRAINTS_FAILURE', detail: 'key binding was demanded (nonce/audience), and this credential type cannot be bound to a holder' }],
        trustSource,
        verifiedAt: at.toISOString(),
      };
    }
    const jws = parseCompactJws(text);
    const typ = typeof jws === 'string' ? undefined : jws.header.typ;
    if (typ === HEALTH_CODE_TYP || typ === undefined) return verifyHealthCode({ ...context, token: text, parsed: jws }, trustSource);
    return formatFailure(`unknown credential type ${JSON.stringify(typ)}`, base);
  }
}
