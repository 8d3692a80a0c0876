// Rows of the seals and seal_crls tables (migration 003-seals) and their mapping to domain values.
import type { Knex } from 'knex';
import type { ImageType, RevocationReason, Seal, SealStatus, SealType } from './seal-types.js';

export interface SealRow {
  id: string;
  region: string;
  name: string;
  agency: string;
  type: SealType;
  status: SealStatus;
  serial_number: string;
  issuer_fingerprint: string;
  certificate: Buffer;
  encrypted_key: Buffer;
  valid_from: Date;
  valid_to: Date;
  image_type: ImageType | null;
  image_sha256: string | null;
  image: Buffer | null;
  created_at: Date;
  suspended_at: Date | null;
  revoked_at: Date | null;
  revocation_reason: RevocationReason | null;
}

export interface SealCrlRow {
  issuer_fingerprint: string;
  crl_number: string | number;
  this_update: Date;
  next_update: Date;
  der: Buffer;
}

/** Columns listed everywhere a seal is shown, so a listing never loads key material or images. */
export const PUBLIC_COLUMNS = [
  'id', 'region', 'name', 'agency', 'type', 'status', 'serial_number', 'issuer_fingerprint', 'certificate',
  'valid_from', 'valid_to', 'image_type', 'image_sha256', 'created_at', 'suspended_at', 'revoked_at', 'revocation_reason',
] as const;

function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export function toSeal(row: Omit<SealRow, 'encrypted_key' | 'image'>): Seal {
  const seal: Seal = {
    id: row.id,
    region: row.region,
    name: row.name,
    agency: row.agency,
    type: row.type,
    status: row.status,
    serialNumber: row.serial_number,
    certificatePem: pem(Buffer.from(row.certificate)),
    validFrom: iso(row.valid_from),
    validTo: iso(row.valid_to),
    createdAt: iso(row.created_at),
  };
  if (row.image_type && row.image_sha256) seal.image = { type: row.image_type, sha256: row.image_sha256 };
  if (row.suspended_at) seal.suspendedAt = iso(row.suspended_at);
  if (row.revoked_at) seal.revokedAt = iso(row.revoked_at);
  if (row.revocation_reason) seal.revocationReason = row.revocation_reason;
  return seal;
}

export const seals = (knex: Knex | Knex.Transaction) => knex<SealRow>('seals');
export const sealCrls = (knex: Knex | Knex.Transaction) => knex<SealCrlRow>('seal_crls');
