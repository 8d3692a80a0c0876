// Revocation checking with complete CRLs, RFC 5280 §6.3 (simplified: the CRL's scope is its
// issuer name; delta CRLs, indirect CRLs and reason-partitioned CRLs are not used). A CRL that
// claims to cover a certificate but is not acceptable (bad signature, issuer without cRLSign,
// §5 profile violations) fails the path closed instead of being silently ignored.
import type { x509 } from '../x509.js';
import { type AlgorithmIdentifier, type ParsedCert, parseAlgorithmIdentifier } from './cert.js';
import {
  DerError,
  TAG,
  bitStringBytes,
  bytesEqual,
  childrenOf,
  decodeBoolean,
  decodeOid,
  decodeSmallInt,
  decodeTime,
  expectTag,
  integerBytes,
  readElement,
  sequenceOf,
  toHex,
} from '../der/reader.js';
import { type Name, namesEqual, nameToString, parseName } from './names.js';
import { role } from './profile.js';
import { keyInfo, signaturePolicyProblem, verifySignatureRaw } from './signature.js';
import type { PathFailure } from './types.js';
import { floorToSecond } from './validity.js';

const CRL_EXT = {
  crlNumber: '2.5.29.20',
  deltaCRLIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  authorityKeyIdentifier: '2.5.29.35',
  issuerAltName: '2.5.29.18',
  freshestCRL: '2.5.29.46',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
};
const ENTRY_EXT = { reasonCode: '2.5.29.21', invalidityDate: '2.5.29.24', certificateIssuer: '2.5.29.29' };

interface RevokedEntry {
  serialHex: string;
  date: Date;
  reason?: number;
}

export interface ParsedCrl {
  tbs: Uint8Array;
  signatureAlgorithm: AlgorithmIdentifier;
  tbsSignatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  issuer: Name;
  thisUpdate: Date;
  nextUpdate?: Date;
  entries: Map<string, RevokedEntry>;
  akiKeyId?: Uint8Array;
  isDelta: boolean;
  onlyUser: boolean;
  onlyCA: boolean;
  /** Scope this validator does not handle (indirect, by reason, attribute certificates). */
  unsupportedScope?: string;
  /** §5 profile violations; a covering CRL with problems fails closed. */
  problems: string[];
}

function parseExts(t: ReturnType<typeof readElement>): Array<{ oid: string; critical: boolean; value: Uint8Array }> {
  return sequenceOf(t, 'Extensions').map((e) => {
    const items = sequenceOf(e, 'Extension');
    const oid = decodeOid(expectTag(items[0], TAG.OID, 'extnID'));
    let i = 1;
    let critical = false;
    if (items[i]?.tag === TAG.BOOLEAN) critical = decodeBoolean(items[i++]!);
    return { oid, critical, value: expectTag(items[i], TAG.OCTET_STRING, 'extnValue').contents };
  });
}

export function parseCrlDer(der: Uint8Array): ParsedCrl {
  const [tbsT, algT, sigT, extra] = sequenceOf(readElement(der), 'CertificateList');
  if (extra) throw new DerError('CertificateList: trailing fields');
  const f = sequenceOf(tbsT, 'TBSCertList');
  let i = 0;
  let version = 1;
  if (f[i]?.tag === TAG.INTEGER) version = decodeSmallInt(f[i++]!) + 1;
  const tbsSignatureAlgorithm = parseAlgorithmIdentifier(f[i++], 'signature');
  const issuer = parseName(expectTag(f[i++], TAG.SEQUENCE, 'issuer'));
  const thisUpdate = decodeTime(f[i++]!);
  let nextUpdate: Date | undefined;
  if (f[i]?.tag === TAG.UTCTime || f[i]?.tag === TAG.GeneralizedTime) nextUpdate = decodeTime(f[i++]!);
  const problems: string[] = [];
  const entries = new Map<string, RevokedEntry>();
  let unsupportedScope: string | undefined;
  if (f[i]?.tag === TAG.SEQUENCE) {
    for (const e of childrenOf(f[i++]!)) {
      const [s, d, exts] = sequenceOf(e, 'revokedCertificate');
      const entry: RevokedEntry = { serialHex: toHex(integerBytes(expectTag(s, TAG.INTEGER, 'userCertificate'))), date: decodeTime(d!) };
      if (exts) {
        for (const x of parseExts(exts)) {
          if (x.oid === ENTRY_EXT.reasonCode) {
            const r = readElement(x.value);
            if (r.tag !== 0x0a || r.contents.length !== 1) throw new DerError('bad reasonCode');
            entry.reason = r.contents[0]!;
          } else if (x.oid === ENTRY_EXT.certificateIssuer) unsupportedScope = 'indirect CRL (certificateIssuer entry extension)';
          else if (x.critical && x.oid !== ENTRY_EXT.invalidityDate) problems.push(`unrecognised critical CRL entry extension ${x.oid}`);
        }
      }
      entries.set(entry.serialHex, entry);
    }
  }
  const crl: ParsedCrl = {
    tbs: tbsT!.raw,
    tbsSignatureAlgorithm,
    signatureAlgorithm: parseAlgorithmIdentifier(algT, 'signatureAlgorithm'),
    signature: bitStringBytes(expectTag(sigT, TAG.BIT_STRING, 'signatureValue')).bytes,
    issuer,
    thisUpdate,
    entries,
    isDelta: false,
    onlyUser: false,
    onlyCA: false,
    problems,
  };
  if (nextUpdate) crl.nextUpdate = nextUpdate;
  let hasNumber = false;
  if (f[i]?.tag === 0xa0) {
    const [inner] = childrenOf(f[i++]!);
    for (const x of parseExts(inner!)) {
      switch (x.oid) {
        case CRL_EXT.crlNumber:
          hasNumber = true;
          // §5.2.3: "this extension MUST be marked as non-critical".
          if (x.critical) problems.push('cRLNumber is marked critical (RFC 5280 §5.2.3)');
          break;
        case CRL_EXT.deltaCRLIndicator:
          crl.isDelta = true;
          break;
        case CRL_EXT.authorityKeyIdentifier:
          for (const t of childrenOf(readElement(x.value))) if (t.tag === 0x80) crl.akiKeyId = t.contents;
          break;
        case CRL_EXT.issuingDistributionPoint:
          for (const t of childrenOf(readElement(x.value))) {
            const flag = () => decodeBoolean({ ...t, tag: TAG.BOOLEAN });
            if (t.tag === 0x81) crl.onlyUser = flag();
            else if (t.tag === 0x82) crl.onlyCA = flag();
            else if (t.tag === 0x83) unsupportedScope = 'CRL partitioned by reason (onlySomeReasons)';
            else if (t.tag === 0x84 && flag()) unsupportedScope = 'indirect CRL';
            else if (t.tag === 0x85 && flag()) unsupportedScope = 'attribute-certificate CRL';
          }
          break;
        default:
          if (x.critical && x.oid !== CRL_EXT.issuerAltName) problems.push(`unrecognised critical CRL extension ${x.oid} (RFC 5280 §6.3.3(b))`);
      }
    }
  }
  if (i !== f.length) throw new DerError('TBSCertList: unexpected fields');
  // §5.2.3: "conforming CRL issuers MUST include this extension in all CRLs".
  if (!hasNumber) problems.push('cRLNumber extension missing (RFC 5280 §5.2.3)');
  if (version !== 2) problems.push('CRL is not version 2 (RFC 5280 §5.1.2.1)');
  if (!bytesEqual(crl.tbsSignatureAlgorithm.raw, crl.signatureAlgorithm.raw)) problems.push('CRL signature algorithm fields differ (RFC 5280 §5.1.1.2)');
  if (unsupportedScope) crl.unsupportedScope = unsupportedScope;
  return crl;
}

export type CrlSlot = { ok: true; crl: ParsedCrl } | { ok: false; error: string };

export function parseCrls(crls: x509.X509Crl[]): CrlSlot[] {
  return crls.map((c) => {
    try {
      return { ok: true, crl: parseCrlDer(new Uint8Array(c.rawData)) };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  });
}

export interface RevocationOptions {
  crls: CrlSlot[];
  at: Date;
  require: boolean;
}

export function checkRevocation(path: ParsedCert[], opts: RevocationOptions): { failure?: PathFailure; notes: string[] } {
  const notes: string[] = [];
  const n = path.length;
  const t = floorToSecond(opts.at);
  for (let i = 0; i < n - 1; i++) {
    const c = path[i]!;
    const issuer = path[i + 1]!;
    const who = role(i, n);
    const isCA = !!c.ext.basicConstraints?.cA;
    let current = false;
    for (const slot of opts.crls) {
      if (!slot.ok) continue;
      const crl = slot.crl;
      if (!namesEqual(crl.issuer, c.issuer) || crl.isDelta || crl.unsupportedScope) continue;
      if ((crl.onlyUser && isCA) || (crl.onlyCA && !isCA)) continue;
      const bad = (why: string): { failure: PathFailure; notes: string[] } => ({
        failure: { subIndication: 'CERTIFICATE_CHAIN_GENERAL_FAILURE', detail: `${who}: CRL from ${nameToString(crl.issuer)} is not acceptable: ${why}`, check: 'revocation' },
        notes,
      });
      if (crl.problems.length) return bad(crl.problems[0]!);
      const signer = keyInfo(issuer);
      if (!verifySignatureRaw(crl.signatureAlgorithm, crl.tbs, crl.signature, signer)) return bad("signature does not verify under the issuer's key (RFC 5280 §6.3.3(f)(g))");
      const policy = signaturePolicyProblem(crl.signatureAlgorithm, signer);
      if (policy) return bad(policy);
      // §6.3.3(f): "If a key usage extension is present in the CRL issuer's certificate, verify that the cRLSign bit is set."
      if (issuer.ext.keyUsage && !issuer.ext.keyUsage.has('cRLSign')) return bad('the issuer keyUsage lacks cRLSign (RFC 5280 §6.3.3(f))');
      if (crl.nextUpdate && t > crl.nextUpdate.getTime()) {
        notes.push(`${who}: CRL expired at ${crl.nextUpdate.toISOString()}, not used`);
        continue;
      }
      current = true;
      const entry = crl.entries.get(toHex(c.serial));
      // reasonCode 8 = removeFromCRL (§5.3.1) only appears on delta CRLs; it is not a revocation.
      if (entry && entry.reason !== 8) {
        if (entry.date.getTime() <= t)
          return {
            failure: { subIndication: 'REVOKED', detail: `${who} was revoked at ${entry.date.toISOString()}${entry.reason !== undefined ? ` (reason ${entry.reason})` : ''} (RFC 5280 §6.3.3(i))`, check: 'revocation' },
            notes,
          };
        notes.push(`${who}: revoked at ${entry.date.toISOString()}, after the validation time`);
      }
    }
    if (current) notes.push(`${who}: not revoked`);
    else if (opts.require)
      return { failure: { subIndication: 'TRY_LATER', detail: `${who}: no current CRL from ${nameToString(c.issuer)} (RFC 5280 §6.3)`, check: 'revocation' }, notes };
  }
  return { notes };
}
