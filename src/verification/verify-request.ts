import { z } from 'zod';

const pem = z.string().min(1).max(16 * 1024);

/** The body of POST /v1/verify (CONTRACT.md): a credential text, or a document with a detached CMS signature. */
export const verifyRequestSchema = z.union([
  z
    .object({
      credential: z.string().min(1).max(64 * 1024).describe('compact JWS, SD-JWT (with disclosures and optional key-binding JWT) or QR text'),
      trustAnchors: z.array(pem).min(1).max(20).optional().describe('PEM certificates: judge against these anchors alone'),
      nonce: z.string().min(1).max(512).optional().describe('expected key-binding nonce (SD-JWT)'),
      audience: z.string().min(1).max(512).optional().describe('expected key-binding audience (SD-JWT)'),
    })
    .strict(),
  z
    .object({
      document: z.string().min(0).max(700 * 1024).describe('base64 of the signed document'),
      signature: z.string().min(1).max(256 * 1024).describe('base64 of a detached CMS SignedData (DER)'),
      trustAnchors: z.array(pem).min(1).max(20).optional(),
    })
    .strict(),
]).meta({ id: 'VerifyRequest' });

export type VerifyRequest = z.infer<typeof verifyRequestSchema>;

const check = z.object({
  name: z.string(),
  result: z.enum(['PASSED', 'FAILED', 'INDETERMINATE', 'SKIPPED']),
  detail: z.string().optional(),
  subIndication: z.string().optional(),
});

export const reportSchema = z
  .object({
    indication: z.enum(['TOTAL_PASSED', 'TOTAL_FAILED', 'INDETERMINATE']),
    subIndication: z.string().optional().describe('ETSI EN 319 102-1 sub-indication; absent when TOTAL_PASSED'),
    credentialType: z.enum(['health-code', 'licence', 'seal-signature', 'certificate']).optional(),
    issuer: z.object({ region: z.string(), kid: z.string().optional(), name: z.string().optional() }).optional(),
    claims: z.record(z.string(), z.unknown()).optional(),
    checks: z.array(check),
    trustSource: z.enum(['federation', 'caller']),
    verifiedAt: z.string(),
  })
  .meta({ id: 'ValidationReport' });

export const MAX_BATCH = 100;

export const verifyBatchRequestSchema = z
  .object({ items: z.array(verifyRequestSchema).min(1).max(MAX_BATCH) })
  .strict()
  .meta({ id: 'VerifyBatchRequest' });

export const verifyBatchResponseSchema = z.object({ reports: z.array(reportSchema) }).meta({ id: 'VerifyBatchReports' });
