import type { Knex } from 'knex';
import { z } from 'zod';
import { listAudit, verifyAuditChain } from '../../audit/audit-log.js';
import { createClient, disableClient } from '../../clients/clients.js';
import { invalidRequest } from '../../errors.js';
import { isUuid } from '../../ids.js';
import { SCOPES } from '../../clients/scopes.js';
import { json, type RouteSpec } from '../route.js';

const clientRequest = z.object({ name: z.string().trim().min(1).max(200), scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length) }).strict().meta({ id: 'ClientRequest' });
const auditQuery = z.object({ after: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) });

export function adminRoutes(deps: { knex: Knex }): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/v1/clients',
      tag: 'administration',
      summary: 'Create an API client with scopes; the token is shown once',
      scope: 'client:admin',
      body: { kind: 'json', schema: clientRequest },
      responses: { 201: { description: 'created', schema: z.object({ id: z.string(), name: z.string(), scopes: z.array(z.string()), token: z.string() }) } },
      async handle({ body, principal }) {
        return json(201, await createClient(deps.knex, body as z.infer<typeof clientRequest>, principal!.id));
      },
    },
    {
      method: 'post',
      path: '/v1/clients/:id/disable',
      tag: 'administration',
      summary: "Disable an API client (e.g. a leaked token); its token stops working at once",
      scope: 'client:admin',
      responses: { 200: { description: 'disabled', schema: z.object({ id: z.string(), disabledAt: z.string() }) }, 404: { description: 'no such client' }, 409: { description: 'already disabled' } },
      async handle({ params, principal }) {
        if (!isUuid(params.id)) throw invalidRequest('client id must be a UUID');
        return json(200, await disableClient(deps.knex, params.id!.toLowerCase(), principal!.id));
      },
    },
    {
      method: 'get',
      path: '/v1/audit',
      tag: 'administration',
      summary: 'Read the audit log in order',
      scope: 'audit:read',
      query: auditQuery,
      responses: { 200: { description: 'audit records' } },
      async handle({ query }) {
        const q = query as unknown as z.infer<typeof auditQuery>;
        return json(200, await listAudit(deps.knex, { ...(q.after !== undefined ? { afterSeq: q.after } : {}), limit: q.limit }));
      },
    },
    {
      method: 'get',
      path: '/v1/audit/verify',
      tag: 'administration',
      summary: 'Re-walk the audit hash chain and name the first broken link',
      scope: 'audit:read',
      responses: { 200: { description: 'chain verification' } },
      async handle() {
        return json(200, await verifyAuditChain(deps.knex));
      },
    },
  ];
}
