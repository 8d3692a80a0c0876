// Certificate extensions the validator knows (RFC 5280 §4.2), their decoders, and the profile
// rules on criticality. Decoding is strict: a value that does not match the ASN.1 of §4.2 (or
// violates a SIZE (1..MAX)) is a format error, not "absent".
import {
  DerError,
  TAG,
  type Tlv,
  bitStringBytes,
  childrenOf,
  decodeBoolean,
  decodeOid,
  decodeSmallInt,
  integerBytes,
  readElement,
} from '../der/reader.js';
import { type GeneralName, parseGeneralName, parseGeneralNames } from './names.js';

export const OID = {
  subjectDirectoryAttributes: '2.5.29.9',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  freshestCRL: '2.5.29.46',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
  ctPrecertPoison: '1.3.6.1.4.1.11129.2.4.3',
  ctSctList: '1.3.6.1.4.1.11129.2.4.2',
  anyPolicy: '2.5.29.32.0',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

/**
 * Extensions this validator processes and therefore may accept when marked critical
 * (RFC 5280 §4.2: "A certificate-using system MUST reject the certificate if it encounters a
 * critical extension it does not recognize"). Everything else is accepted only when non-critical.
 */
export const PROCESSED_WHEN_CRITICAL: ReadonlySet<string> = new Set([
  OID.keyUsage,
  OID.subjectAltName,
  OID.basicConstraints,
  OID.nameConstraints,
  OID.certificatePolicies,
  OID.policyMappings,
  OID.policyConstraints,
  OID.extKeyUsage,
  OID.inhibitAnyPolicy,
]);

/** Extensions RFC 5280 requires to be non-critical (MUST). */
export const MUST_BE_NONCRITICAL: Readonly<Record<string, string>> = {
  [OID.authorityKeyIdentifier]: 'RFC 5280 §4.2.1.1',
  [OID.subjectKeyIdentifier]: 'RFC 5280 §4.2.1.2',
  [OID.authorityInfoAccess]: 'RFC 5280 §4.2.2.1',
  [OID.subjectInfoAccess]: 'RFC 5280 §4.2.2.2',
  [OID.freshestCRL]: 'RFC 5280 §4.2.1.15',
  [OID.subjectDirectoryAttributes]: 'RFC 5280 §4.2.1.8',
};

/** Extensions RFC 5280 requires to be critical (MUST) wherever they appear. */
export const MUST_BE_CRITICAL: Readonly<Record<string, string>> = {
  [OID.nameConstraints]: 'RFC 5280 §4.2.1.10',
  [OID.policyConstraints]: 'RFC 5280 §4.2.1.11',
  [OID.inhibitAnyPolicy]: 'RFC 5280 §4.2.1.14',
};

export interface RawExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

export interface BasicConstraints {
  cA: boolean;
  pathLen?: number;
}

export const KU = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;
export type KeyUsageBit = keyof typeof KU;

export interface AuthorityKeyIdentifier {
  keyIdentifier?: Uint8Array;
  authorityCertIssuer?: GeneralName[];
  authorityCertSerialNumber?: Uint8Array;
}

export interface GeneralSubtrees {
  permitted?: GeneralName[];
  excluded?: GeneralName[];
}

export interface PolicyConstraints {
  requireExplicitPolicy?: number;
  inhibitPolicyMapping?: number;
}

export interface DecodedExtensions {
  basicConstraints?: BasicConstraints;
  keyUsage?: Set<KeyUsageBit>;
  extKeyUsage?: string[];
  subjectKeyIdentifier?: Uint8Array;
  authorityKeyIdentifier?: AuthorityKeyIdentifier;
  subjectAltName?: GeneralName[];
  nameConstraints?: GeneralSubtrees;
  certificatePolicies?: string[];
  policyMappings?: Array<[issuerDomain: string, subjectDomain: string]>;
  policyConstraints?: PolicyConstraints;
  inhibitAnyPolicy?: number;
}

function decodeBasicConstraints(v: Uint8Array): BasicConstraints {
  const items = childrenOf(readElement(v));
  const out: BasicConstraints = { cA: false };
  let i = 0;
  if (items[i]?.tag === TAG.BOOLEAN) out.cA = decodeBoolean(items[i++]!);
  if (items[i]?.tag === TAG.INTEGER) out.pathLen = decodeSmallInt(items[i++]!);
  if (i !== items.length) throw new DerError('basicConstraints: unexpected content');
  return out;
}

function decodeKeyUsage(v: Uint8Array): Set<KeyUsageBit> {
  const { bytes } = bitStringBytes(readElement(v));
  const out = new Set<KeyUsageBit>();
  for (const [name, bit] of Object.entries(KU) as Array<[KeyUsageBit, number]>) {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && byte & (0x80 >> (bit & 7))) out.add(name);
  }
  // RFC 5280 §4.2.1.3: "When the keyUsage extension appears in a certificate, at least one of the
  // bits MUST be set to 1."
  if (out.size === 0) throw new DerError('keyUsage has no bits set');
  return out;
}

function decodeOidSequence(v: Uint8Array, what: string): string[] {
  const items = childrenOf(readElement(v));
  if (items.length === 0) throw new DerError(`${what} must contain at least one OID`);
  return items.map((t) => decodeOid(t, what));
}

function decodeAki(v: Uint8Array): AuthorityKeyIdentifier {
  const out: AuthorityKeyIdentifier = {};
  for (const t of childrenOf(readElement(v))) {
    if (t.tag === 0x80) out.keyIdentifier = t.contents;
    else if (t.tag === 0xa1) out.authorityCertIssuer = childrenOf(t).map(parseGeneralName);
    else if (t.tag === 0x82) out.authorityCertSerialNumber = integerBytes({ ...t, tag: TAG.INTEGER });
    else throw new DerError('authorityKeyIdentifier: unexpected field');
  }
  return out;
}

function decodeSubtrees(t: Tlv): GeneralName[] {
  const out: GeneralName[] = [];
  for (const st of childrenOf(t)) {
    const [base, ...rest] = childrenOf(st);
    if (!base) throw new DerError('GeneralSubtree without base');
    // RFC 5280 §4.2.1.10: "the minimum MUST be zero, and maximum MUST be absent".
    for (const r of rest) {
      if (r.tag === 0x80 && r.contents.length === 1 && r.contents[0] === 0) continue;
      throw new DerError('GeneralSubtree minimum/maximum are not allowed');
    }
    out.push(parseGeneralName(base));
  }
  if (out.length === 0) throw new DerError('GeneralSubtrees must not be empty');
  return out;
}

function decodeNameConstraints(v: Uint8Array): GeneralSubtrees {
  const out: GeneralSubtrees = {};
  for (const t of childrenOf(readElement(v))) {
    if (t.tag === 0xa0 && !out.permitted) out.permitted = decodeSubtrees(t);
    else if (t.tag === 0xa1 && !out.excluded) out.excluded = decodeSubtrees(t);
    else throw new DerError('nameConstraints: unexpected field');
  }
  // RFC 5280 §4.2.1.10: "either the permittedSubtrees field or the excludedSubtrees MUST be present".
  if (!out.permitted && !out.excluded) throw new DerError('nameConstraints is an empty sequence');
  return out;
}

function decodePolicies(v: Uint8Array): string[] {
  const items = childrenOf(readElement(v));
  if (items.length === 0) throw new DerError('certificatePolicies must not be empty');
  const oids = items.map((pi) => {
    const [id] = childrenOf(pi);
    if (!id) throw new DerError('PolicyInformation without identifier');
    return decodeOid(id);
  });
  // §4.2.1.4: "A certificate policy OID MUST NOT appear more than once".
  if (new Set(oids).size !== oids.length) throw new DerError('duplicate certificate policy OID');
  return oids;
}

function decodePolicyMappings(v: Uint8Array): Array<[string, string]> {
  const items = childrenOf(readElement(v));
  if (items.length === 0) throw new DerError('policyMappings must not be empty');
  return items.map((m) => {
    const [a, b, extra] = childrenOf(m);
    if (!a || !b || extra) throw new DerError('bad PolicyMapping');
    return [decodeOid(a), decodeOid(b)];
  });
}

function decodePolicyConstraints(v: Uint8Array): PolicyConstraints {
  const out: PolicyConstraints = {};
  for (const t of childrenOf(readElement(v))) {
    const n = decodeSmallInt({ ...t, tag: TAG.INTEGER });
    if (t.tag === 0x80) out.requireExplicitPolicy = n;
    else if (t.tag === 0x81) out.inhibitPolicyMapping = n;
    else throw new DerError('policyConstraints: unexpected field');
  }
  // §4.2.1.11: "Conforming CAs MUST NOT issue certificates where policy constraints is an empty sequence."
  if (out.requireExplicitPolicy === undefined && out.inhibitPolicyMapping === undefined)
    throw new DerError('policyConstraints is an empty sequence');
  return out;
}

function checkAccessDescriptions(v: Uint8Array, what: string): void {
  // AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription (§4.2.2.1)
  const items = childrenOf(readElement(v));
  if (items.length === 0) throw new DerError(`${what} must contain at least one AccessDescription`);
  for (const ad of items) {
    const [method, location, extra] = childrenOf(ad);
    if (!method || !location || extra) throw new DerError(`${what}: bad AccessDescription`);
    decodeOid(method);
    parseGeneralName(location);
  }
}

/**
 * Decodes every known extension. Returns the decoded values and a list of problems (duplicates,
 * undecodable values); unknown extensions are left for the criticality check.
 */
export function decodeExtensions(exts: RawExtension[]): { decoded: DecodedExtensions; errors: string[] } {
  const decoded: DecodedExtensions = {};
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const e of exts) {
    // §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    if (seen.has(e.oid)) errors.push(`duplicate extension ${e.oid} (RFC 5280 §4.2)`);
    seen.add(e.oid);
    try {
      switch (e.oid) {
        case OID.basicConstraints:
          decoded.basicConstraints = decodeBasicConstraints(e.value);
          break;
        case OID.keyUsage:
          decoded.keyUsage = decodeKeyUsage(e.value);
          break;
        case OID.extKeyUsage:
          decoded.extKeyUsage = decodeOidSequence(e.value, 'extKeyUsage');
          break;
        case OID.subjectKeyIdentifier: {
          const t = readElement(e.value);
          if (t.tag !== TAG.OCTET_STRING) throw new DerError('subjectKeyIdentifier: expected OCTET STRING');
          decoded.subjectKeyIdentifier = t.contents;
          break;
        }
        case OID.authorityKeyIdentifier:
          decoded.authorityKeyIdentifier = decodeAki(e.value);
          break;
        case OID.subjectAltName:
          decoded.subjectAltName = parseGeneralNames(e.value);
          break;
        case OID.issuerAltName:
          parseGeneralNames(e.value);
          break;
        case OID.nameConstraints:
          decoded.nameConstraints = decodeNameConstraints(e.value);
          break;
        case OID.certificatePolicies:
          decoded.certificatePolicies = decodePolicies(e.value);
          break;
        case OID.policyMappings:
          decoded.policyMappings = decodePolicyMappings(e.value);
          break;
        case OID.policyConstraints:
          decoded.policyConstraints = decodePolicyConstraints(e.value);
          break;
        case OID.inhibitAnyPolicy:
          decoded.inhibitAnyPolicy = decodeSmallInt(readElement(e.value));
          break;
        case OID.authorityInfoAccess:
          checkAccessDescriptions(e.value, 'authorityInfoAccess');
          break;
        case OID.subjectInfoAccess:
          checkAccessDescriptions(e.value, 'subjectInfoAccess');
          break;
        default:
          break;
      }
    } catch (err) {
      errors.push(`extension ${e.oid} is malformed: ${(err as Error).message}`);
    }
  }
  return { decoded, errors };
}

/** RFC 5280 §4.2 criticality rules: unknown critical extensions and MUST-(non-)critical violations. */
export function criticalityProblems(exts: RawExtension[]): string[] {
  const out: string[] = [];
  for (const e of exts) {
    if (e.critical && !PROCESSED_WHEN_CRITICAL.has(e.oid))
      out.push(
        e.oid in MUST_BE_NONCRITICAL
          ? `extension ${e.oid} must be non-critical (${MUST_BE_NONCRITICAL[e.oid]})`
          : `unrecognised critical extension ${e.oid} (RFC 5280 §4.2, §6.1.4(o))`,
      );
    if (!e.critical && e.oid in MUST_BE_CRITICAL)
      out.push(`extension ${e.oid} must be critical (${MUST_BE_CRITICAL[e.oid]})`);
  }
  return out;
}
