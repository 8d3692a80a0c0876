// Candidate path building (RFC 4158 style, simplified): depth-first from the leaf towards any
// trust anchor, following an edge child → issuer only when the names chain (RFC 5280 §6.1.4(a)
// via §7.1 comparison), the AKI/SKI hint does not contradict it, and the child's signature verifies
// under the issuer's key. Anchors are tried before intermediates so the shortest path comes first.
// Hard bounds: depth, number of candidate paths (complete or dead-ended) and wall time.
import type { ParsedCert } from './cert.js';
import { bytesEqual } from '../der/reader.js';
import { nameToString } from './names.js';
import { keyInfo, verifySignatureRaw } from './signature.js';

export interface BuildOptions {
  anchors: ParsedCert[];
  intermediates: ParsedCert[];
  maxDepth: number;
  maxCandidates: number;
  deadline: number;
}

export interface BuildStats {
  candidates: number;
  stoppedBy?: 'candidates' | 'deadline';
  depthExhausted: boolean;
  /** Edges rejected because the signature did not verify (for the diagnostic). */
  badSignatures: string[];
}

export type SignatureCache = Map<string, boolean>;

function index(certs: ParsedCert[]): Map<string, ParsedCert[]> {
  const m = new Map<string, ParsedCert[]>();
  for (const c of certs) {
    const list = m.get(c.subject.key);
    if (list) list.push(c);
    else m.set(c.subject.key, [c]);
  }
  return m;
}

/** RFC 5280 §4.2.1.1: the AKI keyIdentifier names the issuer's SKI; true when both exist and differ. */
export function akiContradicts(child: ParsedCert, issuer: ParsedCert): boolean {
  const aki = child.ext.authorityKeyIdentifier?.keyIdentifier;
  const ski = issuer.ext.subjectKeyIdentifier;
  return !!aki && !!ski && !bytesEqual(aki, ski);
}

export function signedBy(child: ParsedCert, issuer: ParsedCert, cache: SignatureCache): boolean {
  const k = `${child.fingerprint}>${issuer.subjectKeyId}`;
  let ok = cache.get(k);
  if (ok === undefined) {
    ok = verifySignatureRaw(child.signatureAlgorithm, child.tbs, child.signature, keyInfo(issuer));
    cache.set(k, ok);
  }
  return ok;
}

/**
 * Yields candidate paths, leaf first and anchor last. The caller validates each one and stops
 * iterating at the first valid path.
 */
export function* buildPaths(
  leaf: ParsedCert,
  opts: BuildOptions,
  stats: BuildStats,
  cache: SignatureCache,
): Generator<ParsedCert[]> {
  const anchorsBySubject = index(opts.anchors);
  const intermediatesBySubject = index(opts.intermediates.filter((c) => !opts.anchors.some((a) => a.fingerprint === c.fingerprint)));
  const path: ParsedCert[] = [leaf];
  const inPath = new Set<string>([leaf.subjectKeyId, leaf.fingerprint]);
  // Total length bound including self-issued certificates, which do not count towards maxDepth.
  const hardLength = 2 * opts.maxDepth + 4;

  const stop = (): boolean => {
    if (stats.stoppedBy) return true;
    if (stats.candidates >= opts.maxCandidates) stats.stoppedBy = 'candidates';
    else if (Date.now() > opts.deadline) stats.stoppedBy = 'deadline';
    return !!stats.stoppedBy;
  };

  // Candidates whose AKI agrees with their SKI come first; a contradicting AKI is not a filter
  // here (the key-identifier rule reports it on the path), only a hint. Signatures are verified
  // lazily, so a mesh of same-named certificates costs one verification per edge actually tried.
  function* issuersOf(child: ParsedCert, pool: Map<string, ParsedCert[]>): Generator<ParsedCert> {
    const named = (pool.get(child.issuer.key) ?? []).filter((cand) => !inPath.has(cand.subjectKeyId) && !inPath.has(cand.fingerprint));
    const ordered = [...named.filter((c) => !akiContradicts(child, c)), ...named.filter((c) => akiContradicts(child, c))];
    for (const cand of ordered) {
      if (signedBy(child, cand, cache)) {
        yield cand;
        continue;
      }
      if (stats.badSignatures.length < 10) {
        const mismatch = !bytesEqual(child.tbsSignatureAlgorithm.raw, child.signatureAlgorithm.raw);
        stats.badSignatures.push(
          `${nameToString(cand.subject)} is named as issuer but its key does not verify the signature` +
            (mismatch ? ' (signatureAlgorithm differs from tbsCertificate.signature, RFC 5280 §4.1.1.2)' : ''),
        );
      }
    }
  }

  function* extend(depth: number): Generator<ParsedCert[]> {
    const child = path[path.length - 1]!;
    let extended = false;
    for (const anchor of issuersOf(child, anchorsBySubject)) {
      if (stop()) return;
      extended = true;
      stats.candidates++;
      yield [...path, anchor];
    }
    if (path.length < hardLength) {
      for (const next of issuersOf(child, intermediatesBySubject)) {
        if (stop()) return;
        const d = depth + (next.selfIssued ? 0 : 1);
        if (d > opts.maxDepth) {
          stats.depthExhausted = true;
          continue;
        }
        extended = true;
        path.push(next);
        inPath.add(next.subjectKeyId);
        inPath.add(next.fingerprint);
        yield* extend(d);
        path.pop();
        inPath.delete(next.subjectKeyId);
        inPath.delete(next.fingerprint);
      }
    }
    if (!extended) stats.candidates++;
  }

  yield* extend(0);
}
