import { createHash } from 'node:crypto';
import { decodeBase64Url } from '../../crypto/base64url.js';
import type { SubIndication } from '../../verification/report.js';

/** The only `_sd_alg` Tongban issues and accepts (RFC 9901 §4.1.1 default; IANA "sha-256"). */
export const SD_ALG = 'sha-256';
const MAX_DEPTH = 16;

/** RFC 9901 §4.2.3: the digest is over the US-ASCII bytes of the base64url-encoded Disclosure as presented. */
export function disclosureDigest(disclosure: string): string {
  return createHash('sha256').update(disclosure, 'ascii').digest('base64url');
}

interface Disclosure {
  encoded: string;
  salt: string;
  /** Absent for an array-element disclosure `[salt, value]`. */
  name?: string;
  value: unknown;
  used: boolean;
}

export type DisclosureResult =
  | { ok: true; claims: Record<string, unknown>; disclosed: number }
  | { ok: false; subIndication: SubIndication; detail: string };

class Rejection {
  constructor(
    readonly subIndication: SubIndication,
    readonly detail: string,
  ) {}
}

const reject = (sub: SubIndication, detail: string): never => {
  throw new Rejection(sub, detail);
};

function decodeDisclosure(encoded: string): Disclosure {
  const bytes = decodeBase64Url(encoded);
  if (!bytes) return reject('FORMAT_FAILURE', 'a disclosure is not base64url');
  let array: unknown;
  try {
    array = JSON.parse(bytes.toString('utf8'));
  } catch {
    return reject('FORMAT_FAILURE', 'a disclosure is not JSON');
  }
  // RFC 9901 §4.2.1 / §4.2.2: [salt, name, value] for an object property, [salt, value] for an array element.
  if (!Array.isArray(array) || (array.length !== 2 && array.length !== 3)) return reject('FORMAT_FAILURE', 'a disclosure is not a JSON array of 2 or 3 elements');
  if (typeof array[0] !== 'string') return reject('FORMAT_FAILURE', 'a disclosure salt is not a string');
  if (array.length === 2) return { encoded, salt: array[0], value: array[1], used: false };
  const name: unknown = array[1];
  if (typeof name !== 'string') return reject('FORMAT_FAILURE', 'a disclosure claim name is not a string');
  // RFC 9901 §7.1 step 3.2.2.2: the claim name must not be a reserved name.
  if (name === '_sd' || name === '...') return reject('FORMAT_FAILURE', `a disclosure uses the reserved claim name "${name}"`);
  return { encoded, salt: array[0], name, value: array[2], used: false };
}

/**
 * Processes the disclosures of an SD-JWT against its issuer-signed payload (RFC 9901 §7.1 steps 3-5):
 * every digest in `_sd` arrays and `{"...": digest}` array elements, recursively through disclosed
 * values, is matched to at most one disclosure. Rejected, with the sub-indication Tongban reports:
 *   - FORMAT_FAILURE: malformed disclosure, reserved claim name, a disclosed name that already exists
 *     at its level, a disclosure of the wrong kind for where its digest sits, a digest that occurs
 *     more than once in the payload, the same disclosure presented twice, `_sd` not an array of strings;
 *   - HASH_FAILURE: a disclosure whose digest the issuer never signed (forged, altered or from another
 *     credential) — the digest comparison is what fails;
 *   - CRYPTO_CONSTRAINTS_FAILURE: an `_sd_alg` other than sha-256.
 * Digests without a disclosure are decoys or undisclosed claims and are dropped (§7.1 step 3.2.3).
 * Returns the processed claims: the payload with `_sd`, `_sd_alg` and `...` removed and disclosed claims in place.
 */
export function processDisclosures(payload: Record<string, unknown>, disclosures: readonly string[]): DisclosureResult {
  try {
    if (payload._sd_alg !== undefined && payload._sd_alg !== SD_ALG) {
      return { ok: false, subIndication: 'CRYPTO_CONSTRAINTS_FAILURE', detail: `unsupported _sd_alg ${JSON.stringify(payload._sd_alg)}` };
    }
    const byDigest = new Map<string, Disclosure>();
    for (const encoded of disclosures) {
      const digest = disclosureDigest(encoded);
      if (byDigest.has(digest)) reject('FORMAT_FAILURE', 'the same disclosure is presented more than once');
      byDigest.set(digest, decodeDisclosure(encoded));
    }
    const seen = new Set<string>();
    const { _sd_alg: _alg, ...rest } = payload;
    const claims = processObject(rest, byDigest, seen, 0);
    const unused = [...byDigest.values()].filter((d) => !d.used).length;
    // §7.1 step 5: a disclosure not referenced by any digest makes the whole SD-JWT invalid.
    if (unused > 0) reject('HASH_FAILURE', `${unused} disclosure(s) match no digest signed by the issuer (forged or unreferenced)`);
    return { ok: true, claims, disclosed: byDigest.size };
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, subIndication: error.subIndication, detail: error.detail };
    throw error;
  }
}

function claimDigest(digest: unknown, seen: Set<string>): string {
  if (typeof digest !== 'string') return reject('FORMAT_FAILURE', 'a digest is not a string');
  // §7.1 step 4: a digest encountered more than once (directly or via disclosures) invalidates the SD-JWT.
  if (seen.has(digest)) return reject('FORMAT_FAILURE', 'a digest occurs more than once in the issuer-signed JWT');
  seen.add(digest);
  return digest;
}

function processValue(value: unknown, byDigest: Map<string, Disclosure>, seen: Set<string>, depth: number): unknown {
  if (depth > MAX_DEPTH) return reject('FORMAT_FAILURE', 'claims are nested too deeply');
  if (Array.isArray(value)) return processArray(value, byDigest, seen, depth + 1);
  if (value !== null && typeof value === 'object') return processObject(value as Record<string, unknown>, byDigest, seen, depth + 1);
  return value;
}

function processObject(object: Record<string, unknown>, byDigest: Map<string, Disclosure>, seen: Set<string>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (key === '_sd') continue;
    if (key === '_sd_alg') reject('FORMAT_FAILURE', '_sd_alg is allowed only at the top level');
    out[key] = processValue(value, byDigest, seen, depth);
  }
  const sd = object._sd;
  if (sd === undefined) return out;
  if (!Array.isArray(sd)) return reject('FORMAT_FAILURE', '_sd is not an array');
  for (const entry of sd) {
    const disclosure = byDigest.get(claimDigest(entry, seen));
    if (!disclosure) continue;
    if (disclosure.name === undefined) reject('FORMAT_FAILURE', 'an array-element disclosure is referenced from an _sd array');
    const name = disclosure.name!;
    // §7.1 step 3.2.2.3: the claim name must not already exist at this level.
    if (Object.hasOwn(out, name)) reject('FORMAT_FAILURE', `disclosed claim "${name}" already exists at its level`);
    disclosure.used = true;
    out[name] = processValue(disclosure.value, byDigest, seen, depth);
  }
  return out;
}

function processArray(array: unknown[], byDigest: Map<string, Disclosure>, seen: Set<string>, depth: number): unknown[] {
  const out: unknown[] = [];
  for (const element of array) {
    const isDigest = element !== null && typeof element === 'object' && !Array.isArray(element) && Object.keys(element).length === 1 && Object.hasOwn(element, '...');
    if (!isDigest) {
      out.push(processValue(element, byDigest, seen, depth));
      continue;
    }
    const disclosure = byDigest.get(claimDigest((element as Record<string, unknown>)['...'], seen));
    if (!disclosure) continue;
    if (disclosure.name !== undefined) reject('FORMAT_FAILURE', 'an object-property disclosure is referenced from an array element');
    disclosure.used = true;
    out.push(processValue(disclosure.value, byDigest, seen, depth));
  }
  return out;
}
