import type { x509 } from '../../pki/x509.js';
// The seal CA's CRL (RFC 5280 §5): reissued on every revocation or suspension and before it goes
// stale, stored with an increasing CRL number, and kept in memory for the verifier and for
// `GET /v1/seals/crl`.
import type { Knex } from 'knex';
import type { Signer } from '../../crypto/signer.js';
import { issueCrl, RevocationList, type CrlEntry } from '../../pki/crl.js';
import { certificateFingerprint } from '../../pki/fingerprint.js';
import { sealCrls, seals, type SealCrlRow } from './seal-repository.js';

export interface SealCrlPublisherOptions {
  knex: Knex;
  sealCa: Signer;
  clock?: () => Date;
  /** nextUpdate − thisUpdate; 24 h by default. A CRL is reissued once half of it has passed. */
  validityMs?: number;
  /** How long the in-memory CRL is trusted before the database is asked for a newer one (other nodes revoke too). */
  refreshMs?: number;
}

/** Where a verifier finds the CRL of a CA it judges; synchronous: the verify hot path does no I/O. */
export interface RevocationSource {
  revocationListFor(issuerFingerprint: string): RevocationList | undefined;
  /** Called before the lookup for a validated path (leaf first): a source that fetches does it here. */
  prepare?(path: readonly x509.X509Certificate[], now: Date): Promise<void>;
}

export class SealCrlPublisher implements RevocationSource {
  readonly issuerFingerprint: string;
  readonly #knex: Knex;
  readonly #sealCa: Signer;
  readonly #issuerDer: Buffer;
  readonly #clock: () => Date;
  readonly #validityMs: number;
  readonly #refreshMs: number;
  #current: RevocationList | undefined;
  #checkedAt = 0;
  /** The one refresh under way: concurrent callers share it instead of each signing a CRL. */
  #refreshing: Promise<RevocationList> | undefined;

  constructor(options: SealCrlPublisherOptions) {
    const issuerDer = options.sealCa.certificateChain[0];
    if (!issuerDer) throw new Error('the seal CA has no certificate');
    this.#knex = options.knex;
    this.#sealCa = options.sealCa;
    this.#issuerDer = issuerDer;
    this.issuerFingerprint = certificateFingerprint(issuerDer);
    this.#clock = options.clock ?? (() => new Date());
    this.#validityMs = options.validityMs ?? 24 * 3600_000;
    this.#refreshMs = options.refreshMs ?? 30_000;
  }

  /** Issues a new CRL listing every revoked or suspended seal of this CA, inside `trx`. */
  async issue(trx: Knex.Transaction): Promise<Buffer> {
    // Serialise CRL numbers per CA across nodes sharing the database.
    await trx.raw('select pg_advisory_xact_lock(?, ?)', [0x7b0a_0004, Number.parseInt(this.issuerFingerprint.slice(0, 7), 16)]);
    const rows = await seals(trx)
      .where({ issuer_fingerprint: this.issuerFingerprint })
      .whereIn('status', ['revoked', 'suspended'])
      .select('serial_number', 'status', 'suspended_at', 'revoked_at', 'revocation_reason');
    const entries: CrlEntry[] = rows.map((row) =>
      row.status === 'revoked'
        ? { serialNumber: row.serial_number, revokedAt: new Date(row.revoked_at!), reason: row.revocation_reason ?? 'unspecified' }
        : { serialNumber: row.serial_number, revokedAt: new Date(row.suspended_at!), reason: 'certificateHold' },
    );
    const last = await sealCrls(trx).where({ issuer_fingerprint: this.issuerFingerprint }).max<{ max: string | null }>('crl_number as max').first();
    const crlNumber = BigInt(last?.max ?? 0) + 1n;
    const thisUpdate = this.#clock();
    const nextUpdate = new Date(thisUpdate.getTime() + this.#validityMs);
    const der = await issueCrl({ issuer: this.#sealCa, crlNumber, thisUpdate, nextUpdate, entries });
    await sealCrls(trx).insert({ issuer_fingerprint: this.issuerFingerprint, crl_number: crlNumber.toString(), this_update: thisUpdate, next_update: nextUpdate, der });
    return der;
  }

  /** Makes a freshly issued CRL current once its transaction committed. */
  async adopt(der: Buffer): Promise<void> {
    const list = await RevocationList.load(der, this.#issuerDer);
    if (!list) throw new Error('the seal CA issued a CRL that does not verify');
    this.#current = list;
    this.#checkedAt = this.#clock().getTime();
  }

  /** The current CRL: from memory, else the newest stored one, reissued when half its validity has passed. */
  async current(): Promise<RevocationList> {
    const now = this.#clock().getTime();
    if (this.#current && now - this.#checkedAt < this.#refreshMs && !this.#needsReissue(this.#current, now)) return this.#current;
    this.#refreshing ??= this.#refresh(now).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(now: number): Promise<RevocationList> {
    const row = await sealCrls(this.#knex).where({ issuer_fingerprint: this.issuerFingerprint }).orderBy('crl_number', 'desc').first();
    let list = row ? await this.#load(row) : undefined;
    if (!list || this.#needsReissue(list, now)) {
      const der = await this.#knex.transaction((trx) => this.issue(trx));
      list = (await RevocationList.load(der, this.#issuerDer)) ?? undefined;
      if (!list) throw new Error('the seal CA issued a CRL that does not verify');
    }
    this.#current = list;
    this.#checkedAt = now;
    return list;
  }

  revocationListFor(issuerFingerprint: string): RevocationList | undefined {
    return issuerFingerprint === this.issuerFingerprint ? this.#current : undefined;
  }

  #needsReissue(list: RevocationList, now: number): boolean {
    if (!list.nextUpdate) return true;
    return list.nextUpdate.getTime() - now < this.#validityMs / 2;
  }

  async #load(row: SealCrlRow): Promise<RevocationList | undefined> {
    return (await RevocationList.load(row.der, this.#issuerDer)) ?? undefined;
  }
}
