import { randomBytes } from 'node:crypto';
import type { KeyStore, Signer } from '../crypto/signer.js';
import { issueCertificate, type CertificateProfile } from './certificates.js';
import { TRUST_LIST_SIGNING_EKU } from './tongban-oids.js';
import { x509 } from './x509.js';

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** The keys a region's node holds, with their certificates (anchor → issuing CA → issuers; anchor → seal CA). */
export interface RegionPki {
  region: string;
  anchor: Signer;
  anchorCertificate: x509.X509Certificate;
  issuingCa: Signer;
  healthCodeIssuer: Signer;
  licenceIssuer: Signer;
  trustListSigner: Signer;
  sealCa: Signer;
  /** HMAC key that turns an ID number into a holder pseudonym; never leaves the node. */
  pseudonymKey: Buffer;
}

interface KeySpec {
  name: string;
  profile: (region: string, now: Date) => CertificateProfile;
  issuer: 'self' | 'anchor' | 'issuing-ca';
}

function dn(region: string, commonName: string): string {
  return `CN=${commonName} ${region}, O=Tongban ${region}, C=CN`;
}

function validity(now: Date, years: number): Pick<CertificateProfile, 'notBefore' | 'notAfter'> {
  // Back-date by an hour so a partner's slightly slow clock does not see NOT_YET_VALID.
  return { notBefore: new Date(now.getTime() - 3600_000), notAfter: new Date(now.getTime() + years * YEAR_MS) };
}

const SPECS: KeySpec[] = [
  { name: 'anchor', issuer: 'self', profile: (r, now) => ({ subject: dn(r, 'Trust Anchor'), ...validity(now, 20), ca: { pathLength: null } }) },
  { name: 'issuing-ca', issuer: 'anchor', profile: (r, now) => ({ subject: dn(r, 'Issuing CA'), ...validity(now, 10), ca: { pathLength: 0 } }) },
  { name: 'seal-ca', issuer: 'anchor', profile: (r, now) => ({ subject: dn(r, 'Seal CA'), ...validity(now, 10), ca: { pathLength: 0 } }) },
  { name: 'health-code-issuer', issuer: 'issuing-ca', profile: (r, now) => ({ subject: dn(r, 'Health Code Issuer'), ...validity(now, 2) }) },
  { name: 'licence-issuer', issuer: 'issuing-ca', profile: (r, now) => ({ subject: dn(r, 'Licence Issuer'), ...validity(now, 2) }) },
  {
    name: 'trust-list-signer',
    issuer: 'issuing-ca',
    // A dedicated EKU: partners accept a trust list only from a key certified for that purpose, so an
    // issuer key under the same anchor cannot sign one.
    profile: (r, now) => ({ subject: dn(r, 'Trust List Signer'), ...validity(now, 2), extendedKeyUsages: [TRUST_LIST_SIGNING_EKU] }),
  },
];

/**
 * Loads the region's keys from the key store, generating any that are missing (first start). A key is
 * never regenerated once it exists: rotation is an explicit operation (docs/keys.md).
 */
export async function loadOrCreateRegionPki(store: KeyStore, region: string, now = new Date()): Promise<RegionPki> {
  await store.init();
  const signers = new Map<string, Signer>();
  for (const spec of SPECS) {
    if (await store.has(spec.name)) {
      const signer = await store.load(spec.name);
      if (signer.certificateChain.length === 0) throw new Error(`key ${spec.name} has no certificate chain in ${store.directory}`);
      signers.set(spec.name, signer);
      continue;
    }
    const signer = await store.generate(spec.name);
    const issuer = spec.issuer === 'self' ? signer : signers.get(spec.issuer)!;
    const cert = await issueCertificate(spec.profile(region, now), signer.publicKey, issuer);
    const chain = [Buffer.from(cert.rawData), ...(spec.issuer === 'self' ? [] : issuer.certificateChain)];
    await store.saveChain(spec.name, signer, chain);
    signers.set(spec.name, signer);
  }
  const pseudonymKey = Buffer.from(await store.secret('pseudonym.secret', () => randomBytes(32).toString('base64')), 'base64');
  const anchor = signers.get('anchor')!;
  return {
    region,
    anchor,
    anchorCertificate: new x509.X509Certificate(new Uint8Array(anchor.certificateChain[0]!)),
    issuingCa: signers.get('issuing-ca')!,
    healthCodeIssuer: signers.get('health-code-issuer')!,
    licenceIssuer: signers.get('licence-issuer')!,
    trustListSigner: signers.get('trust-list-signer')!,
    sealCa: signers.get('seal-ca')!,
    pseudonymKey,
  };
}
