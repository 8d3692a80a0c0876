// Validated certification paths, so that verifying another stamp of the same seal costs one
// signature check instead of a path validation. A cached path is reused only while the validation
// time lies inside every certificate's validity; revocation is judged afresh every time (it is
// not part of the cached verdict).
import { createHash } from 'node:crypto';
import { certificateFingerprint } from '../../../pki/fingerprint.js';
import { pathValidityWindow } from '../../../pki/path/validate.js';
import type { x509 } from '../../../pki/x509.js';

export interface CachedPath {
  /** Leaf first, anchor last. */
  path: x509.X509Certificate[];
  notBefore: Date;
  notAfter: Date;
}

export class PathCache {
  readonly #entries = new Map<string, CachedPath>();
  readonly #capacity: number;
  hits = 0;
  misses = 0;

  constructor(capacity = 1024) {
    this.#capacity = capacity;
  }

  /** Key over the supplied certificates (in order), the anchor set and the purpose. */
  static key(certificates: readonly Uint8Array[], anchorKey: string, purpose: 'seal' | 'any'): string {
    const h = createHash('sha256');
    for (const der of certificates) h.update(certificateFingerprint(der));
    h.update(`|${anchorKey}|${purpose}`);
    return h.digest('hex');
  }

  get(key: string, at: Date): CachedPath | undefined {
    const entry = this.#entries.get(key);
    if (!entry || at < entry.notBefore || at > entry.notAfter) {
      this.misses++;
      return undefined;
    }
    // Re-insert: Map order is the LRU order.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.hits++;
    return entry;
  }

  /** Remembers a path that validatePath found valid. */
  put(key: string, path: x509.X509Certificate[]): void {
    const window = pathValidityWindow(path);
    this.#entries.delete(key);
    this.#entries.set(key, { path, ...window });
    while (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
