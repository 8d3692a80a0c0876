// Real certificates for the path-validation tests: WebCrypto keys, @peculiar/x509 generator,
// no mocked crypto. Extensions the generator has no class for are DER-encoded here.
import { webcrypto } from 'node:crypto';
import { x509 } from '../../src/pki/x509.js';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;

export type KeyKind = 'p256' | 'p384' | 'rsa' | 'rsa-pss' | 'rsa-sha1' | 'ed25519';

export interface Keys {
  kind: KeyKind;
  pair: CryptoKeyPair;
  signingAlgorithm: Algorithm | EcdsaParams | RsaPssParams;
}

export async function genKeys(kind: KeyKind = 'p256'): Promise<Keys> {
  const rsa = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
  switch (kind) {
    case 'p256':
    case 'p384': {
      const curve = kind === 'p256' ? 'P-256' : 'P-384';
      const hash = kind === 'p256' ? 'SHA-256' : 'SHA-384';
      return { kind, pair: (await subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify'])) as CryptoKeyPair, signingAlgorithm: { name: 'ECDSA', hash } as EcdsaParams };
    }
    case 'rsa':
    case 'rsa-sha1': {
      const hash = kind === 'rsa' ? 'SHA-256' : 'SHA-1';
      const pair = (await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', hash, ...rsa }, true, ['sign', 'verify'])) as CryptoKeyPair;
      return { kind, pair, signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash } as Algorithm };
    }
    case 'rsa-pss': {
      const pair = (await subtle.generateKey({ name: 'RSA-PSS', hash: 'SHA-256', ...rsa }, true, ['sign', 'verify'])) as CryptoKeyPair;
      return { kind, pair, signingAlgorithm: { name: 'RSA-PSS', saltLength: 32 } as RsaPssParams };
    }
    case 'ed25519':
      return { kind, pair: (await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair, signingAlgorithm: { name: 'Ed25519' } };
  }
}

// --- minimal DER encoding for hand-made extensions -------------------------------------------
function len(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n >>= 8;
  }
  return [0x80 | out.length, ...out];
}
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const body = Buffer.concat(parts);
  return new Uint8Array([tag, ...len(body.length), ...body]);
}
const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

export type GN = { dns: string } | { email: string } | { ip: number[] } | { dn: string } | { uri: string };
export function generalName(g: GN): Uint8Array {
  if ('dns' in g) return tlv(0x82, ascii(g.dns));
  if ('email' in g) return tlv(0x81, ascii(g.email));
  if ('uri' in g) return tlv(0x86, ascii(g.uri));
  if ('ip' in g) return tlv(0x87, new Uint8Array(g.ip));
  return tlv(0xa4, new Uint8Array(new x509.Name(g.dn).toArrayBuffer()));
}

/** nameConstraints (RFC 5280 §4.2.1.10). */
export function nameConstraints(nc: { permitted?: GN[]; excluded?: GN[] }, critical = true): x509.Extension {
  const subtrees = (list: GN[]) => list.map((g) => tlv(0x30, generalName(g)));
  const parts: Uint8Array[] = [];
  if (nc.permitted) parts.push(tlv(0xa0, ...subtrees(nc.permitted)));
  if (nc.excluded) parts.push(tlv(0xa1, ...subtrees(nc.excluded)));
  return new x509.Extension('2.5.29.30', critical, tlv(0x30, ...parts));
}

export function subjectAltName(names: GN[], critical = false): x509.Extension {
  return new x509.Extension('2.5.29.17', critical, tlv(0x30, ...names.map(generalName)));
}

// --- certificates ------------------------------------------------------------------------------
export interface Node {
  cert: x509.X509Certificate;
  keys: Keys;
  name: string;
}

export interface CertOptions {
  subject: string;
  issuer?: Node;
  keys?: Keys;
  /** cA=TRUE, optionally with a pathLenConstraint. */
  ca?: boolean | { pathLen: number };
  keyUsage?: number;
  eku?: string[];
  san?: GN[];
  extensions?: x509.Extension[];
  notBefore?: Date;
  notAfter?: Date;
  omitAki?: boolean;
  omitSki?: boolean;
  serialNumber?: string;
}

let serial = 0x1000;

export async function makeCert(o: CertOptions): Promise<Node> {
  const keys = o.keys ?? (await genKeys('p256'));
  const signer = o.issuer?.keys ?? keys;
  const exts: x509.Extension[] = [];
  const isCA = !!o.ca;
  if (o.ca !== undefined) exts.push(new x509.BasicConstraintsExtension(isCA, typeof o.ca === 'object' ? o.ca.pathLen : undefined, true));
  const ku = o.keyUsage ?? (isCA ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation);
  if (ku) exts.push(new x509.KeyUsagesExtension(ku, true));
  if (!o.omitSki) exts.push(await x509.SubjectKeyIdentifierExtension.create(keys.pair.publicKey));
  if (!o.omitAki) exts.push(await x509.AuthorityKeyIdentifierExtension.create(signer.pair.publicKey));
  if (o.eku) exts.push(new x509.ExtendedKeyUsageExtension(o.eku, false));
  if (o.san) exts.push(subjectAltName(o.san));
  exts.push(...(o.extensions ?? []));
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: o.serialNumber ?? (serial++).toString(16).padStart(8, '0'),
    subject: o.subject,
    issuer: o.issuer?.name ?? o.subject,
    notBefore: o.notBefore ?? new Date(now - 86_400_000),
    notAfter: o.notAfter ?? new Date(now + 365 * 86_400_000),
    publicKey: keys.pair.publicKey,
    signingKey: signer.pair.privateKey,
    signingAlgorithm: signer.signingAlgorithm,
    extensions: exts,
  });
  return { cert, keys, name: o.subject };
}

export const root = (subject = 'CN=Test Root CA,O=Tongban', extra: Partial<CertOptions> = {}) =>
  makeCert({ subject, ca: true, omitAki: true, ...extra });
export const ca = (subject: string, issuer: Node, extra: Partial<CertOptions> = {}) => makeCert({ subject, issuer, ca: true, ...extra });
export const leaf = (subject: string, issuer: Node, extra: Partial<CertOptions> = {}) => makeCert({ subject, issuer, ...extra });

/** root → ica → leaf, the usual seal hierarchy. */
export async function chain3() {
  const r = await root();
  const i = await ca('CN=Seal Issuing CA,O=Tongban', r);
  const l = await leaf('CN=Example Bureau Seal,O=Example Bureau', i);
  return { root: r, ica: i, leaf: l };
}

/** Replaces bytes in a certificate's DER, for tampering tests. */
export function mutate(c: x509.X509Certificate, f: (der: Uint8Array) => void): x509.X509Certificate {
  const der = new Uint8Array(c.rawData.slice(0));
  f(der);
  return new x509.X509Certificate(der);
}

export function crlNumber(n: number): x509.Extension {
  return new x509.Extension('2.5.29.20', false, tlv(0x02, new Uint8Array([n])));
}

export const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  documentSigning: '1.3.6.1.4.1.311.10.3.12',
  any: '2.5.29.37.0',
};
