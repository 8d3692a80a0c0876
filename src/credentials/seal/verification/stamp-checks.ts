// The checks of a stamp verification, in order (each a small named step; ETSI EN 319 102-1 §5
// building blocks: format checking, identification of the signing certificate, cryptographic
// verification, X.509 certificate validation, revocation).
import { createHash } from 'node:crypto';
import { decodeBase64 } from '../../../crypto/base64.js';
import { certificateFingerprint } from '../../../pki/fingerprint.js';
import { certificateFields, tryCertificateFields, type CertificateFields } from '../../../pki/cms/certificate-fields.js';
import { DerError as CmsFormatError, decodeOctetString, decodeOid, decodeTime } from '../../../pki/der/reader.js';
import { decodeSigningCertificateV2, essCertIdMatches } from '../../../pki/cms/ess.js';
import { DIGEST_BY_OID, OID } from '../../../pki/cms/oids.js';
import { parseSignedData, type ParsedSignedData, type ParsedSignerInfo } from '../../../pki/cms/parse-signed-data.js';
import { parseSignedAttributes, signedAttributesToBeSigned, singleValue, type AttributeMap } from '../../../pki/cms/signed-attributes.js';
import { verifySignerInfoSignature } from '../../../pki/cms/verify-signer-info.js';
import { validatePath } from '../../../pki/path/validate.js';
import { x509 } from '../../../pki/x509.js';
import { failed, passed, type Check } from '../../../verification/pipeline.js';
import type { RevocationSource } from '../seal-crl-publisher.js';
import type { Anchor, AnchorResolution } from './anchors.js';
import { staleFederatedAnchor } from './federated-anchor-fresh.js';
import { PathCache } from './path-cache.js';
import { checkLeafRevocation } from './revocation-check.js';

/** A stamp larger than this is not a seal signature (a chain of a few certificates is a few KB). */
export const MAX_SIGNATURE_BYTES = 64 * 1024;

export interface StampState {
  document?: Uint8Array;
  /** SHA-256 of the document, when the caller sends the digest instead of the document. */
  documentSha256?: Uint8Array;
  signature: Uint8Array | string;
  anchors: AnchorResolution;
  now: Date;
  revocation: RevocationSource;
  pathCache: PathCache;
  signedData?: ParsedSignedData;
  signerInfo?: ParsedSignerInfo;
  attributes?: AttributeMap;
  signingTime?: Date;
  signer?: CertificateFields;
  path?: x509.X509Certificate[];
  anchor?: Anchor;
}

function decodeSignature(signature: Uint8Array | string): Uint8Array | null {
  return typeof signature === 'string' ? decodeBase64(signature) : signature;
}

const formatFailure = (error: unknown) =>
  failed('FORMAT_FAILURE', error instanceof CmsFormatError ? error.message : `unreadable: ${error instanceof Error ? error.message : String(error)}`);

export const formatCheck: Check<StampState> = {
  name: 'format',
  run(state) {
    if (!state.document && !state.documentSha256) return failed('SIGNED_DATA_NOT_FOUND', 'neither the document nor its digest was given');
    if (!state.anchors.ok) return failed('FORMAT_FAILURE', state.anchors.detail);
    const der = decodeSignature(state.signature);
    if (!der || der.length === 0) return failed('FORMAT_FAILURE', 'the signature is not base64');
    if (der.length > MAX_SIGNATURE_BYTES) return failed('FORMAT_FAILURE', `the signature exceeds ${MAX_SIGNATURE_BYTES} bytes`);
    let signedData: ParsedSignedData;
    try {
      signedData = parseSignedData(der);
    } catch (error) {
      return formatFailure(error);
    }
    if (signedData.signerInfos.length !== 1) return failed('FORMAT_FAILURE', `a stamp has exactly one SignerInfo, this has ${signedData.signerInfos.length}`);
    if (signedData.eContent !== undefined) return failed('FORMAT_FAILURE', 'the signature encapsulates its content; a stamp is detached');
    if (signedData.eContentType !== OID.data) return failed('FORMAT_FAILURE', `eContentType ${signedData.eContentType} is not id-data`);
    const signerInfo = signedData.signerInfos[0]!;
    if (!signerInfo.signedAttributes) return failed('FORMAT_FAILURE', 'the SignerInfo has no signed attributes (CAdES requires them)');
    state.signedData = signedData;
    state.signerInfo = signerInfo;
    return passed('detached CMS SignedData with one SignerInfo');
  },
};

export const signedAttributesCheck: Check<StampState> = {
  name: 'signed-attributes',
  run(state) {
    const info = state.signerInfo!;
    try {
      const attributes = parseSignedAttributes(info.signedAttributes!);
      // RFC 5652 §11.1: content-type MUST be present and match eContentType; §11.2 message-digest
      // MUST be present; EN 319 122-1 §5.2.1 (baseline B) requires signing-time.
      const contentType = singleValue(attributes, OID.contentType, 'content-type');
      if (!contentType) return failed('FORMAT_FAILURE', 'the content-type signed attribute is missing');
      if (decodeOid(contentType, 'content-type') !== state.signedData!.eContentType) return failed('FORMAT_FAILURE', 'content-type does not match eContentType');
      const digest = singleValue(attributes, OID.messageDigest, 'message-digest');
      if (!digest) return failed('FORMAT_FAILURE', 'the message-digest signed attribute is missing');
      decodeOctetString(digest, 'message-digest');
      const signingTime = singleValue(attributes, OID.signingTime, 'signing-time');
      if (!signingTime) return failed('FORMAT_FAILURE', 'the signing-time signed attribute is missing');
      state.signingTime = decodeTime(signingTime, 'signing-time');
      state.attributes = attributes;
      return passed(`signing time ${state.signingTime.toISOString()}`);
    } catch (error) {
      return formatFailure(error);
    }
  },
};

export const signingCertificateCheck: Check<StampState> = {
  name: 'signing-certificate',
  run(state) {
    const info = state.signerInfo!;
    const candidates = state.signedData!.certificates.map(tryCertificateFields).filter((c): c is CertificateFields => !!c);
    const sid = info.sid;
    const signer = candidates.find((c) =>
      sid.kind === 'issuerAndSerialNumber'
        ? Buffer.from(c.issuer).equals(Buffer.from(sid.issuer)) && Buffer.from(c.serialElement).equals(Buffer.from(sid.serialElement))
        : !!c.subjectKeyIdentifier && Buffer.from(c.subjectKeyIdentifier).equals(Buffer.from(sid.keyIdentifier)),
    );
    if (!signer) return failed('NO_SIGNING_CERTIFICATE_FOUND', 'the signature does not carry the certificate its SignerInfo names');
    // RFC 5035 §3 / EN 319 122-1 §5.2.2.3: signing-certificate-v2 binds the signature to this certificate.
    let values;
    try {
      values = state.attributes!.get(OID.signingCertificateV2);
      if (!values) {
        const v1 = state.attributes!.has(OID.signingCertificate) ? ' (only the SHA-1 signing-certificate v1 is present)' : '';
        return failed('NO_SIGNING_CERTIFICATE_FOUND', `the signing-certificate-v2 signed attribute is missing${v1}`);
      }
      if (values.length !== 1) return failed('FORMAT_FAILURE', 'signing-certificate-v2 must have one value');
      const [first] = decodeSigningCertificateV2(values[0]!.raw);
      if (!essCertIdMatches(first!, signer.der, signer)) return failed('NO_SIGNING_CERTIFICATE_FOUND', 'signing-certificate-v2 names a different certificate than the signer');
    } catch (error) {
      return formatFailure(error);
    }
    state.signer = signer;
    return passed('signing-certificate-v2 matches the signer certificate');
  },
};

export const hashCheck: Check<StampState> = {
  name: 'hash',
  run(state) {
    const info = state.signerInfo!;
    const algorithm = DIGEST_BY_OID[info.digestAlgorithm];
    if (!algorithm) return failed('CRYPTO_CONSTRAINTS_FAILURE', `digest algorithm ${info.digestAlgorithm} is not accepted`);
    const expected = decodeOctetString(singleValue(state.attributes!, OID.messageDigest, 'message-digest'), 'message-digest');
    let actual: Buffer;
    if (state.document) actual = createHash(algorithm).update(state.document).digest();
    else if (algorithm === 'sha256') actual = Buffer.from(state.documentSha256!);
    else return failed('GENERIC', `the stamp uses ${algorithm}; send the document rather than its SHA-256 digest`);
    if (!actual.equals(Buffer.from(expected))) return failed('HASH_FAILURE', 'the document does not match the message-digest of the stamp');
    return passed(`${algorithm} of the document matches`);
  },
};

export const signatureCheck: Check<StampState> = {
  name: 'signature',
  run(state) {
    const info = state.signerInfo!;
    const result = verifySignerInfoSignature({
      digestAlgorithm: info.digestAlgorithm,
      signatureAlgorithm: info.signatureAlgorithm,
      spki: state.signer!.spki,
      signed: signedAttributesToBeSigned(info.signedAttributes!),
      signature: info.signature,
    });
    if (result.ok) return passed();
    return failed(result.reason === 'signature' ? 'SIG_CRYPTO_FAILURE' : 'CRYPTO_CONSTRAINTS_FAILURE', result.detail);
  },
};

/**
 * Shell model at one validation time (see docs/seals.md): every certificate of the path must be
 * valid at the signing time the stamp claims, bounded by now so a stamp dated in the future is
 * judged as of now.
 */
export const certificatePathCheck: Check<StampState> = {
  name: 'certificate-path',
  async run(state) {
    if (!state.anchors.ok) return failed('NO_CERTIFICATE_CHAIN_FOUND', 'no trust anchors');
    const set = state.anchors.set;
    if (set.anchors.length === 0) return failed('NO_CERTIFICATE_CHAIN_FOUND', 'no seal CA is trusted');
    const at = state.signingTime! < state.now ? state.signingTime! : state.now;
    const signerDer = state.signer!.der;
    const others = state.signedData!.certificates.filter((c) => c !== signerDer);
    const verdict = await validateWithCache([signerDer, ...others], set.key, set.anchors, at, state.pathCache);
    if (!verdict.ok) return failed(verdict.subIndication, verdict.detail);
    state.path = verdict.path;
    const anchorFingerprint = certificateFingerprint(verdict.path[verdict.path.length - 1]!.rawData);
    state.anchor = set.anchors.find((a) => a.fingerprint === anchorFingerprint);
    const stale = staleFederatedAnchor(state.anchor?.issuer, state.now);
    if (stale) return stale;
    return passed(verdict.detail);
  },
};

export const revocationCheck: Check<StampState> = {
  name: 'revocation',
  async run(state) {
    await state.revocation.prepare?.(state.path!, state.now);
    return checkLeafRevocation(state.path!, state.signingTime!, state.now, state.revocation);
  },
};

export const STAMP_CHECKS: readonly Check<StampState>[] = [formatCheck, signedAttributesCheck, signingCertificateCheck, hashCheck, signatureCheck, certificatePathCheck, revocationCheck];

export type PathVerdict = { ok: true; path: x509.X509Certificate[]; detail: string } | { ok: false; subIndication: import('../../../verification/report.js').SubIndication; detail: string };

/** validatePath behind the path cache: a hit skips building and every certificate signature check. */
export async function validateWithCache(
  certificates: readonly Uint8Array[],
  anchorKey: string,
  anchors: readonly Anchor[],
  at: Date,
  cache: PathCache,
  purpose: 'seal' | 'any' = 'seal',
): Promise<PathVerdict> {
  const key = PathCache.key(certificates, anchorKey, purpose);
  const cached = cache.get(key, at);
  if (cached) return { ok: true, path: cached.path, detail: `path of ${cached.path.length} certificates (validated earlier)` };
  let leaf: x509.X509Certificate;
  const intermediates: x509.X509Certificate[] = [];
  try {
    leaf = new x509.X509Certificate(new Uint8Array(certificates[0]!));
    certificateFields(certificates[0]!);
  } catch {
    return { ok: false, subIndication: 'FORMAT_FAILURE', detail: 'the certificate cannot be parsed' };
  }
  for (const der of certificates.slice(1)) {
    try {
      intermediates.push(new x509.X509Certificate(new Uint8Array(der)));
    } catch {
      // Junk among the intermediates is ignored; only a path to an anchor counts.
    }
  }
  const result = await validatePath({ leaf, intermediates, trustAnchors: anchors.map((a) => a.certificate), at, purpose });
  if (!result.valid || !result.path) return { ok: false, subIndication: result.subIndication ?? 'CERTIFICATE_CHAIN_GENERAL_FAILURE', detail: result.detail };
  cache.put(key, result.path);
  return { ok: true, path: result.path, detail: result.detail };
}
