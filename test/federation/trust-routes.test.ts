import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from '../../src/clients/clients.js';
import { createApp } from '../../src/http/app.js';
import { trustRoutes } from '../../src/http/routes/trust.js';
import { Metrics } from '../../src/observability/metrics.js';
import { certificateToPem } from '../../src/pki/certificates.js';
import type { RegionPki } from '../../src/pki/region-pki.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { Federation } from '../../src/trust/federation/federation.js';
import { regionPki, removeTempDirs } from './helpers.js';

const TOKEN = 'test-admin-token-0123456789abcdef';

interface MiniNode {
  region: string;
  url: string;
  pki: RegionPki;
  federation: Federation;
  close(): Promise<void>;
}

/** A node reduced to its trust part: database, federation and the trust routes on a loopback port. */
async function miniNode(region: string): Promise<MiniNode> {
  const pki = await regionPki(region);
  const db: Database = await openDatabase({ dataDir: 'memory' });
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logger = pino({ level: 'silent' });
  const federation = await Federation.start({ knex: db.knex, databaseKind: db.kind, pki, publicUrl: url, logger, autoSync: false, hubId: region === 'CN-GD' ? 'CN-national' : undefined });
  const app = createApp({ logger, metrics: new Metrics(false), authenticator: new Authenticator(db.knex, TOKEN), routes: trustRoutes({ federation }) });
  server.on('request', app.callback());
  return {
    region,
    url,
    pki,
    federation,
    async close() {
      await federation.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

const admin = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
let guangdong: MiniNode;
let sichuan: MiniNode;

beforeAll(async () => {
  [guangdong, sichuan] = await Promise.all([miniNode('CN-GD'), miniNode('CN-SC')]);
});
afterAll(async () => {
  await guangdong?.close();
  await sichuan?.close();
  await removeTempDirs();
});

describe('trust federation over HTTP', () => {
  it('serves the trust list with an ETag and answers If-None-Match with 304', async () => {
    const first = await fetch(`${sichuan.url}/.well-known/tongban/trust-list`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('application/tongban-trust-list+jwt');
    expect(first.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await fetch(`${sichuan.url}/.well-known/tongban/trust-list`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('requires the trust:admin token to pin a peer and rejects a malformed pin', async () => {
    const body = JSON.stringify({ region: 'CN-SC', url: `${sichuan.url}/.well-known/tongban/trust-list`, anchor: certificateToPem(sichuan.pki.anchorCertificate) });
    expect((await fetch(`${guangdong.url}/v1/trust/peers`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).status).toBe(401);
    const bad = await fetch(`${guangdong.url}/v1/trust/peers`, { method: 'POST', headers: admin, body: JSON.stringify({ region: 'CN-SC', url: 'ftp://x', anchor: 'nope' }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('INVALID_REQUEST');
  });

  it('pins a partner, syncs it and shows it in GET /v1/trust/peers', async () => {
    const pinned = await fetch(`${guangdong.url}/v1/trust/peers`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ region: 'CN-SC', url: `${sichuan.url}/.well-known/tongban/trust-list`, anchor: certificateToPem(sichuan.pki.anchorCertificate) }),
    });
    expect(pinned.status).toBe(201);
    const sync = await fetch(`${guangdong.url}/v1/trust/sync`, { method: 'POST', headers: admin });
    expect(sync.status).toBe(200);
    const [result] = await sync.json();
    expect(result).toMatchObject({ region: 'CN-SC', ok: true });
    const peers = await (await fetch(`${guangdong.url}/v1/trust/peers`)).json();
    expect(peers).toEqual([expect.objectContaining({ region: 'CN-SC', status: 'ok', sequence: result.sequence, stale: false, lastError: null })]);
    expect(peers[0].lastSyncAt).toMatch(/^\d{4}-/);
    expect(guangdong.federation.trust.issuersByKid(sichuan.pki.healthCodeIssuer.kid)).toEqual([expect.objectContaining({ region: 'CN-SC', status: 'active' })]);
  });

  it("revokes a partner's issuer there and sees it revoked here after sync", async () => {
    const kid = sichuan.pki.healthCodeIssuer.kid;
    const revoked = await fetch(`${sichuan.url}/v1/trust/issuers/${kid}/revoke`, { method: 'POST', headers: admin, body: '{}' });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ kid, status: 'revoked', changed: true });
    expect(sichuan.federation.trust.issuersByKid(kid)[0]?.status).toBe('revoked');
    await fetch(`${guangdong.url}/v1/trust/sync`, { method: 'POST', headers: admin });
    expect(guangdong.federation.trust.issuersByKid(kid)).toEqual([expect.objectContaining({ region: 'CN-SC', status: 'revoked' })]);
  });

  it('answers 404 for an issuer that is not one of this region', async () => {
    const res = await fetch(`${sichuan.url}/v1/trust/issuers/${guangdong.pki.healthCodeIssuer.kid}/revoke`, { method: 'POST', headers: admin, body: '{}' });
    expect(res.status).toBe(404);
  });

  it('publishes a list of lists when acting as a hub, and 404 otherwise', async () => {
    const lotl = await fetch(`${guangdong.url}/.well-known/tongban/list-of-lists`);
    expect(lotl.status).toBe(200);
    const payload = JSON.parse(Buffer.from((await lotl.text()).split('.')[1]!, 'base64url').toString());
    expect(payload.regions.map((r: { region: string }) => r.region).sort()).toEqual(['CN-GD', 'CN-SC']);
    expect((await fetch(`${sichuan.url}/.well-known/tongban/list-of-lists`)).status).toBe(404);
  });

  it("re-pinning a partner's anchor drops the list accepted under the old anchor at once", async () => {
    const kid = sichuan.pki.healthCodeIssuer.kid;
    expect(guangdong.federation.trust.issuersByKid(kid)).toHaveLength(1);
    const other = await regionPki('CN-HK');
    const repinned = await fetch(`${guangdong.url}/v1/trust/peers`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ region: 'CN-SC', url: `${sichuan.url}/.well-known/tongban/trust-list`, anchor: certificateToPem(other.anchorCertificate) }),
    });
    expect(repinned.status).toBe(201);
    expect(guangdong.federation.trust.issuersByKid(kid)).toEqual([]);
    expect(guangdong.federation.trust.peer('CN-SC')).toBeUndefined();
  });
});
