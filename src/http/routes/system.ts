import { z } from 'zod';
import type { Metrics } from '../../observability/metrics.js';
import { json, type RouteSpec } from '../route.js';

export function systemRoutes(deps: { metrics: Metrics; openApi: () => Record<string, unknown>; ready: () => Promise<boolean> }): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/healthz',
      tag: 'system',
      summary: 'Liveness and readiness: ok when the database answers',
      responses: { 200: { description: 'healthy', schema: z.object({ status: z.literal('ok') }) }, 503: { description: 'database unavailable' } },
      async handle() {
        return (await deps.ready()) ? json(200, { status: 'ok' }) : json(503, { error: { code: 'UNAVAILABLE', message: 'the database does not answer' } });
      },
    },
    {
      method: 'get',
      path: '/openapi.json',
      tag: 'system',
      summary: 'This OpenAPI 3.1 document',
      responses: { 200: { description: 'OpenAPI document' } },
      handle: () => json(200, deps.openApi()),
    },
    {
      method: 'get',
      path: '/metrics',
      tag: 'system',
      summary: 'Prometheus metrics',
      responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
      async handle() {
        return { status: 200, body: await deps.metrics.registry.metrics(), type: deps.metrics.registry.contentType };
      },
    },
  ];
}
