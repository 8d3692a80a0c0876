// What a report discloses about a seal certificate: its seal properties when it carries Tongban's
// extension, else the subject's names.
import { DerError as CmsFormatError } from '../../../pki/der/reader.js';
import type { x509 } from '../../../pki/x509.js';
import { decodeSealProperties, SEAL_PROPERTIES_OIDS, type SealProperties } from '../seal-properties.js';

export function sealPropertiesOf(certificate: x509.X509Certificate): SealProperties | undefined {
  for (const oid of SEAL_PROPERTIES_OIDS) {
    const extension = certificate.getExtension(oid);
    if (!extension) continue;
    try {
      return decodeSealProperties(new Uint8Array(extension.value));
    } catch (error) {
      if (error instanceof CmsFormatError) return undefined;
      throw error;
    }
  }
  return undefined;
}

export function sealClaims(certificate: x509.X509Certificate): Record<string, unknown> {
  const properties = sealPropertiesOf(certificate);
  const claims: Record<string, unknown> = {
    agency: certificate.subjectName.getField('O')[0],
    sealName: properties?.name ?? certificate.subjectName.getField('CN')[0],
  };
  if (properties) {
    claims.sealId = properties.id;
    claims.sealType = properties.type;
    if (properties.picture) claims.sealImageSha256 = Buffer.from(properties.picture.sha256).toString('hex');
  }
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
}
