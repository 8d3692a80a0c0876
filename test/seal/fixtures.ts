// Real keys and certificates for the seal tests: a region PKI on disk (anchor → seal CA) and seals
// issued under it, plus OpenSSL helpers for the interop tests.
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileKeyStore } from '../../src/crypto/file-key-store.js';
import { loadOrCreateRegionPki, type RegionPki } from '../../src/pki/region-pki.js';
import { issueSealCertificate } from '../../src/credentials/seal/seal-certificate.js';
import { SealSigner } from '../../src/credentials/seal/seal-signer.js';
import type { SealProperties } from '../../src/credentials/seal/seal-properties.js';
import { buildDetachedSignedData } from '../../src/pki/cms/build-signed-data.js';
import type { x509 } from '../../src/pki/x509.js';

export const DAY = 24 * 3600 * 1000;

export function tempDir(prefix = 'tongban-seal-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function regionPki(dir: string, region = 'CN-GD'): Promise<{ pki: RegionPki; store: FileKeyStore }> {
  const store = new FileKeyStore(path.join(dir, `keys-${region}`));
  return { pki: await loadOrCreateRegionPki(store, region), store };
}

export interface TestSeal {
  signer: SealSigner;
  certificate: x509.X509Certificate;
  /** Seal certificate then seal CA certificate. */
  chain: Buffer[];
}

/** Issues a seal certificate directly under the region's seal CA (no database). */
export async function issueTestSeal(pki: RegionPki, overrides: Partial<SealProperties> = {}): Promise<TestSeal> {
  const now = new Date();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const properties: SealProperties = {
    id: overrides.id ?? crypto.randomUUID(),
    category: 1,
    name: '合同专用章',
    createdAt: now,
    validFrom: new Date(now.getTime() - 3600_000),
    validTo: new Date(now.getTime() + 365 * DAY),
    type: 'contract',
    region: pki.region,
    ...overrides,
  };
  const certificate = await issueSealCertificate({
    properties,
    agency: '广东省市场监督管理局',
    publicKey,
    sealCa: pki.sealCa,
    crlUrl: 'http://127.0.0.1:8080/v1/seals/crl',
  });
  const chain = [Buffer.from(certificate.rawData), pki.sealCa.certificateChain[0]!];
  return { signer: new SealSigner(privateKey, chain), certificate, chain };
}

export async function stampWith(seal: TestSeal, document: Uint8Array, signingTime = new Date()): Promise<Buffer> {
  const cms = await buildDetachedSignedData({
    digest: createHash('sha256').update(document).digest(),
    digestAlgorithm: 'sha256',
    signer: seal.signer,
    certificates: seal.chain,
    signingTime,
  });
  return Buffer.from(cms);
}

export function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** Runs the openssl command line; `output` is stdout and stderr together (OpenSSL reports on stderr). */
export function openssl(args: string[], cwd: string): { ok: boolean; output: string } {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
}

/** A region's seal service on an in-memory database, with a settable clock. */
export async function sealNode(dir: string, region = 'CN-GD') {
  const { openDatabase } = await import('../../src/storage/database.js');
  const { SealKeyVault } = await import('../../src/credentials/seal/seal-key-vault.js');
  const { SealService } = await import('../../src/credentials/seal/seal-service.js');
  const { pki, store } = await regionPki(dir, region);
  const db = await openDatabase({ dataDir: 'memory' });
  const clock = { now: new Date() };
  const service = new SealService({
    knex: db.knex,
    region,
    sealCa: pki.sealCa,
    vault: await SealKeyVault.open(store),
    publicUrl: 'http://127.0.0.1:8080',
    clock: () => clock.now,
  });
  return { pki, db, service, clock };
}

/** The seal CA of `pki` as a partner's (peer) seal CA, vouched for by a trust list fresh until `freshUntil`. */
export async function peerSealTrust(pki: RegionPki, freshUntil?: Date) {
  const { IssuerIndex } = await import('../../src/trust/trust-material.js');
  const [local] = (await localSealTrust(pki)).issuersWithRole('seal');
  return new IssuerIndex([{ ...local!, source: 'peer', ...(freshUntil ? { freshUntil } : {}) }]);
}

/** The trust material a node builds for its own seal CA (role `seal`). */
export async function localSealTrust(pki: RegionPki) {
  const { IssuerIndex } = await import('../../src/trust/trust-material.js');
  return new IssuerIndex([
    {
      kid: pki.sealCa.kid,
      region: pki.region,
      name: `Seal CA ${pki.region}`,
      roles: ['seal'],
      publicKey: pki.sealCa.publicKey,
      certificate: pki.sealCa.certificateChain[0]!,
      status: 'active',
      source: 'local',
    },
  ]);
}
