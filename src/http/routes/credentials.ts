import type { Knex } from 'knex';
import { z } from 'zod';
import { changeCredentialStatus, type CredentialStatusChange } from '../../credentials/revoke.js';
import { invalidRequest } from '../../errors.js';
import { isUuid } from '../../ids.js';
import type { LocalStatusLists } from '../../status/local-status-lists.js';
import { json, type RouteSpec } from '../route.js';

const reasonSchema = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();
const resultSchema = z.object({ id: z.string(), status: z.enum(['revoked', 'suspended', 'valid']) });

export function credentialRoutes(deps: { knex: Knex; statusLists: LocalStatusLists }): RouteSpec[] {
  const change = (action: CredentialStatusChange, summary: string): RouteSpec<z.infer<typeof reasonSchema>> => ({
    method: 'post',
    path: `/v1/credentials/:id/${action}`,
    tag: 'credentials',
    summary,
    scope: 'credential:revoke',
    body: { kind: 'json', schema: reasonSchema },
    responses: { 200: { description: 'status changed', schema: resultSchema }, 404: { description: 'no such credential' }, 409: { description: 'already revoked' } },
    async handle({ body, params, principal }) {
      if (!isUuid(params.id)) throw invalidRequest('credential id must be a UUID');
      return json(200, await changeCredentialStatus(deps, params.id!.toLowerCase(), action, principal!.id, body.reason));
    },
  });
  return [
    change('revoke', 'Revoke a credential issued by this node (final); partners see it when they refresh the status list'),
    change('suspend', 'Suspend a credential (temporarily not valid)'),
    change('reinstate', 'Lift a suspension'),
  ];
}
