// Builds a detached CMS SignedData (RFC 5652 §5) carrying a CAdES baseline B signature
// (ETSI EN 319 122-1). The builder takes a digest, not the content, so document stamps, stamps of a
// caller-supplied digest and (next) PAdES signatures over a PDF byte range all share it.
import type { Signer } from '../../crypto/signer.js';
import { certificateFields } from './certificate-fields.js';
import {
  algorithmIdentifier,
  concat,
  explicit,
  implicitConstructed,
  integer,
  octetString,
  oid,
  sequence,
  setOf,
  type Bytes,
} from '../der/writer.js';
import { DIGEST_LENGTH, OID, type DigestName } from './oids.js';
import { encodeSignedAttributes } from './signed-attributes.js';

export interface DetachedSignatureInput {
  /** Digest of the content, computed with `digestAlgorithm`. */
  digest: Uint8Array;
  digestAlgorithm: DigestName;
  signer: Signer;
  /** Certificates to include, signing certificate first (then its CA certificates). */
  certificates: readonly Uint8Array[];
  signingTime: Date;
  /** eContentType; id-data for documents. PAdES also uses id-data (ETSI EN 319 142-1 §5.1). */
  contentType?: string;
}

const SIGNATURE_ALGORITHM: Record<Signer['alg'], { oid: string; digest: DigestName } | undefined> = {
  ES256: { oid: OID.ecdsaWithSha256, digest: 'sha256' },
  ES384: { oid: OID.ecdsaWithSha384, digest: 'sha384' },
  EdDSA: undefined,
};

const DIGEST_OID: Record<DigestName, string> = { sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 };

/** The DER of a ContentInfo wrapping a detached SignedData with one SignerInfo. */
export async function buildDetachedSignedData(input: DetachedSignatureInput): Promise<Uint8Array> {
  const algorithm = SIGNATURE_ALGORITHM[input.signer.alg];
  if (!algorithm) throw new Error(`signer algorithm ${input.signer.alg} cannot sign CMS stamps`);
  // One digest algorithm for the content and the signed attributes (RFC 5652 §5.4), matched to the
  // key size as ETSI TS 119 312 pairs them.
  if (input.digestAlgorithm !== algorithm.digest) throw new Error(`a ${input.signer.alg} key signs with ${algorithm.digest}, not ${input.digestAlgorithm}`);
  if (input.digest.length !== DIGEST_LENGTH[input.digestAlgorithm]) throw new Error('digest has the wrong length');
  const [signingCertificate] = input.certificates;
  if (!signingCertificate) throw new Error('the signing certificate is required');
  const signerCert = certificateFields(signingCertificate);

  const contentType = input.contentType ?? OID.data;
  const signedAttributes = encodeSignedAttributes({
    contentType,
    digest: input.digest,
    signingTime: input.signingTime,
    signingCertificate,
  });
  const signature = await input.signer.sign(signedAttributes, 'der');

  const digestAlgorithm = algorithmIdentifier(DIGEST_OID[input.digestAlgorithm]);
  // RFC 5652 §5.3: version 1 with issuerAndSerialNumber as the signer identifier.
  const signerInfo = sequence(
    integer(1),
    sequence(signerCert.issuer, signerCert.serialElement),
    digestAlgorithm,
    implicitConstructed(0, signedAttributes.subarray(headerLength(signedAttributes))),
    algorithmIdentifier(algorithm.oid),
    octetString(signature),
  );
  // RFC 5652 §5.1: version 1 (id-data content, v1 SignerInfo, no attribute certificates). No
  // eContent: the signature is detached (§5.2).
  const signedData = sequence(
    integer(1),
    setOf([digestAlgorithm]),
    sequence(oid(contentType)),
    implicitConstructed(0, concat(input.certificates)),
    setOf([signerInfo]),
  );
  return sequence(oid(OID.signedData), explicit(0, signedData));
}

function headerLength(encoded: Uint8Array): number {
  const first = encoded[1]!;
  return first & 0x80 ? 2 + (first & 0x7f) : 2;
}
