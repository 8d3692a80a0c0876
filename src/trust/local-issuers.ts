import type { Signer } from '../crypto/signer.js';
import type { RegionPki } from '../pki/region-pki.js';
import { x509 } from '../pki/x509.js';
import type { IssuerRole } from './roles.js';
import type { TrustedIssuer } from './trust-material.js';

function fromSigner(signer: Signer, region: string, roles: IssuerRole[], name: string): TrustedIssuer {
  const cert = new x509.X509Certificate(new Uint8Array(signer.certificateChain[0]!));
  return {
    kid: signer.kid,
    region,
    name,
    roles,
    publicKey: signer.publicKey,
    certificate: signer.certificateChain[0]!,
    certificateChain: signer.certificateChain.slice(1),
    status: 'active',
    validFrom: cert.notBefore,
    validTo: cert.notAfter,
    source: 'local',
  };
}

/** This region's own issuer keys as trust material, from the region's key set. */
export function localIssuersFromPki(pki: RegionPki): TrustedIssuer[] {
  return [
    fromSigner(pki.healthCodeIssuer, pki.region, ['healthcode'], `Health Code Issuer ${pki.region}`),
    fromSigner(pki.licenceIssuer, pki.region, ['licence'], `Licence Issuer ${pki.region}`),
    fromSigner(pki.sealCa, pki.region, ['seal'], `Seal CA ${pki.region}`),
  ];
}
