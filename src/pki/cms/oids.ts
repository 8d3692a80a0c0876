// Object identifiers used by the CMS layer, with the document that assigns each.
export const OID = {
  // RFC 5652 §4, §5
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  // RFC 5652 §11
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  // RFC 5035 §3 (ESS signing-certificate-v2) and RFC 2634 §5.4 (v1, SHA-1)
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  // RFC 5754 §2
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // RFC 5758 §3.2, RFC 5480 §2.1.1
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  ecPublicKey: '1.2.840.10045.2.1',
  // RFC 3279 §2.2.1 / RFC 4055 §5
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
} as const;

export type DigestName = 'sha256' | 'sha384' | 'sha512';

/** Digest algorithms accepted in a stamp (SHA-1 and MD5 are refused: ETSI TS 119 312). */
export const DIGEST_BY_OID: Readonly<Record<string, DigestName>> = {
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

export const DIGEST_LENGTH: Readonly<Record<DigestName, number>> = { sha256: 32, sha384: 48, sha512: 64 };
