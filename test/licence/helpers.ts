import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileKeyStore } from '../../src/crypto/file-key-store.js';
import type { Signer } from '../../src/crypto/signer.js';
import { licenceTypeByName } from '../../src/credentials/licence/catalogue.js';
import { formatLicenceIdentifier, serialFor } from '../../src/credentials/licence/identifier.js';
import { createLicenceSdJwt, type LicenceCredentialInput } from '../../src/credentials/licence/sd-jwt-issue.js';
import type { StatusLookup, StatusReference, StatusResolver } from '../../src/status/status-resolver.js';
import { IssuerIndex, type TrustedIssuer } from '../../src/trust/trust-material.js';

export const AUTHORITY = '114400000000000000';
export const holder = { name: '张三', idType: 'resident-id-card', idNumber: '11010519491231002X' };
export const businessFields = {
  companyName: '广州通办科技有限公司',
  legalRepresentative: '张三',
  registeredCapital: '1000万元人民币',
  address: '广州市天河区珠江新城1号',
  establishedOn: '2019-06-01',
};

/** Real P-256 keys in a throw-away key store. */
export async function keyStore(): Promise<{ store: FileKeyStore; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tongban-licence-'));
  const store = new FileKeyStore(dir);
  await store.init();
  return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function trustedIssuer(signer: Signer, overrides: Partial<TrustedIssuer> = {}): TrustedIssuer {
  return { kid: signer.kid, region: 'CN-GD', name: 'Licence Issuer CN-GD', roles: ['licence'], publicKey: signer.publicKey, status: 'active', source: 'local', ...overrides };
}

export function trustOf(...issuers: TrustedIssuer[]): IssuerIndex {
  return new IssuerIndex(issuers);
}

/**
 * A real two-bit Token Status List held in memory (draft-ietf-oauth-status-list §4: statuses packed
 * LSB-first, four per byte), bound to the issuer key that owns it.
 */
export class MemoryStatusList implements StatusResolver {
  readonly bytes: Uint8Array;
  unavailable = false;

  constructor(
    readonly uri: string,
    readonly issuerKid: string,
    capacity = 1024,
  ) {
    this.bytes = new Uint8Array(Math.ceil(capacity / 4));
  }

  set(idx: number, status: 0 | 1 | 2 | 3): void {
    const byte = idx >> 2;
    const shift = (idx & 3) * 2;
    this.bytes[byte] = (this.bytes[byte]! & ~(0b11 << shift)) | (status << shift);
  }

  async lookup(reference: StatusReference, issuer: TrustedIssuer, at: Date): Promise<StatusLookup> {
    if (this.unavailable) return { ok: false, reason: 'status list could not be fetched' };
    if (reference.uri !== this.uri) return { ok: false, reason: `unknown status list ${reference.uri}` };
    if (issuer.kid !== this.issuerKid) return { ok: false, reason: 'status list is signed by another key' };
    if (reference.idx >= this.bytes.length * 4) return { ok: false, reason: 'index outside the status list' };
    return { ok: true, status: (this.bytes[reference.idx >> 2]! >> ((reference.idx & 3) * 2)) & 0b11, listIssuedAt: at };
  }
}

export const STATUS_URI = 'https://gd.tongban.example/status/1';

export async function issueBusinessLicence(signer: Signer, overrides: Partial<LicenceCredentialInput> = {}): Promise<string> {
  const issuedAt = overrides.issuedAt ?? new Date();
  return createLicenceSdJwt(signer, {
    licenceType: licenceTypeByName('business-licence')!,
    holder,
    fields: businessFields,
    identifier: formatLicenceIdentifier({ typeCode: 'TB0001', authorityCode: AUTHORITY, serial: serialFor(7), version: '001' }),
    issuer: 'tongban:CN-GD',
    region: 'CN-GD',
    status: { idx: 7, uri: STATUS_URI },
    issuedAt,
    expiresAt: new Date(issuedAt.getTime() + 365 * 86400_000),
    ...overrides,
  });
}

export function decodeSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}
