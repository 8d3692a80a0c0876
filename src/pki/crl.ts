// Certificate revocation lists (RFC 5280 §5): issued by a CA Signer, and read back as a verified,
// indexed list a verifier consults from memory.
import type { Signer } from '../crypto/signer.js';
import { integer } from './der/writer.js';
import { certificateFingerprint } from './fingerprint.js';
import { x509 } from './x509.js';

/** RFC 5280 §5.3.1 reason codes Tongban issues. certificateHold is a suspension, not a revocation. */
export type CrlReason = 'unspecified' | 'keyCompromise' | 'affiliationChanged' | 'superseded' | 'cessationOfOperation' | 'certificateHold';

export interface CrlEntry {
  /** Certificate serial number, hexadecimal. */
  serialNumber: string;
  revokedAt: Date;
  reason: CrlReason;
}

export interface CrlRequest {
  issuer: Signer;
  /** Monotonically increasing per issuer (RFC 5280 §5.2.3: conforming CRL issuers MUST include it). */
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: readonly CrlEntry[];
}

const OID_CRL_NUMBER = '2.5.29.20';

/** Issues a v2 CRL signed by `issuer` (whose certificate is the first of its chain); returns DER. */
export async function issueCrl(request: CrlRequest): Promise<Buffer> {
  const issuerDer = request.issuer.certificateChain[0];
  if (!issuerDer) throw new Error('the CRL issuer has no certificate');
  const issuerCert = new x509.X509Certificate(new Uint8Array(issuerDer));
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuerCert.subjectName,
    thisUpdate: request.thisUpdate,
    nextUpdate: request.nextUpdate,
    signingAlgorithm: request.issuer.alg === 'ES384' ? { name: 'ECDSA', hash: 'SHA-384' } : { name: 'ECDSA', hash: 'SHA-256' },
    signingKey: await request.issuer.cryptoKey(),
    extensions: [
      // RFC 5280 §5.2.1: the AKI lets a verifier pick the right CA key when names repeat.
      await x509.AuthorityKeyIdentifierExtension.create(issuerCert, false),
      new x509.Extension(OID_CRL_NUMBER, false, integer(request.crlNumber)),
    ],
    entries: request.entries.map((e) => ({
      serialNumber: e.serialNumber,
      revocationDate: e.revokedAt,
      reason: x509.X509CrlReason[e.reason],
    })),
  });
  return Buffer.from(crl.rawData);
}

export interface RevocationEntry {
  revokedAt: Date;
  reason: CrlReason | 'other';
}

const REASON_NAMES = new Map<number, CrlReason>([
  [x509.X509CrlReason.unspecified, 'unspecified'],
  [x509.X509CrlReason.keyCompromise, 'keyCompromise'],
  [x509.X509CrlReason.affiliationChanged, 'affiliationChanged'],
  [x509.X509CrlReason.superseded, 'superseded'],
  [x509.X509CrlReason.cessationOfOperation, 'cessationOfOperation'],
  [x509.X509CrlReason.certificateHold, 'certificateHold'],
]);

/** A CRL whose signature was checked against its issuer certificate, indexed by serial number. */
export class RevocationList {
  readonly der: Buffer;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  /** SHA-256 (hex) of the issuer certificate that signed it. */
  readonly issuerFingerprint: string;
  readonly #entries: Map<bigint, RevocationEntry>;

  private constructor(der: Buffer, crl: x509.X509Crl, issuerFingerprint: string) {
    this.der = der;
    this.thisUpdate = crl.thisUpdate;
    this.nextUpdate = crl.nextUpdate;
    this.issuerFingerprint = issuerFingerprint;
    this.#entries = new Map(
      crl.entries.map((e) => [BigInt(`0x${e.serialNumber}`), { revokedAt: e.revocationDate, reason: e.reason === undefined ? 'unspecified' : (REASON_NAMES.get(e.reason) ?? 'other') }]),
    );
  }

  /**
   * Parses a CRL and checks that `issuerDer` issued it: same name (RFC 5280 §6.3.3 (b)), cRLSign usage
   * of the issuer is the path validator's concern, and the signature verifies. Returns null otherwise.
   */
  static async load(der: Uint8Array, issuerDer: Uint8Array): Promise<RevocationList | null> {
    try {
      const crl = new x509.X509Crl(new Uint8Array(der));
      const issuer = new x509.X509Certificate(new Uint8Array(issuerDer));
      if (!Buffer.from(crl.issuerName.toArrayBuffer()).equals(Buffer.from(issuer.subjectName.toArrayBuffer()))) return null;
      if (!(await crl.verify({ publicKey: issuer }))) return null;
      return new RevocationList(Buffer.from(der), crl, certificateFingerprint(issuerDer));
    } catch {
      return null;
    }
  }

  lookup(serial: bigint): RevocationEntry | undefined {
    return this.#entries.get(serial);
  }

  get size(): number {
    return this.#entries.size;
  }
}
