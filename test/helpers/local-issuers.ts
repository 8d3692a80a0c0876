import type { Signer } from '../../src/crypto/signer.js';
import type { RegionPki } from '../../src/pki/region-pki.js';
import { x509 } from '../../src/pki/x509.js';
import type { IssuerRole } from '../../src/trust/roles.js';
import type { TrustedIssuer } from '../../src/trust/trust-material.js';

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

/** A region's issuer keys as trust material straight from its key set (tests that need no federation). */
export function localIssuersFromPki(pki: RegionPki): TrustedIssuer[] {
  return [
    fromSigner(pki.healthCodeIssuer, pki.region, ['healthcode'], `Health Code Issuer ${pki.region}`),
    fromSigner(pki.licenceIssuer, pki.region, ['licence'], `Licence Issuer ${pki.region}`),
    fromSigner(pki.sealCa, pki.region, ['seal'], `Seal CA ${pki.region}`),
  ];
}
