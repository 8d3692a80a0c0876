import { certificateToPem } from '../../pki/certificates.js';
import type { RegionPki } from '../../pki/region-pki.js';
import type { RouteSpec } from '../route.js';

export function trustAnchorRoutes(deps: { pki: RegionPki }): RouteSpec[] {
  const pem = certificateToPem(deps.pki.anchorCertificate);
  return [
    {
      method: 'get',
      path: '/v1/trust/anchor',
      tag: 'trust',
      summary: "This region's trust anchor certificate (PEM), to exchange out of band with partners",
      responses: { 200: { description: 'PEM certificate', contentType: 'application/x-pem-file' } },
      handle: () => ({ status: 200, body: pem, type: 'application/x-pem-file' }),
    },
  ];
}
