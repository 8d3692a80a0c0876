import type { Metrics } from '../../observability/metrics.js';
import type { CredentialVerifier } from '../../verification/verify-credential.js';
import { reportSchema, verifyRequestSchema, type VerifyRequest } from '../../verification/verify-request.js';
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
      const report = await deps.verifier.verify(body);
      deps.metrics.verifications.inc({ type: report.credentialType ?? 'unknown', indication: report.indication, sub_indication: report.subIndication ?? '' });
      return json(200, report);
    },
  };
  return [route];
}
