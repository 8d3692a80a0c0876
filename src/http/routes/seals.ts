import { z } from 'zod';
import type { SealService } from '../../credentials/seal/seal-service.js';
import { REVOCATION_REASONS, SEAL_TYPES } from '../../credentials/seal/seal-types.js';
import { verifyCertificate } from '../../credentials/seal/verification/verify-certificate.js';
import type { SealVerificationContext } from '../../credentials/seal/verification/verify-stamp.js';
import { decodeBase64 } from '../../crypto/base64.js';
import { invalidRequest } from '../../errors.js';
import type { TrustMaterial } from '../../trust/trust-material.js';
import { reportSchema } from '../../verification/verify-request.js';
import { json, type RouteSpec } from '../route.js';

const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

const createSchema = z
  .object({
    name: z.string().min(1).max(200).describe('seal name, e.g. 合同专用章'),
    agency: z.string().min(1).max(200).describe('the agency that holds the seal (certificate subject O)'),
    type: z.enum(SEAL_TYPES),
    image: z.string().max(360 * 1024).optional().describe('base64 PNG or SVG seal image, at most 256 KB'),
  })
  .strict();
const revokeSchema = z.object({ reason: z.enum(REVOCATION_REASONS).optional() }).strict();
const digestSchema = z.object({ digest: z.string().min(1).max(100).describe('SHA-256 of the document: 64 hex digits or base64') }).strict();
const certificateRequestSchema = z
  .object({
    certificate: z.string().min(1).max(16 * 1024),
    intermediates: z.array(z.string().min(1).max(16 * 1024)).max(16).optional(),
    trustAnchors: z.array(z.string().min(1).max(16 * 1024)).min(1).max(16).optional(),
    at: z.string().max(40).optional().describe('ISO-8601 validation time; now when absent'),
    usage: z.enum(['seal', 'any']).optional(),
  })
  .strict();
const sealSchema = z.object({
  id: z.string(),
  region: z.string(),
  name: z.string(),
  agency: z.string(),
  type: z.enum(SEAL_TYPES),
  status: z.enum(['active', 'suspended', 'revoked']),
  serialNumber: z.string(),
  certificate: z.string().describe('seal certificate, PEM'),
  validFrom: z.string(),
  validTo: z.string(),
  image: z.object({ type: z.enum(['png', 'svg']), sha256: z.string() }).optional(),
  createdAt: z.string(),
  suspendedAt: z.string().optional(),
  revokedAt: z.string().optional(),
  revocationReason: z.string().optional(),
});
const stampSchema = z.object({ signature: z.string().describe('base64 of a detached CMS SignedData (DER), CAdES baseline B'), signingTime: z.string() });

function decodeDigest(text: string): Buffer {
  const digest = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : (/\s/.test(text) ? null : decodeBase64(text.replace(/-/g, '+').replace(/_/g, '/').padEnd(44, '=')));
  if (!digest || digest.length !== 32) throw invalidRequest('digest must be a SHA-256 digest: 64 hex digits or base64 of 32 bytes');
  return digest;
}

const stamped = (result: { signature: Buffer; signingTime: Date }) =>
  json(200, { signature: result.signature.toString('base64'), signingTime: result.signingTime.toISOString() });

const present = (seal: Awaited<ReturnType<SealService['get']>>) => {
  const { certificatePem, ...rest } = seal;
  return { ...rest, certificate: certificatePem };
};

export interface SealRouteDeps {
  seals: SealService;
  /** The current federated trust material (snapshot). */
  trust: () => TrustMaterial;
  verification: Omit<SealVerificationContext, 'trust'>;
}

/** Electronic seals (issue 4): management, stamping, the seal CA's CRL and certificate verification. */
export function sealRoutes(deps: SealRouteDeps): RouteSpec[] {
  const { seals } = deps;
  const notFound = { 404: { description: 'NOT_FOUND' } };
  const crl: RouteSpec = {
    method: 'get',
    path: '/v1/seals/crl',
    tag: 'seals',
    summary: "The seal CA's current CRL (RFC 5280 §5), DER; named in every seal certificate's CRL distribution point",
    responses: { 200: { description: 'CRL', contentType: 'application/pkix-crl' } },
    async handle() {
      const list = await seals.crl();
      const maxAge = list.nextUpdate ? Math.max(0, Math.floor((list.nextUpdate.getTime() - Date.now()) / 2000)) : 0;
      return { status: 200, body: list.der, type: 'application/pkix-crl', headers: { 'Cache-Control': `public, max-age=${Math.min(maxAge, 3600)}` } };
    },
  };
  const create: RouteSpec<z.infer<typeof createSchema>> = {
    method: 'post',
    path: '/v1/seals',
    tag: 'seals',
    summary: 'Create a seal: a P-256 key and a seal certificate under the region seal CA',
    scope: 'seal:manage',
    body: { kind: 'json', schema: createSchema },
    responses: { 201: { description: 'created', schema: sealSchema }, 400: { description: 'INVALID_REQUEST' } },
    async handle({ body, principal }) {
      let image: Buffer | undefined;
      if (body.image !== undefined) {
        image = decodeBase64(body.image) ?? undefined;
        if (!image) throw invalidRequest('image must be base64');
      }
      const seal = await seals.create({ name: body.name, agency: body.agency, type: body.type, ...(image ? { image } : {}) }, principal!.id);
      return json(201, present(seal));
    },
  };
  const list: RouteSpec = {
    method: 'get',
    path: '/v1/seals',
    tag: 'seals',
    summary: 'List seals',
    scope: 'seal:manage',
    query: z.object({
      agency: z.string().max(200).optional(),
      status: z.enum(['active', 'suspended', 'revoked']).optional(),
      limit: z.coerce.number().int().min(1).max(500).optional(),
      offset: z.coerce.number().int().min(0).optional(),
    }),
    responses: { 200: { description: 'seals', schema: z.array(sealSchema) } },
    async handle({ query }) {
      return json(200, (await seals.list(query as Parameters<SealService['list']>[0])).map(present));
    },
  };
  const get: RouteSpec = {
    method: 'get',
    path: '/v1/seals/:id',
    tag: 'seals',
    summary: 'Get a seal',
    scope: 'seal:manage',
    responses: { 200: { description: 'the seal', schema: sealSchema }, ...notFound },
    handle: async ({ params }) => json(200, present(await seals.get(params.id ?? ''))),
  };
  const suspend: RouteSpec = {
    method: 'post',
    path: '/v1/seals/:id/suspend',
    tag: 'seals',
    summary: 'Suspend a seal: it cannot stamp, and the CRL lists it on hold (certificateHold)',
    scope: 'seal:manage',
    responses: { 200: { description: 'the seal', schema: sealSchema }, 409: { description: 'SEAL_SUSPENDED or SEAL_REVOKED' }, ...notFound },
    handle: async ({ params, principal }) => json(200, present(await seals.suspend(params.id ?? '', principal!.id))),
  };
  const revoke: RouteSpec<z.infer<typeof revokeSchema>> = {
    method: 'post',
    path: '/v1/seals/:id/revoke',
    tag: 'seals',
    summary: "Revoke a seal for good: the CRL is reissued with its serial; stamps made before stay valid (except keyCompromise)",
    scope: 'seal:manage',
    body: { kind: 'json', schema: revokeSchema },
    responses: { 200: { description: 'the seal', schema: sealSchema }, 409: { description: 'SEAL_REVOKED' }, ...notFound },
    handle: async ({ params, body, principal }) => json(200, present(await seals.revoke(params.id ?? '', principal!.id, body.reason))),
  };
  const stamp: RouteSpec<Buffer> = {
    method: 'post',
    path: '/v1/seals/:id/stamp',
    tag: 'seals',
    summary: 'Stamp a document: a detached CMS SignedData (CAdES baseline B) over the raw body',
    scope: 'seal:stamp',
    body: { kind: 'binary', maxBytes: MAX_DOCUMENT_BYTES, description: 'the document bytes' },
    responses: { 200: { description: 'the stamp', schema: stampSchema }, 409: { description: 'SEAL_SUSPENDED, SEAL_REVOKED or SEAL_EXPIRED' }, ...notFound },
    async handle({ params, body, principal }) {
      return stamped(await seals.stamp(params.id ?? '', { document: body }, principal!.id));
    },
  };
  const stampDigest: RouteSpec<z.infer<typeof digestSchema>> = {
    method: 'post',
    path: '/v1/seals/:id/stamp-digest',
    tag: 'seals',
    summary: 'Stamp a document by its SHA-256 digest (for files too large to send); same stamp as /stamp',
    scope: 'seal:stamp',
    body: { kind: 'json', schema: digestSchema },
    responses: { 200: { description: 'the stamp', schema: stampSchema }, 409: { description: 'SEAL_SUSPENDED, SEAL_REVOKED or SEAL_EXPIRED' }, ...notFound },
    async handle({ params, body, principal }) {
      return stamped(await seals.stamp(params.id ?? '', { digest: decodeDigest(body.digest) }, principal!.id));
    },
  };
  const verifyCert: RouteSpec<z.infer<typeof certificateRequestSchema>> = {
    method: 'post',
    path: '/v1/verify/certificate',
    tag: 'verification',
    summary: 'Validate a certificate path (RFC 5280 §6) against caller anchors or the federated seal CAs',
    body: { kind: 'json', schema: certificateRequestSchema },
    responses: { 200: { description: 'validation report', schema: reportSchema } },
    handle: async ({ body }) => json(200, await verifyCertificate(body, { ...deps.verification, trust: deps.trust() })),
  };
  // /v1/seals/crl is declared before /v1/seals/:id so the router does not take "crl" for an id.
  return [crl, create, list, get, suspend, revoke, stamp, stampDigest, verifyCert];
}
