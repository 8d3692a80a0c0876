import QRCode from 'qrcode';
import { z } from 'zod';
import type { RouteSpec } from '../route.js';

const qrRequest = z.object({ text: z.string().min(1).max(4000), format: z.enum(['svg', 'png']).default('svg') }).strict().meta({ id: 'QrRequest' });

/** Renders QR text (e.g. a health code's `qr`) as an image, error-correction level M. */
export function qrRoutes(): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/v1/qr',
      tag: 'credentials',
      summary: 'Render QR text as an SVG or PNG image',
      body: { kind: 'json', schema: qrRequest },
      responses: { 200: { description: 'the QR image', contentType: 'image/svg+xml' } },
      async handle({ body }) {
        const { text, format } = body as z.infer<typeof qrRequest>;
        if (format === 'png') return { status: 200, body: await QRCode.toBuffer(text, { errorCorrectionLevel: 'M', type: 'png', margin: 2 }), type: 'image/png' };
        return { status: 200, body: await QRCode.toString(text, { errorCorrectionLevel: 'M', type: 'svg', margin: 2 }), type: 'image/svg+xml' };
      },
    },
  ];
}
