import { randomInt } from 'node:crypto';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import type { Signer } from '../../crypto/signer.js';
import type { StatusReference } from '../../status/status-resolver.js';
import type { LicenceHolder, LicenceType } from './catalogue.js';
import { SD_ALG } from './disclosures.js';
import { librarySigner, sdJwtHasher, sdJwtSaltGenerator } from './sd-jwt-library.js';

/** The JOSE `typ` of an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3.2.1). */
export const SD_JWT_VC_TYP = 'dc+sd-jwt';
export const HOLDER_CLAIMS = ['name', 'idType', 'idNumber'] as const;

export interface LicenceCredentialInput {
  licenceType: LicenceType;
  holder: LicenceHolder;
  fields: Record<string, unknown>;
  identifier: string;
  /** The `iss` value: the node's public URL when it has one, else `tongban:<REGION>` (see issuerIdentifier). */
  issuer: string;
  region: string;
  status: StatusReference;
  issuedAt: Date;
  expiresAt: Date;
  /** The holder's public key, for key binding (RFC 7800 `cnf`). */
  holderKey?: JsonWebKey | undefined;
}

/** The issuer identifier a region's node puts in `iss`. */
export function issuerIdentifier(region: string, publicUrl?: string): string {
  return publicUrl ? publicUrl.replace(/\/+$/, '') : `tongban:${region}`;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Builds the issuer-signed SD-JWT VC of a licence. Always visible: iss, region, vct, iat, exp, status,
 * cnf and the GB/T 36904 identifier (agencies fetch licences by it). Selectively disclosable: every
 * field of the licence type and every holder claim (`holder.name`, `holder.idType`, `holder.idNumber`).
 * Decoy digests (RFC 9901 §4.2.5) are added at both levels, a random number each time, so the count
 * of digests does not reveal how many optional fields a licence has.
 */
export async function createLicenceSdJwt(signer: Signer, input: LicenceCredentialInput): Promise<string> {
  const payload: Record<string, unknown> = {
    iss: input.issuer,
    region: input.region,
    vct: input.licenceType.vct,
    iat: seconds(input.issuedAt),
    exp: seconds(input.expiresAt),
    status: { status_list: { idx: input.status.idx, uri: input.status.uri } },
    identifier: input.identifier,
    holder: { ...input.holder },
    ...input.fields,
  };
  if (input.holderKey) payload.cnf = { jwk: input.holderKey };
  const frame = {
    _sd: Object.keys(input.fields),
    _sd_decoy: randomInt(1, 4),
    holder: { _sd: [...HOLDER_CLAIMS], _sd_decoy: randomInt(1, 3) },
  };
  const sdjwt = new SDJwtVcInstance({
    signer: librarySigner(signer),
    signAlg: signer.alg,
    hasher: sdJwtHasher,
    hashAlg: SD_ALG,
    saltGenerator: sdJwtSaltGenerator,
  });
  return sdjwt.issue(payload as never, frame as never, { header: { kid: signer.kid, typ: SD_JWT_VC_TYP } });
}
