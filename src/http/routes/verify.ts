import type { Metrics } from '../../observability/metrics.js';
import type { CredentialVerifier } from '../../verification/verify-credential.js';
import type { ValidationReport } from '../../verification/report.js';
import {
  MAX_BATCH,
  reportSchema,
  verifyBatchRequestSchema,
  verifyBatchResponseSchema,
  verifyRequestSchema,
  type VerifyRequest,
} from '../../verification/verify-request.js';
import { json, type RouteSpec } from '../route.js';

export function verifyRoutes(deps: { verifier: CredentialVerifier; metrics: Metrics }): RouteSpec[] {
  const route: RouteSpec<VerifyRequest> = {
    method: 'post',
    path: '/v1/verify',
    tag: 'verification',
    summary: 'Verify a credential (compact JWS, SD-JWT or QR text) or a document with its detached CMS signature',
    body: { kind: 'json', schema: verifyRequestSchema },
    responses: { 200: { description: 'validation report (ETSI EN 319 102-1 indications)', schema: reportSchema } },
    async handle({ body }) {
      return json(200, count(await deps.verifier.verify(body)));
    },
  };
  const batch: RouteSpec<{ items: VerifyRequest[] }> = {
    method: 'post',
    path: '/v1/verify/batch',
    tag: 'verification',
    summary: `Verify up to ${MAX_BATCH} credentials in one call (for service halls and partner back-ends); one report per item, in order`,
    body: { kind: 'json', schema: verifyBatchRequestSchema },
    responses: { 200: { description: 'one validation report per item', schema: verifyBatchResponseSchema } },
    async handle({ body }) {
      return json(200, { reports: (await deps.verifier.verifyBatch(body.items)).map(count) });
    },
  };
  const count = (report: ValidationReport): ValidationReport => {
    deps.metrics.verifications.inc({ type: report.credentialType ?? 'unknown', indication: report.indication, sub_indication: report.subIndication ?? '' });
    return report;
  };
  return [route, batch];
}
