import { z } from 'zod';
import { invalidRequest, notFound } from '../../errors.js';
import type { Federation } from '../../trust/federation/federation.js';
import { LIST_OF_LISTS_PATH, TRUST_LIST_PATH } from '../../trust/federation/federation.js';
import { LIST_OF_LISTS_MEDIA_TYPE } from '../../trust/hub/format.js';
import { TRUST_LIST_MEDIA_TYPE } from '../../trust/trust-list/format.js';
import { json, type RouteSpec } from '../route.js';

const pinSchema = z.object({ region: z.string().max(16), url: z.string().max(2000), anchor: z.string().max(65_536) }).strict();
const hubSchema = z.object({ id: z.string().max(100), url: z.string().max(2000), anchor: z.string().max(65_536) }).strict();
const reasonSchema = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();
const peerSchema = z.object({
  region: z.string(),
  url: z.string(),
  status: z.enum(['pending', 'ok', 'failing', 'stale', 'withdrawn']),
  source: z.enum(['manual', 'hub']),
  sequence: z.number().nullable(),
  issuers: z.number(),
  lastSyncAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  nextUpdate: z.string().nullable(),
  stale: z.boolean(),
  lastError: z.string().nullable(),
  lastErrorCode: z.string().nullable(),
});
const syncResultSchema = z.object({ region: z.string(), ok: z.boolean(), sequence: z.number().nullable(), error: z.string().optional() });
const issuerResultSchema = z.object({ kid: z.string(), status: z.enum(['active', 'retired', 'revoked']), changed: z.boolean(), sequence: z.number() });
const KID = /^[A-Za-z0-9_-]{43}$/;

/** Trust-list federation over HTTP: thin handlers over the Federation domain object. */
export function trustRoutes(deps: { federation: Federation }): RouteSpec[] {
  const { federation } = deps;
  const issuerChange = (action: 'revoke' | 'retire', summary: string): RouteSpec<z.infer<typeof reasonSchema>> => ({
    method: 'post',
    path: `/v1/trust/issuers/:kid/${action}`,
    tag: 'trust',
    summary,
    scope: 'trust:admin',
    body: { kind: 'json', schema: reasonSchema },
    responses: { 200: { description: 'issuer status and the new trust-list sequence', schema: issuerResultSchema }, 404: { description: 'no such issuer of this region' }, 409: { description: 'the issuer is revoked' } },
    async handle({ params, body, principal }) {
      const kid = params.kid ?? '';
      if (!KID.test(kid)) throw notFound(`issuer ${kid.slice(0, 64)}`);
      const result = action === 'revoke' ? await federation.revokeIssuer(kid, principal!.id, body.reason) : await federation.retireIssuer(kid, principal!.id, body.reason);
      return json(200, result);
    },
  });
  return [
    {
      method: 'get',
      path: TRUST_LIST_PATH,
      tag: 'trust',
      summary: "This region's signed trust list (compact JWS, typ tongban-trust-list+jwt; docs/federation.md)",
      responses: { 200: { description: 'trust list', contentType: TRUST_LIST_MEDIA_TYPE }, 304: { description: 'unchanged (If-None-Match)' } },
      async handle({ koa }) {
        const list = await federation.trustList();
        const headers = { ETag: list.etag, 'Cache-Control': `public, max-age=${list.maxAgeSeconds}` };
        // RFC 9110 §13.1.2: If-None-Match uses weak comparison, a list of tags or "*".
        const inm = koa.get('if-none-match');
        if (inm && (inm.trim() === '*' || inm.split(',').some((tag) => tag.trim().replace(/^W\//, '') === list.etag))) return { status: 304, headers };
        return { status: 200, body: list.jws, type: TRUST_LIST_MEDIA_TYPE, headers };
      },
    },
    {
      method: 'get',
      path: LIST_OF_LISTS_PATH,
      tag: 'trust',
      summary: 'When this node acts as a hub: its signed list of lists (typ tongban-list-of-lists+jwt)',
      responses: { 200: { description: 'list of lists', contentType: LIST_OF_LISTS_MEDIA_TYPE }, 404: { description: 'this node is not a hub' } },
      async handle() {
        const list = await federation.listOfLists();
        if (!list) throw notFound('list of lists');
        return { status: 200, body: list.jws, type: LIST_OF_LISTS_MEDIA_TYPE, headers: { ETag: list.etag, 'Cache-Control': 'public, max-age=300' } };
      },
    },
    {
      method: 'post',
      path: '/v1/trust/peers',
      tag: 'trust',
      summary: "Pin a partner region's trust anchor and subscribe to its trust list",
      scope: 'trust:admin',
      body: { kind: 'json', schema: pinSchema },
      responses: { 201: { description: 'the peer, as GET /v1/trust/peers shows it', schema: peerSchema } },
      async handle({ body, principal }) {
        return json(201, await federation.pin(body, principal!.id));
      },
    },
    {
      method: 'get',
      path: '/v1/trust/peers',
      tag: 'trust',
      summary: 'Pinned peers with status, sequence, last sync, staleness and last error',
      responses: { 200: { description: 'peers', schema: z.array(peerSchema) } },
      handle: async () => json(200, await federation.peerViews()),
    },
    {
      method: 'post',
      path: '/v1/trust/sync',
      tag: 'trust',
      summary: 'Sync every hub and peer now',
      scope: 'trust:admin',
      responses: { 200: { description: 'one result per peer', schema: z.array(syncResultSchema) } },
      handle: async () => json(200, await federation.syncAll()),
    },
    {
      method: 'post',
      path: '/v1/trust/hubs',
      tag: 'trust',
      summary: "Subscribe to a hub's list of lists, pinned to the hub's anchor",
      scope: 'trust:admin',
      body: { kind: 'json', schema: hubSchema },
      responses: { 201: { description: 'subscribed' } },
      async handle({ body, principal }) {
        if (!body.id) throw invalidRequest('id is required');
        await federation.subscribeHub(body, principal!.id);
        return json(201, { id: body.id, url: body.url });
      },
    },
    issuerChange('revoke', "Withdraw one of this region's issuer keys from its trust list (final)"),
    issuerChange('retire', "Retire one of this region's issuer keys (routine rotation: what it signed before stays valid)"),
  ];
}
