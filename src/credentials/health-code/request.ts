import { z } from 'zod';
import { HEALTH_CODE_COLOURS } from './format.js';

export const DEFAULT_VALIDITY_SECONDS = 24 * 3600;
export const MAX_VALIDITY_SECONDS = 7 * 24 * 3600;

export const healthCodeRequestSchema = z
  .object({
    holder: z
      .object({
        name: z.string().trim().min(1).max(100),
        idNumber: z.string().trim().min(4).max(40).regex(/^[0-9A-Za-z()\- ]+$/, 'ID number may contain letters, digits, spaces, hyphens and parentheses'),
      })
      .strict(),
    status: z.enum(HEALTH_CODE_COLOURS),
    validFor: z.number().int().min(60).max(MAX_VALIDITY_SECONDS).optional(),
  })
  .strict()
  .meta({ id: 'HealthCodeRequest' });

export type HealthCodeRequest = z.infer<typeof healthCodeRequestSchema>;

export const healthCodeResponseSchema = z
  .object({
    id: z.string().uuid(),
    credential: z.string().describe('compact JWS (ES256), typ tongban-hc+jwt'),
    qr: z.string().describe('the exact text to encode in a QR code: TB1: + Base45(ZLIB(JWS))'),
  })
  .meta({ id: 'HealthCodeIssued' });
