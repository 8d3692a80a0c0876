// Seal management and stamping (issue 4): create, list, get, suspend, revoke, stamp. Domain code:
// no HTTP here. Every change and every stamp is audited in the transaction that makes it.
import { isUuid } from '../../ids.js';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { appendAudit } from '../../audit/audit-log.js';
import type { Signer } from '../../crypto/signer.js';
import { conflict, invalidRequest, notFound, TongbanError } from '../../errors.js';
import { buildDetachedSignedData } from '../../pki/cms/build-signed-data.js';
import type { RevocationList } from '../../pki/crl.js';
import { x509 } from '../../pki/x509.js';
import { issueSealCertificate } from './seal-certificate.js';
import { SealCrlPublisher } from './seal-crl-publisher.js';
import { checkSealImage } from './seal-image.js';
import type { SealKeyVault } from './seal-key-vault.js';
import type { SealProperties } from './seal-properties.js';
import { PUBLIC_COLUMNS, seals, toSeal, type SealRow } from './seal-repository.js';
import { SealSigner } from './seal-signer.js';
import { gbSealCategory, isSealType, REVOCATION_REASONS, SEAL_TYPES, type RevocationReason, type Seal, type SealStatus } from './seal-types.js';

const YEAR_MS = 365 * 24 * 3600_000;
const MAX_TEXT = 200;

export interface SealServiceOptions {
  knex: Knex;
  region: string;
  sealCa: Signer;
  vault: SealKeyVault;
  /** Base URL this node is reachable at; the CRL distribution point is `<publicUrl>/v1/seals/crl`. */
  publicUrl: string;
  clock?: () => Date;
  /** Validity of a new seal certificate; 3 years by default, never past the seal CA's own notAfter. */
  sealValidityMs?: number;
  crlValidityMs?: number;
}

export interface CreateSealInput {
  name: string;
  agency: string;
  type: string;
  image?: Uint8Array;
}

/** What to stamp: the document itself, or its SHA-256 digest (for files too large to send). */
export type StampInput = { document: Uint8Array } | { digest: Uint8Array };

export interface Stamp {
  /** DER of the detached CMS SignedData. */
  signature: Buffer;
  signingTime: Date;
}

export class SealService {
  readonly crlPublisher: SealCrlPublisher;
  readonly #o: Required<Omit<SealServiceOptions, 'crlValidityMs'>>;
  readonly #sealCaNotAfter: Date;

  constructor(options: SealServiceOptions) {
    this.#o = { clock: () => new Date(), sealValidityMs: 3 * YEAR_MS, ...options } as Required<Omit<SealServiceOptions, 'crlValidityMs'>>;
    const crlOptions = { knex: options.knex, sealCa: options.sealCa, clock: this.#o.clock, ...(options.crlValidityMs ? { validityMs: options.crlValidityMs } : {}) };
    this.crlPublisher = new SealCrlPublisher(crlOptions);
    this.#sealCaNotAfter = notAfterOf(options.sealCa.certificateChain[0]!);
  }

  get crlUrl(): string {
    return `${this.#o.publicUrl.replace(/\/+$/, '')}/v1/seals/crl`;
  }

  async create(input: CreateSealInput, actor: string): Promise<Seal> {
    const name = requireText(input.name, 'name');
    const agency = requireText(input.agency, 'agency');
    if (!isSealType(input.type)) throw invalidRequest(`type must be one of ${SEAL_TYPES.join(', ')}`);
    const imageType = input.image ? checkSealImage(input.image) : undefined;
    const now = this.#o.clock();
    const validTo = new Date(Math.min(now.getTime() + this.#o.sealValidityMs, this.#sealCaNotAfter.getTime()));
    if (validTo.getTime() <= now.getTime()) throw new TongbanError('SEAL_CA_EXPIRED', 'the seal CA certificate has expired; no seal can be issued', 503);

    const id = randomUUID();
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const imageSha256 = input.image ? createHash('sha256').update(input.image).digest() : undefined;
    const properties: SealProperties = {
      id,
      category: gbSealCategory(input.type),
      name,
      createdAt: now,
      validFrom: now,
      validTo,
      type: input.type,
      region: this.#o.region,
    };
    if (imageType && imageSha256) properties.picture = { type: imageType, sha256: imageSha256 };
    const certificate = await issueSealCertificate({ properties, agency, publicKey, sealCa: this.#o.sealCa, crlUrl: this.crlUrl });
    const row: SealRow = {
      id,
      region: this.#o.region,
      name,
      agency,
      type: input.type,
      status: 'active',
      serial_number: certificate.serialNumber.toLowerCase(),
      issuer_fingerprint: this.crlPublisher.issuerFingerprint,
      certificate: Buffer.from(certificate.rawData),
      encrypted_key: this.#o.vault.encrypt(id, privateKey),
      valid_from: certificate.notBefore,
      valid_to: certificate.notAfter,
      image_type: imageType ?? null,
      image_sha256: imageSha256?.toString('hex') ?? null,
      image: input.image ? Buffer.from(input.image) : null,
      created_at: now,
      suspended_at: null,
      revoked_at: null,
      revocation_reason: null,
    };
    await this.#o.knex.transaction(async (trx) => {
      await seals(trx).insert(row);
      await appendAudit(trx, { actor, action: 'seal.create', subject: id, details: { agency, type: input.type, serialNumber: row.serial_number } }, now);
    });
    return toSeal(row);
  }

  async get(id: string): Promise<Seal> {
    return toSeal(await this.#row(this.#o.knex, id));
  }

  async list(filter: { agency?: string; status?: SealStatus; limit?: number; offset?: number } = {}): Promise<Seal[]> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 100), 1), 500);
    const query = seals(this.#o.knex).select(...PUBLIC_COLUMNS).orderBy([{ column: 'created_at', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(limit).offset(Math.max(Math.trunc(filter.offset ?? 0), 0));
    if (filter.agency !== undefined) query.where({ agency: filter.agency });
    if (filter.status !== undefined) query.where({ status: filter.status });
    return (await query).map(toSeal);
  }

  /** The seal's image, for rendering a stamp's appearance. */
  async image(id: string): Promise<{ type: 'png' | 'svg'; data: Buffer } | undefined> {
    const row = await seals(this.#o.knex).where({ id: uuid(id) }).select('image_type', 'image').first();
    if (!row) throw notFound('seal');
    return row.image && row.image_type ? { type: row.image_type, data: Buffer.from(row.image) } : undefined;
  }

  /** Suspends a seal: it cannot stamp, and the CRL lists it on hold (RFC 5280 §5.3.1 certificateHold). */
  async suspend(id: string, actor: string): Promise<Seal> {
    return this.#changeStatus(id, actor, 'suspended', undefined);
  }

  /** Revokes a seal for good; the CRL is reissued with its serial and the revocation date. */
  async revoke(id: string, actor: string, reason: string = 'unspecified'): Promise<Seal> {
    if (!(REVOCATION_REASONS as readonly string[]).includes(reason)) throw invalidRequest(`reason must be one of ${REVOCATION_REASONS.join(', ')}`);
    return this.#changeStatus(id, actor, 'revoked', reason as RevocationReason);
  }

  async #changeStatus(id: string, actor: string, status: 'suspended' | 'revoked', reason: RevocationReason | undefined): Promise<Seal> {
    // Whole seconds, as the CRL carries them, so the database and the CRL name the same instant.
    const now = wholeSecond(this.#o.clock());
    const { seal, crl } = await this.#o.knex.transaction(async (trx) => {
      const row = await this.#row(trx, id, true);
      if (row.status === 'revoked') throw conflict('SEAL_REVOKED', 'the seal is already revoked');
      if (row.status === status) throw conflict('SEAL_SUSPENDED', 'the seal is already suspended');
      const change = status === 'revoked' ? { status, revoked_at: now, revocation_reason: reason ?? 'unspecified' } : { status, suspended_at: now };
      await seals(trx).where({ id: row.id }).update(change);
      await appendAudit(trx, { actor, action: `seal.${status === 'revoked' ? 'revoke' : 'suspend'}`, subject: row.id, details: { serialNumber: row.serial_number, ...(reason ? { reason } : {}) } }, now);
      const crl = await this.crlPublisher.issue(trx);
      return { seal: toSeal({ ...row, ...change }), crl };
    });
    await this.crlPublisher.adopt(crl);
    return seal;
  }

  /** Stamps a document (or its SHA-256 digest) with an active seal: a detached CAdES-B CMS SignedData. */
  async stamp(id: string, input: StampInput, actor: string): Promise<Stamp> {
    const digest = 'document' in input ? createHash('sha256').update(input.document).digest() : Buffer.from(input.digest);
    if (digest.length !== 32) throw invalidRequest('digest must be a SHA-256 digest (32 bytes)');
    return this.#o.knex.transaction(async (trx) => {
      // FOR SHARE: a concurrent revoke waits for this stamp, or this stamp sees the revocation.
      const row = await this.#row(trx, id, 'share');
      if (row.status !== 'active') throw conflict(row.status === 'revoked' ? 'SEAL_REVOKED' : 'SEAL_SUSPENDED', `the seal is ${row.status} and cannot stamp`);
      const signingTime = wholeSecond(this.#o.clock());
      if (signingTime < new Date(row.valid_from) || signingTime > new Date(row.valid_to)) throw conflict('SEAL_EXPIRED', 'the seal certificate is not valid now');
      const chain = [Buffer.from(row.certificate), this.#o.sealCa.certificateChain[0]!];
      let signer: SealSigner;
      try {
        signer = new SealSigner(this.#o.vault.decrypt(row.id, Buffer.from(row.encrypted_key)), chain);
      } catch {
        throw new TongbanError('SEAL_KEY_UNAVAILABLE', 'the seal key cannot be opened on this node', 500);
      }
      const signature = Buffer.from(await buildDetachedSignedData({ digest, digestAlgorithm: 'sha256', signer, certificates: chain, signingTime }));
      await appendAudit(trx, { actor, action: 'seal.stamp', subject: row.id, details: { sha256: digest.toString('hex'), signingTime: signingTime.toISOString(), byDigest: !('document' in input) } }, signingTime);
      return { signature, signingTime };
    });
  }

  /** The seal CA's current CRL, DER (for `GET /v1/seals/crl`). */
  async crl(): Promise<RevocationList> {
    return this.crlPublisher.current();
  }

  async #row(knex: Knex | Knex.Transaction, id: string, lock: boolean | 'share' = false): Promise<SealRow> {
    const query = seals(knex).where({ id: uuid(id) });
    if (lock === 'share') query.forShare();
    else if (lock) query.forUpdate();
    const row = await query.first();
    if (!row) throw notFound('seal');
    return row;
  }
}

function uuid(id: string): string {
  if (!isUuid(id)) throw notFound('seal');
  return id.toLowerCase();
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalidRequest(`${field} is required`);
  const text = value.normalize('NFC').trim();
  if (text.length === 0 || text.length > MAX_TEXT) throw invalidRequest(`${field} must be 1 to ${MAX_TEXT} characters`);
  if (/[\u0000-\u001f\u007f]/.test(text)) throw invalidRequest(`${field} must not contain control characters`);
  return text;
}

/** CMS signingTime and CRL dates carry whole seconds (UTCTime); we round down before recording. */
function wholeSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function notAfterOf(der: Buffer): Date {
  return new x509.X509Certificate(new Uint8Array(der)).notAfter;
}
