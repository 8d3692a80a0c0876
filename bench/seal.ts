// Stamp and stamp-verification throughput against raw ECDSA P-256 sign/verify in the same run.
// Bounded: each measurement runs for a fixed time budget (≈ 4 s in all, plus set-up).
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileKeyStore } from '../src/crypto/file-key-store.js';
import { issueSealCertificate } from '../src/credentials/seal/seal-certificate.js';
import { SealSigner } from '../src/credentials/seal/seal-signer.js';
import { PathCache } from '../src/credentials/seal/verification/path-cache.js';
import { verifyStamp } from '../src/credentials/seal/verification/verify-stamp.js';
import { buildDetachedSignedData } from '../src/pki/cms/build-signed-data.js';
import { loadOrCreateRegionPki } from '../src/pki/region-pki.js';
import { IssuerIndex } from '../src/trust/trust-material.js';

const BUDGET_MS = 800;

async function opsPerSecond(op: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await op(); // warm-up (JIT, caches)
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while ((elapsed = performance.now() - start) < BUDGET_MS) {
    await op();
    n++;
  }
  return Math.round((n * 1000) / elapsed);
}

export async function benchSeal(): Promise<Record<string, number>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tongban-bench-seal-'));
  try {
    const pki = await loadOrCreateRegionPki(new FileKeyStore(path.join(dir, 'keys')), 'CN-GD');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const now = new Date();
    const certificate = await issueSealCertificate({
      properties: { id: crypto.randomUUID(), category: 1, name: 'Bench Seal', createdAt: now, validFrom: new Date(now.getTime() - 3600_000), validTo: new Date(now.getTime() + 86400_000), type: 'official', region: 'CN-GD' },
      agency: 'Bench Agency',
      publicKey,
      sealCa: pki.sealCa,
      crlUrl: 'http://127.0.0.1:8080/v1/seals/crl',
    });
    const chain = [Buffer.from(certificate.rawData), pki.sealCa.certificateChain[0]!];
    const signer = new SealSigner(privateKey, chain);
    const document = Buffer.alloc(4096, 0x41);
    const digest = createHash('sha256').update(document).digest();
    const stamp = () => buildDetachedSignedData({ digest, digestAlgorithm: 'sha256', signer, certificates: chain, signingTime: new Date() });
    const signature = await stamp();
    const context = {
      trust: new IssuerIndex([{ kid: pki.sealCa.kid, region: 'CN-GD', name: 'Seal CA', roles: ['seal'], publicKey: pki.sealCa.publicKey, certificate: pki.sealCa.certificateChain[0]!, status: 'active', source: 'local' }]),
      revocation: { revocationListFor: () => undefined },
      pathCache: new PathCache(),
    } as const;
    const check = await verifyStamp({ document, signature }, { ...context, pathCache: context.pathCache });
    // The bench certificate names a CRL point but no CRL is loaded here: only the revocation check may fail.
    if (check.checks.some((c) => c.name !== 'revocation' && c.result !== 'PASSED')) throw new Error(`bench stamp does not verify: ${JSON.stringify(check.checks)}`);

    const rawSignature = sign('sha256', document, { key: privateKey, dsaEncoding: 'der' });
    const rawSign = await opsPerSecond(() => sign('sha256', document, { key: privateKey, dsaEncoding: 'der' }));
    const rawVerify = await opsPerSecond(() => verify('sha256', document, { key: publicKey, dsaEncoding: 'der' }, rawSignature));
    const stampOps = await opsPerSecond(stamp);
    const verifyOps = await opsPerSecond(() => verifyStamp({ document, signature }, context));
    return {
      'seal.raw_ecdsa_p256_sign_per_s': rawSign,
      'seal.raw_ecdsa_p256_verify_per_s': rawVerify,
      'seal.stamp_per_s': stampOps,
      'seal.verify_stamp_warm_path_cache_per_s': verifyOps,
      'seal.stamp_vs_raw_sign_ratio': Number((stampOps / rawSign).toFixed(3)),
      'seal.verify_vs_raw_verify_ratio': Number((verifyOps / rawVerify).toFixed(3)),
      'seal.path_cache_hits': context.pathCache.hits,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
