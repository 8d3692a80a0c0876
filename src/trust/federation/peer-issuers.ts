import { createPublicKey, type JsonWebKey as NodeJwk, type KeyObject } from 'node:crypto';
import type { TrustedIssuer } from '../trust-material.js';
import type { TrustListIssuerEntry } from '../trust-list/format.js';

/**
 * A peer's issuer as trust material. Its KeyObject is made on first use: importing 10,000 JWKs costs
 * most of a second, while a verifier touches only the keys its credentials name. The JWK's shape was
 * checked when the list was accepted; a point off the curve makes createPublicKey throw on first use,
 * which the verification pipeline reports as INDETERMINATE (never passed).
 * The lazy members are own enumerable getters of a plain object, so `{ ...issuer }` still copies them.
 */
function peerIssuer(entry: TrustListIssuerEntry, region: string, freshUntil: Date): TrustedIssuer {
  let key: KeyObject | undefined;
  let der: Buffer | undefined;
  const jwk = entry.publicJwk as NodeJwk;
  const certificate = entry.certificate;
  const last = entry.statusHistory[entry.statusHistory.length - 1];
  const issuer: TrustedIssuer = {
    kid: entry.kid,
    region,
    name: entry.name,
    roles: entry.roles,
    status: entry.status,
    source: 'peer',
    freshUntil,
    get publicKey(): KeyObject {
      key ??= createPublicKey({ key: jwk, format: 'jwk' });
      return key;
    },
    get certificate(): Buffer | undefined {
      if (certificate === undefined) return undefined;
      der ??= Buffer.from(certificate, 'base64');
      return der;
    },
  };
  if (last) issuer.statusSince = new Date(last.at);
  if (entry.validFrom) issuer.validFrom = new Date(entry.validFrom);
  if (entry.validTo) issuer.validTo = new Date(entry.validTo);
  return issuer;
}

export function peerIssuers(entries: readonly TrustListIssuerEntry[], region: string, freshUntil: Date): TrustedIssuer[] {
  const issuers: TrustedIssuer[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) issuers[i] = peerIssuer(entries[i]!, region, freshUntil);
  return issuers;
}
