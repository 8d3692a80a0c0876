import { RevocationList } from '../../../pki/crl.js';
import { x509 } from '../../../pki/x509.js';
import { boundedFetch, type FetchLimits } from '../../../trust/federation/bounded-fetch.js';
import type { TrustMaterial } from '../../../trust/trust-material.js';
import type { RevocationSource } from '../seal-crl-publisher.js';
import { certificateFingerprint } from '../../../pki/fingerprint.js';

const CRL_LIMITS: FetchLimits = { timeoutMs: 5_000, maxBytes: 8 * 1024 * 1024, maxRedirects: 3 };
/** The most one prepare() may spend fetching, over all distribution points (a verification waits on it). */
const PREPARE_BUDGET_MS = 5_000;
/** After a failed fetch, do not hammer the partner: the stamp stays TRY_LATER until this passes. */
const RETRY_AFTER_MS = 60_000;
const MAX_CAS = 1024;

/**
 * CRLs of other regions' seal CAs, fetched from the seal certificate's CRL distribution point when a
 * stamp under that CA is first verified, believed only when signed by the CA in the validated path,
 * and held until their nextUpdate. The lookup itself stays synchronous and in memory.
 */
export class RemoteCrlCache implements RevocationSource {
  readonly #lists = new Map<string, RevocationList>();
  readonly #failedAt = new Map<string, number>();
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #mayFetch: (anchor: x509.X509Certificate) => boolean;
  readonly #budgetMs: number;

  /**
   * @param mayFetch whether a path ending at `anchor` may cause a fetch. Only anchors the federation
   * vouches for: a caller-supplied anchor must never make this node fetch a URL of the caller's
   * choosing (server-side request forgery through the CRL distribution point).
   * @param options.budgetMs the overall deadline of one fetch round over all distribution points.
   */
  constructor(mayFetch: (anchor: x509.X509Certificate) => boolean, options: { budgetMs?: number } = {}) {
    this.#mayFetch = mayFetch;
    this.#budgetMs = options.budgetMs ?? PREPARE_BUDGET_MS;
  }

  revocationListFor(issuerFingerprint: string): RevocationList | undefined {
    return this.#lists.get(issuerFingerprint);
  }

  async prepare(path: readonly x509.X509Certificate[], now: Date): Promise<void> {
    const [leaf, issuer] = path;
    if (!leaf || !issuer) return;
    const key = certificateFingerprint(issuer.rawData);
    const held = this.#lists.get(key);
    if (held?.nextUpdate && held.nextUpdate > now) return;
    if (now.getTime() - (this.#failedAt.get(key) ?? -Infinity) < RETRY_AFTER_MS) return;
    const anchor = path[path.length - 1]!;
    if (!this.#mayFetch(anchor)) return;
    const urls = crlUrls(leaf);
    if (urls.length === 0) return;
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = this.#fetch(key, urls, issuer, now).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    await pending;
  }

  async #fetch(key: string, urls: string[], issuer: x509.X509Certificate, now: Date): Promise<void> {
    // One deadline for the whole round, not one per URL: four slow partners must not hold a
    // verification for four fetch timeouts. What is left of the budget bounds each next fetch.
    const deadline = Date.now() + this.#budgetMs;
    for (const url of urls) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const limits = { ...CRL_LIMITS, timeoutMs: Math.min(CRL_LIMITS.timeoutMs, remaining) };
      const outcome = await boundedFetch(url, { accept: 'application/pkix-crl', limits, binary: true });
      if (!outcome.ok || outcome.status !== 200) continue;
      const list = await RevocationList.load(outcome.bytes, new Uint8Array(issuer.rawData));
      // A CRL from the wrong CA, or one already past its nextUpdate, is no revocation information.
      if (list?.nextUpdate && list.nextUpdate > now) {
        if (!this.#lists.has(key) && this.#lists.size >= MAX_CAS) this.#lists.delete(this.#lists.keys().next().value!);
        this.#lists.set(key, list);
        this.#failedAt.delete(key);
        return;
      }
    }
    if (this.#failedAt.size >= MAX_CAS) this.#failedAt.delete(this.#failedAt.keys().next().value!);
    this.#failedAt.set(key, now.getTime());
  }
}

function crlUrls(certificate: x509.X509Certificate): string[] {
  const extension = certificate.getExtension(x509.CRLDistributionPointsExtension);
  if (!extension) return [];
  const urls: string[] = [];
  for (const point of extension.distributionPoints) {
    for (const name of point.distributionPoint?.fullName ?? []) {
      if (name.uniformResourceIdentifier) urls.push(name.uniformResourceIdentifier);
    }
  }
  return urls.slice(0, 4);
}

/** Several revocation sources, asked in order: this node's own seal CA first, then remote CRLs. */
export class RevocationSources implements RevocationSource {
  readonly #sources: RevocationSource[];

  constructor(...sources: RevocationSource[]) {
    this.#sources = sources;
  }

  revocationListFor(issuerFingerprint: string): RevocationList | undefined {
    for (const source of this.#sources) {
      const list = source.revocationListFor(issuerFingerprint);
      if (list) return list;
    }
    return undefined;
  }

  async prepare(path: readonly x509.X509Certificate[], now: Date): Promise<void> {
    const issuer = path[1];
    if (issuer && this.revocationListFor(certificateFingerprint(issuer.rawData))?.nextUpdate! > now) return;
    for (const source of this.#sources) await source.prepare?.(path, now);
  }
}

/** Whether `anchor` is the certificate of a seal CA in the current federated trust material. */
export function isFederatedSealCa(trust: () => TrustMaterial): (anchor: x509.X509Certificate) => boolean {
  return (anchor) => {
    const wanted = certificateFingerprint(anchor.rawData);
    return trust()
      .issuersWithRole('seal')
      .some((issuer) => issuer.certificate !== undefined && certificateFingerprint(issuer.certificate) === wanted);
  };
}
