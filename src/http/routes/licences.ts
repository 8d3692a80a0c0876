import type { Knex } from 'knex';
import { z } from 'zod';
import { describeLicenceTypes } from '../../credentials/licence/catalogue.js';
import { issueLicence, type LicenceIssuerDeps, type LicenceRequest } from '../../credentials/licence/issue-licence.js';
import { listUsage, MAX_REASON_LENGTH, useLicence } from '../../credentials/licence/usage.js';
import type { Metrics } from '../../observability/metrics.js';
import { json, type RouteSpec } from '../route.js';

// The route schemas check the shape only; the catalogue checks the fields and answers with
// INVALID_LICENCE_FIELDS listing every wrong field (see catalogue.ts).
const issueSchema = z
  .object({
    type: z.string().max(60).describe('licence type, see GET /v1/licence-types'),
    holder: z.record(z.string(), z.unknown()).describe('{"name","idType","idNumber"}'),
    fields: z.record(z.string(), z.unknown()).describe('the fields of the licence type (its JSON Schema in GET /v1/licence-types)'),
    holderKey: z.record(z.string(), z.unknown()).optional().describe('holder public JWK (P-256, P-384 or Ed25519) for key binding'),
  })
  .strict();
const issuedSchema = z.object({ id: z.string(), identifier: z.string(), credential: z.string().describe('SD-JWT VC (RFC 9901)') });
const reasonSchema = z.object({ reason: z.string().max(MAX_REASON_LENGTH * 4).describe(`why the licence is used, at most ${MAX_REASON_LENGTH} characters`) }).strict();
const licenceSchema = z.object({
  id: z.string(),
  identifier: z.string(),
  type: z.string(),
  credential: z.string(),
  status: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string(),
});
const usageSchema = z.array(z.object({ id: z.string(), identifier: z.string(), clientId: z.string(), reason: z.string(), at: z.string() }));
const typesSchema = z.array(z.object({ type: z.string(), typeCode: z.string(), name: z.object({ en: z.string(), zh: z.string() }), vct: z.string(), validityDays: z.number(), fieldsSchema: z.record(z.string(), z.unknown()) }));

const queryReason = (value: string | string[] | undefined) => (Array.isArray(value) ? undefined : value);

/** Electronic licences: catalogue, issuance and use (用证). Domain logic lives in src/credentials/licence. */
export function licenceRoutes(deps: { knex: Knex; issuer: LicenceIssuerDeps; metrics: Metrics }): RouteSpec[] {
  const types: RouteSpec = {
    method: 'get',
    path: '/v1/licence-types',
    tag: 'licences',
    summary: 'The licence catalogue: types, GB/T 36904 type codes, vct and JSON Schemas of their fields',
    responses: { 200: { description: 'catalogue', schema: typesSchema } },
    handle: () => json(200, describeLicenceTypes()),
  };
  const issue: RouteSpec<LicenceRequest> = {
    method: 'post',
    path: '/v1/licences',
    tag: 'licences',
    summary: 'Issue a licence as an SD-JWT VC whose every field and holder claim is selectively disclosable',
    scope: 'licence:issue',
    body: { kind: 'json', schema: issueSchema },
    responses: { 201: { description: 'issued', schema: issuedSchema }, 400: { description: 'INVALID_LICENCE_FIELDS (details.errors lists {path, message}) or UNKNOWN_LICENCE_TYPE' } },
    async handle({ body, principal }) {
      const issued = await issueLicence(deps.knex, deps.issuer, body, principal!.id);
      deps.metrics.issuances.inc({ type: 'licence' });
      return json(201, issued);
    },
  };
  const use = (identifier: string, reason: unknown, clientId: string) => useLicence(deps.knex, { identifier, clientId, reason });
  const fetch: RouteSpec = {
    method: 'get',
    path: '/v1/licences/:identifier',
    tag: 'licences',
    summary: 'Fetch a licence by identifier for use by an agency (用证); the reason is required and recorded',
    scope: 'licence:use',
    query: z.object({ reason: z.string().optional() }),
    responses: { 200: { description: 'the licence', schema: licenceSchema }, 400: { description: 'REASON_REQUIRED, REASON_TOO_LONG or INVALID_LICENCE_IDENTIFIER' }, 404: { description: 'LICENCE_NOT_FOUND' } },
    async handle({ params, query, principal }) {
      return json(200, await use(params.identifier ?? '', queryReason(query.reason), principal!.id));
    },
  };
  const usePost: RouteSpec<z.infer<typeof reasonSchema>> = {
    method: 'post',
    path: '/v1/licences/:identifier/use',
    tag: 'licences',
    summary: 'Use a licence (用证): returns it and records who used it, when and why',
    scope: 'licence:use',
    body: { kind: 'json', schema: reasonSchema },
    responses: { 200: { description: 'the licence', schema: licenceSchema }, 400: { description: 'REASON_REQUIRED, REASON_TOO_LONG or INVALID_LICENCE_IDENTIFIER' }, 404: { description: 'LICENCE_NOT_FOUND' } },
    async handle({ params, body, principal }) {
      return json(200, await use(params.identifier ?? '', body.reason, principal!.id));
    },
  };
  const usage: RouteSpec = {
    method: 'get',
    path: '/v1/licences/:identifier/usage',
    tag: 'licences',
    summary: 'Who used a licence, when and why (newest first)',
    scope: 'licence:use',
    responses: { 200: { description: 'usage records', schema: usageSchema }, 400: { description: 'INVALID_LICENCE_IDENTIFIER' } },
    async handle({ params }) {
      return json(200, await listUsage(deps.knex, { identifier: params.identifier ?? '' }));
    },
  };
  return [types, issue, fetch, usePost, usage];
}
