import { issueHealthCode, type HealthCodeIssuerDeps } from '../../credentials/health-code/issue.js';
import { healthCodeRequestSchema, healthCodeResponseSchema, type HealthCodeRequest } from '../../credentials/health-code/request.js';
import type { Metrics } from '../../observability/metrics.js';
import { json, type RouteSpec } from '../route.js';

export function healthCodeRoutes(deps: HealthCodeIssuerDeps & { metrics: Metrics }): RouteSpec[] {
  const route: RouteSpec<HealthCodeRequest> = {
    method: 'post',
    path: '/v1/health-codes',
    tag: 'health codes',
    summary: 'Issue a health code (compact JWS, ES256) and its QR text',
    scope: 'healthcode:issue',
    body: { kind: 'json', schema: healthCodeRequestSchema },
    responses: { 201: { description: 'issued', schema: healthCodeResponseSchema } },
    async handle({ body, principal }) {
      const issued = await issueHealthCode(deps, body, principal!.id);
      deps.metrics.issuances.inc({ type: 'health-code' });
      return json(201, issued);
    },
  };
  return [route];
}
