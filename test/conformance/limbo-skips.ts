// x509-limbo cases the seal-certificate validator does not claim, each with its reason.
// Everything not listed here must match expected_result. Tongban validates seal certificates, not
// TLS servers: it never matches a peer name, so a case whose expected FAILURE comes only from the
// peer-name check (or from a CABF TLS-only profile rule) cannot be meaningfully run.

export interface LimboCaseMeta {
  id: string;
  features?: string[] | null;
}

const PEER_NAME = 'TLS server-name matching (expected_peer_name); a seal validator matches no peer name';
const CN_SAN = 'CABF BR 7.1.4.3 TLS rule on subject CN vs SAN dNSName/iPAddress; about server identity, not the path';

/** Skipped by id, each with a one-line justification. */
export const SKIP_BY_ID: Readonly<Record<string, string>> = {
  // Peer-name matching only: the chain itself is valid.
  'rfc5280::ca-as-leaf-wrong-san': PEER_NAME,
  'webpki::san::mismatch-domain-san': PEER_NAME,
  'webpki::san::mismatch-subdomain-san': PEER_NAME,
  'webpki::san::mismatch-subdomain-apex-san': PEER_NAME,
  'webpki::san::mismatch-apex-subdomain-san': PEER_NAME,
  'webpki::san::wildcard-match-across-labels-san': PEER_NAME,
  'webpki::san::public-suffix-multi-label-wildcard-san': `${PEER_NAME}; also needs the Public Suffix List`,
  'webpki::san::public-suffix-private-namespace-wildcard-san': `${PEER_NAME}; also needs the Public Suffix List`,
  'webpki::san::no-san': 'CABF requires a SAN for TLS server identity; seal certificates identify the holder in the subject DN',
  'webpki::cn::ipv4-hex-mismatch': CN_SAN,
  'webpki::cn::ipv4-leading-zeros-mismatch': CN_SAN,
  'webpki::cn::ipv6-uppercase-mismatch': CN_SAN,
  'webpki::cn::ipv6-uncompressed-mismatch': CN_SAN,
  'webpki::cn::ipv6-non-rfc5952-mismatch': CN_SAN,
  'webpki::cn::punycode-not-in-san': CN_SAN,
  'webpki::cn::utf8-vs-punycode-mismatch': CN_SAN,
  'webpki::cn::not-in-san': CN_SAN,
  'webpki::cn::case-mismatch': CN_SAN,
  // CABF TLS-subscriber profile rules that RFC 5280 permits and seal PKIs use.
  'webpki::eku::ee-anyeku': 'CABF 7.1.2.7.10 (TLS subscriber); RFC 5280 §4.2.1.12 allows anyExtendedKeyUsage next to specific purposes',
  'webpki::eku::ee-critical-eku': 'CABF 7.1.2.7.6 (TLS subscriber); RFC 5280 §4.2.1.12 allows a critical EKU, document-signing profiles use one',
  'webpki::eku::root-has-eku': 'CABF 7.1.2.1.2 (TLS root profile); RFC 5280 does not forbid EKU in CA certificates',
  'webpki::san::san-critical-with-nonempty-subject': 'CABF 7.1.2.7.12 (TLS subscriber); RFC 5280 §4.2.1.6 only says SHOULD be non-critical',
  // Conflicting pairs: the RFC 5280 variant is run, the webpki variant is skipped.
  'webpki::eku::ee-without-eku': 'conflicts with rfc5280::eku::ee-without-eku; RFC 5280 §4.2.1.12 makes EKU optional',
  'webpki::nc::permitted-dns-match-noncritical': 'conflicts with rfc5280::nc::permitted-dns-match-noncritical; RFC 5280 §4.2.1.10 says MUST be critical',
  'webpki::ca-as-leaf': 'conflicts with rfc5280::ca-as-leaf; RFC 5280 allows a CA certificate in leaf position',
  // Pedantic case that contradicts a required one.
  'rfc5280::aki::cross-signed-root-missing-aki':
    'pedantic-rfc5280; its trust anchor has the same shape (cross-signed, no AKI) as cve::cve-2024-0567, which must succeed (§6.1.1(d) uses only the anchor name and key)',
};

export function skipReason(c: LimboCaseMeta): string | undefined {
  return SKIP_BY_ID[c.id];
}
