// Tongban's own object identifiers. PLACEHOLDER arc: 1.3.6.1.4.1.32473 is the private enterprise
// number IANA reserves for documentation (RFC 5612). A deployment registers its own arc (or uses the
// one the national e-government PKI assigns) and changes only this file and seal-properties.ts.

/** Extended key usage of a region's trust-list signing certificate: only such a key may sign a trust list. */
export const TRUST_LIST_SIGNING_EKU = '1.3.6.1.4.1.32473.1.2';
