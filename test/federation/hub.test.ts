import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { certificateToPem } from '../../src/pki/certificates.js';
import type { RegionPki } from '../../src/pki/region-pki.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { FederatedTrust } from '../../src/trust/federation/federated-trust.js';
import { PeerSync } from '../../src/trust/federation/peer-sync.js';
import type { ListOfListsEntry } from '../../src/trust/hub/format.js';
import { HubSync, subscribeHub } from '../../src/trust/hub/hub-sync.js';
import { currentListOfLists, signListOfLists } from '../../src/trust/hub/publish.js';
import { signTrustList } from '../../src/trust/trust-list/sign.js';
import { issuerEntry, payload, regionPki, removeTempDirs, serve, type TestServer } from './helpers.js';

let hub: RegionPki;
let sichuan: RegionPki;
let hongKong: RegionPki;
let server: TestServer;
let db: Database;
let hubDb: Database;
let trust: FederatedTrust;
let hubSync: HubSync;
const routes = new Map<string, () => Promise<string> | string>();
const logger = pino({ level: 'silent' });
const scIssuer = issuerEntry('Sichuan Health Code Issuer');
const hkIssuer = issuerEntry('Hong Kong Health Code Issuer');

let entries: ListOfListsEntry[];

beforeAll(async () => {
  hub = await regionPki('CN-NH');
  sichuan = await regionPki('CN-SC');
  hongKong = await regionPki('CN-HK');
  server = await serve(async (req, res) => {
    const route = routes.get(req.url ?? '');
    if (!route) return void res.writeHead(404).end();
    res.writeHead(200).end(await route());
  });
  const scList = await signTrustList(payload('CN-SC', 1, [scIssuer]), sichuan.trustListSigner);
  const hkList = await signTrustList(payload('CN-HK', 1, [hkIssuer]), hongKong.trustListSigner);
  routes.set('/sc', () => scList);
  routes.set('/hk', () => hkList);
  hubDb = await openDatabase({ dataDir: 'memory' });
});
beforeEach(async () => {
  await db?.close();
  db = await openDatabase({ dataDir: 'memory' });
  trust = new FederatedTrust();
  const peers = new PeerSync({ knex: db.knex, trust, region: 'CN-GD', logger });
  hubSync = new HubSync({ knex: db.knex, peers, region: 'CN-GD', logger });
  entries = [
    { region: 'CN-SC', url: `${server.url}/sc`, anchor: certificateToPem(sichuan.anchorCertificate) },
    { region: 'CN-HK', url: `${server.url}/hk`, anchor: certificateToPem(hongKong.anchorCertificate) },
  ];
  // The hub is a node like any other, publishing its list of lists from its own database.
  routes.set('/lotl', async () => (await currentListOfLists(hubDb.knex, { hubId: 'CN-national', signer: hub.trustListSigner, entries })).jws);
  await subscribeHub(db.knex, { id: 'CN-national', url: `${server.url}/lotl`, anchor: certificateToPem(hub.anchorCertificate) }, 'test');
});
afterAll(async () => {
  await db?.close();
  await hubDb.close();
  await server.close();
  await removeTempDirs();
});

describe("subscribing to a hub's list of lists", () => {
  it('turns every region the hub lists into a peer and syncs its trust list', async () => {
    const result = await hubSync.syncHub('CN-national');
    expect(result).toMatchObject({ ok: true, regions: ['CN-SC', 'CN-HK'] });
    expect(trust.issuersByKid(scIssuer.kid)).toEqual([expect.objectContaining({ region: 'CN-SC' })]);
    expect(trust.issuersByKid(hkIssuer.kid)).toEqual([expect.objectContaining({ region: 'CN-HK' })]);
    const peers = await db.knex('trust_peers').select('region', 'source', 'hub_id').orderBy('region');
    expect(peers).toEqual([
      { region: 'CN-HK', source: 'hub', hub_id: 'CN-national' },
      { region: 'CN-SC', source: 'hub', hub_id: 'CN-national' },
    ]);
  });

  it('withdraws a region the hub stops listing: its issuers leave the trust material', async () => {
    await hubSync.syncHub('CN-national');
    entries = entries.filter((e) => e.region !== 'CN-HK');
    expect(await hubSync.syncHub('CN-national')).toMatchObject({ ok: true, regions: ['CN-SC'] });
    expect(trust.issuersByKid(hkIssuer.kid)).toEqual([]);
    expect(trust.issuersByKid(scIssuer.kid)).toHaveLength(1);
  });

  it('refuses a list of lists signed under another anchor and keeps the peers', async () => {
    await hubSync.syncHub('CN-national');
    const forged = await signListOfLists({ hub: 'CN-national', sequence: 99, issuedAt: new Date().toISOString(), nextUpdate: new Date(Date.now() + 3600_000).toISOString(), regions: entries.slice(0, 1) }, sichuan.trustListSigner);
    routes.set('/lotl', () => forged);
    expect(await hubSync.syncHub('CN-national')).toMatchObject({ ok: false, error: 'TRUST_LIST_WRONG_ANCHOR' });
    expect(trust.issuersByKid(hkIssuer.kid)).toHaveLength(1);
  });

  it('refuses a trust list served where the list of lists should be (typ differs)', async () => {
    routes.set('/lotl', async () => signTrustList(payload('CN-NH', 1, [issuerEntry('x')]), hub.trustListSigner));
    expect(await hubSync.syncHub('CN-national')).toMatchObject({ ok: false, error: 'TRUST_LIST_MALFORMED' });
  });

  it('refuses a list of lists whose sequence went backwards', async () => {
    await hubSync.syncHub('CN-national');
    const old = await signListOfLists({ hub: 'CN-national', sequence: 1, issuedAt: new Date().toISOString(), nextUpdate: new Date(Date.now() + 3600_000).toISOString(), regions: entries }, hub.trustListSigner);
    // As if sequences up to 5 had been accepted since.
    await db.knex('trust_hubs').update({ last_sequence: 5 });
    routes.set('/lotl', () => old);
    expect(await hubSync.syncHub('CN-national')).toMatchObject({ ok: false, error: 'TRUST_LIST_ROLLBACK' });
  });

  it('never re-routes a region pinned by hand', async () => {
    const { pinPeer } = await import('../../src/trust/federation/peer-store.js');
    await pinPeer(db.knex, { region: 'CN-SC', url: `${server.url}/sc`, anchor: certificateToPem(sichuan.anchorCertificate) }, 'admin', { ownRegion: 'CN-GD' });
    entries[0] = { ...entries[0]!, url: `${server.url}/elsewhere` };
    await hubSync.syncHub('CN-national');
    expect(await db.knex('trust_peers').where({ region: 'CN-SC' }).first()).toMatchObject({ source: 'manual', url: `${server.url}/sc` });
  });
});
