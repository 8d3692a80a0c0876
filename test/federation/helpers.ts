import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileKeyStore } from '../../src/crypto/file-key-store.js';
import { jwkThumbprint, publicJwkOf } from '../../src/crypto/jwk.js';
import { loadOrCreateRegionPki, type RegionPki } from '../../src/pki/region-pki.js';
import type { TrustListIssuerEntry, TrustListPayload } from '../../src/trust/trust-list/format.js';

const dirs: string[] = [];

/** A region's real keys and certificates, generated in a fresh temporary KEYS_DIR. */
export async function regionPki(region: string, now = new Date()): Promise<RegionPki & { keysDir: string }> {
  const keysDir = await mkdtemp(path.join(tmpdir(), `tongban-fed-${region}-`));
  dirs.push(keysDir);
  return { ...(await loadOrCreateRegionPki(new FileKeyStore(keysDir), region, now)), keysDir };
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** An issuer entry for a freshly generated P-256 key. */
export function issuerEntry(name: string, roles: TrustListIssuerEntry['roles'] = ['healthcode'], at = '2025-01-01T00:00:00Z'): TrustListIssuerEntry {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicJwk = publicJwkOf(publicKey);
  return { kid: jwkThumbprint(publicJwk), roles, name, publicJwk, status: 'active', statusHistory: [{ status: 'active', at }] };
}

export function payload(region: string, sequence: number, issuers: TrustListIssuerEntry[], now = new Date(), validitySeconds = 86_400): TrustListPayload {
  return {
    region,
    sequence,
    issuedAt: new Date(now.getTime() - 1000).toISOString(),
    nextUpdate: new Date(now.getTime() + validitySeconds * 1000).toISOString(),
    issuers,
  };
}

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1, port chosen by the OS. */
export async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
