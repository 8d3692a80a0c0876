import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileKeyStore } from '../src/crypto/file-key-store.js';
import { jwkThumbprint, publicJwkOf } from '../src/crypto/jwk.js';
import { signCompactJws, parseCompactJws } from '../src/crypto/jws.js';
import type { Signer } from '../src/crypto/signer.js';
import { verifyJwsSignature } from '../src/crypto/verify-signature.js';
import { loadOrCreateRegionPki } from '../src/pki/region-pki.js';
import { FederatedTrust } from '../src/trust/federation/federated-trust.js';
import { peerIssuers } from '../src/trust/federation/peer-issuers.js';
import type { TrustListIssuerEntry } from '../src/trust/trust-list/format.js';
import { signTrustList } from '../src/trust/trust-list/sign.js';
import { verifyTrustList } from '../src/trust/trust-list/verify.js';
import { IssuerIndex, type TrustedIssuer } from '../src/trust/trust-material.js';

function entries(count: number): TrustListIssuerEntry[] {
  const at = new Date().toISOString();
  const list: TrustListIssuerEntry[] = [];
  for (let i = 0; i < count; i++) {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const publicJwk = publicJwkOf(publicKey);
    list.push({ kid: jwkThumbprint(publicJwk), roles: ['healthcode'], name: `Issuer ${i}`, publicJwk, status: 'active', statusHistory: [{ status: 'active', at }] });
  }
  return list;
}

/** Accepting a peer list end to end: verify (chain, signature, every entry) + issuers + index swap. */
async function acceptAndIndex(jws: string, anchor: Parameters<typeof verifyTrustList>[1]['anchor']): Promise<number> {
  const trust = new FederatedTrust();
  const started = performance.now();
  const verdict = await verifyTrustList(jws, { region: 'CN-SC', anchor }, { now: new Date(), graceSeconds: 3600 });
  if (!verdict.ok) throw new Error(verdict.message);
  const { payload } = verdict.list;
  const freshUntil = new Date(Date.parse(payload.nextUpdate) + 3600_000);
  trust.setPeer({ region: 'CN-SC', sequence: payload.sequence, nextUpdate: new Date(payload.nextUpdate), freshUntil, hash: verdict.list.hash, issuers: peerIssuers(payload.issuers, 'CN-SC', freshUntil) });
  const elapsed = performance.now() - started;
  if (trust.index.size !== payload.issuers.length) throw new Error('index incomplete');
  return elapsed;
}

/** The verifier's hot path over an index: kid lookup, region pick, signature. Returns verifications/s. */
function verifyThroughput(index: IssuerIndex, token: string, seconds: number): number {
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 200; i++) {
      const jws = parseCompactJws(token);
      if (typeof jws === 'string') throw new Error(jws);
      const issuer = index.issuersByKid(jws.header.kid as string).find((c) => c.region === 'CN-SC');
      if (!issuer || !verifyJwsSignature('ES256', issuer.publicKey, jws.signingInput, jws.signature)) throw new Error('verification failed');
      count++;
    }
  }
  return count / seconds;
}

/**
 * Figures for docs/performance.md (issue 3 §8): accepting and indexing a 10,000-issuer list (goal
 * under one second) and verification throughput with 10,000 federated issuers against 10 (goal ≥ 0.95).
 */
export async function benchFederation(options: { issuers?: number; seconds?: number } = {}): Promise<Record<string, number>> {
  const count = options.issuers ?? 10_000;
  const seconds = options.seconds ?? 2;
  const keysDir = await mkdtemp(path.join(tmpdir(), 'tongban-bench-fed-'));
  try {
    const pki = await loadOrCreateRegionPki(new FileKeyStore(keysDir), 'CN-SC');
    const signer: Signer = pki.healthCodeIssuer;
    const now = new Date();
    const many = entries(count - 1);
    const own: TrustListIssuerEntry = { kid: signer.kid, roles: ['healthcode'], name: 'bench issuer', publicJwk: signer.publicJwk, status: 'active', statusHistory: [{ status: 'active', at: now.toISOString() }] };
    const list = { region: 'CN-SC', sequence: 1, issuedAt: now.toISOString(), nextUpdate: new Date(now.getTime() + 86_400_000).toISOString(), issuers: [...many, own] };
    const jws = await signTrustList(list, pki.trustListSigner);

    await acceptAndIndex(jws, pki.anchorCertificate); // warm-up (JIT, first certificate parse)
    const runs = [await acceptAndIndex(jws, pki.anchorCertificate), await acceptAndIndex(jws, pki.anchorCertificate), await acceptAndIndex(jws, pki.anchorCertificate)];
    runs.sort((a, b) => a - b);

    const token = await signCompactJws({ typ: 'JWT' }, { sub: 'bench' }, signer);
    const toIssuers = (e: TrustListIssuerEntry[]): TrustedIssuer[] => peerIssuers(e, 'CN-SC', new Date(now.getTime() + 86_400_000));
    const small = new IssuerIndex(toIssuers([...many.slice(0, 9), own]));
    const large = new IssuerIndex(toIssuers([...many, own]));
    verifyThroughput(small, token, 0.5);
    const smallRate = verifyThroughput(small, token, seconds);
    const largeRate = verifyThroughput(large, token, seconds);
    return {
      trustListIssuers: count,
      trustListBytes: jws.length,
      acceptAndIndexMedianMs: runs[1]!,
      acceptAndIndexWorstMs: runs[2]!,
      verifyPerSecondWith10Issuers: smallRate,
      verifyPerSecondWith10kIssuers: largeRate,
      verifyRatio10kTo10: largeRate / smallRate,
    };
  } finally {
    await rm(keysDir, { recursive: true, force: true });
  }
}
