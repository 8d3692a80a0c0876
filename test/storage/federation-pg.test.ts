import { randomBytes } from 'node:crypto';
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateToPem } from '../../src/pki/certificates.js';
import type { RegionPki } from '../../src/pki/region-pki.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { PgCoordinator, TRUST_CHANNEL, type TrustChange } from '../../src/trust/federation/coordination.js';
import { Federation } from '../../src/trust/federation/federation.js';
import { signTrustList } from '../../src/trust/trust-list/sign.js';
import { issuerEntry, payload, regionPki, removeTempDirs, serve, type TestServer } from '../federation/helpers.js';

const url = process.env.TEST_DATABASE_URL;
const schema = `fed_${randomBytes(6).toString('hex')}`;
const logger = pino({ level: 'silent' });

interface RegionNode {
  db: Database;
  federation: Federation;
}

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!url)('several nodes of one region on one PostgreSQL', () => {
  let guangdong: RegionPki;
  let sichuan: RegionPki;
  let peer: TestServer;
  let served: string;
  let fetches = 0;
  const nodes: RegionNode[] = [];
  const entry = issuerEntry('Sichuan Health Code Issuer');

  beforeAll(async () => {
    guangdong = await regionPki('CN-GD');
    sichuan = await regionPki('CN-SC');
    served = await signTrustList(payload('CN-SC', 1, [entry]), sichuan.trustListSigner);
    peer = await serve((_req, res) => {
      fetches++;
      // Slow enough that two nodes' syncs overlap.
      setTimeout(() => res.writeHead(200).end(served), 300);
    });
    for (let i = 0; i < 2; i++) {
      const db = await openDatabase({ databaseUrl: url, dataDir: 'unused', schema });
      const federation = await Federation.start({ knex: db.knex, databaseKind: 'pg', databaseUrl: url, schema, pki: guangdong, publicUrl: 'http://127.0.0.1:1', logger, autoSync: false });
      nodes.push({ db, federation });
    }
    await nodes[0]!.federation.pin({ region: 'CN-SC', url: peer.url, anchor: certificateToPem(sichuan.anchorCertificate) }, 'test');
  });

  afterAll(async () => {
    for (const node of nodes) {
      await node.federation.stop();
      await node.db.close();
    }
    await peer?.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
    await removeTempDirs();
  });

  it('records the local issuers once, although both nodes started on the same database', async () => {
    const { rows } = await nodes[0]!.db.knex.raw('select count(*)::int as n from trust_issuers');
    expect(rows[0].n).toBe(3);
  });

  it('lets only one node fetch a peer at a time; the other picks the accepted list up', async () => {
    fetches = 0;
    const [a, b] = nodes.map((n) => n.federation);
    const results = await Promise.all([a!.peers.syncPeer('CN-SC', { wait: false }), b!.peers.syncPeer('CN-SC', { wait: false })]);
    expect(fetches).toBe(1);
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    await until(() => b!.trust.issuersByKid(entry.kid).length === 1 && a!.trust.issuersByKid(entry.kid).length === 1);
  });

  it('tells the other node through NOTIFY when a new peer list is accepted', async () => {
    const [a, b] = nodes.map((n) => n.federation);
    served = await signTrustList(payload('CN-SC', 2, [{ ...entry, status: 'revoked', statusHistory: [...entry.statusHistory, { status: 'revoked', at: new Date().toISOString() }] }]), sichuan.trustListSigner);
    expect(await a!.peers.syncPeer('CN-SC')).toMatchObject({ ok: true, sequence: 2 });
    await until(() => b!.trust.issuersByKid(entry.kid)[0]?.status === 'revoked');
  });

  it('tells the other node when one of this region issuers is revoked', async () => {
    const [a, b] = nodes.map((n) => n.federation);
    await a!.revokeIssuer(guangdong.licenceIssuer.kid, 'test');
    await until(() => b!.trust.issuersByKid(guangdong.licenceIssuer.kid)[0]?.status === 'revoked');
  });

  it('serves the same signed list from both nodes', async () => {
    const [a, b] = nodes.map((n) => n.federation);
    const [la, lb] = await Promise.all([a!.trustList(), b!.trustList()]);
    expect(lb.jws).toBe(la.jws);
  });
});

describe.skipIf(!url)('trust coordination across a database outage', () => {
  it('keeps retrying LISTEN after a failed reconnect, then resyncs and receives later notifications', async () => {
    // A TCP proxy in front of PostgreSQL that the test can take down (refusing every connection).
    const target = new URL(url!);
    let down = false;
    const sockets = new Set<Socket>();
    const proxy = createServer((socket) => {
      if (down) return socket.destroy();
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [socket, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
      socket.pipe(upstream).pipe(socket);
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxied = new URL(url!);
    proxied.hostname = '127.0.0.1';
    proxied.port = String((proxy.address() as AddressInfo).port);
    const coordSchema = `coord_${randomBytes(6).toString('hex')}`;
    const errors: unknown[] = [];
    const changes: TrustChange[] = [];
    let resyncs = 0;
    const coordinator = new PgCoordinator({ databaseUrl: proxied.toString(), schema: coordSchema, reconnectDelayMs: 100, maxReconnectDelayMs: 400, onError: (err) => errors.push(err) });
    coordinator.subscribe((change) => changes.push(change), () => resyncs++);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await coordinator.start();
      // The outage: the proxy refuses new connections and cuts the listener's.
      down = true;
      for (const s of sockets) s.destroy();
      await until(() => errors.length >= 3, 10_000);
      expect(resyncs).toBe(0);
      down = false;
      await until(() => resyncs === 1, 10_000);
      await admin.query('select pg_notify($1, $2)', [TRUST_CHANNEL, JSON.stringify({ schema: coordSchema, kind: 'peer', region: 'CN-SC' })]);
      await until(() => changes.length === 1, 5_000);
      expect(changes[0]).toMatchObject({ kind: 'peer', region: 'CN-SC' });
    } finally {
      await coordinator.close();
      await admin.end();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});
