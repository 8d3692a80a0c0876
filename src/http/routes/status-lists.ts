import type { LocalStatusLists } from '../../status/local-status-lists.js';
import { notFound } from '../../errors.js';
import { isUuid } from '../../ids.js';
import type { RouteSpec } from '../route.js';

export function statusListRoutes(deps: { statusLists: LocalStatusLists; ttlSeconds: number }): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/v1/status-lists/:id',
      tag: 'status',
      summary: 'A signed Token Status List (statuslist+jwt), cacheable for its ttl',
      responses: { 200: { description: 'status list token', contentType: 'application/statuslist+jwt' }, 404: { description: 'no such list' } },
      async handle({ params }) {
        const token = isUuid(params.id) ? await deps.statusLists.token(params.id!) : undefined;
        if (!token) throw notFound(`status list ${params.id}`);
        return { status: 200, body: token, type: 'application/statuslist+jwt', headers: { 'Cache-Control': `public, max-age=${deps.ttlSeconds}` } };
      },
    },
  ];
}
