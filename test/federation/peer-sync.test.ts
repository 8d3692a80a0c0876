import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../src/crypto/file-key-store.js';
import { certificateToPem, issueCertificate } from '../../src/pki/certificates.js';
import { TRUST_LIST_SIGNING_EKU } from '../../src/pki/tongban-oids.js';
import type { RegionPki } from '../../src/pki/region-pki.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { FederatedTrust } from '../../src/trust/federation/federated-trust.js';
import { PeerSync } from '../../src/trust/federation/peer-sync.js';
import { pinPeer } from '../../src/trust/federation/peer-store.js';
import type { TrustListIssuerEntry } from '../../src/trust/trust-list/format.js';
import { signTrustList } from '../../src/trust/trust-list/sign.js';
import { issuerEntry, payload, regionPki, removeTempDirs, serve, type TestServer } from './helpers.js';

/** A partner's trust-list endpoint whose answer each test sets. */
let respond: (res: import('node:http').ServerResponse, url: string) => void;
let server: TestServer & { handler?: ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) | undefined };
let sichuan: RegionPki & { keysDir: string };
let hongKong: RegionPki;
let db: Database;
let trust: FederatedTrust;
let sync: PeerSync;
const logger = pino({ level: 'silent' });
const outcomes: string[] = [];

function serveJws(jws: string) {
  respond = (res) => {
    res.writeHead(200, { 'content-type': 'application/tongban-trust-list+jwt' });
    res.end(jws);
  };
}

async function publishList(sequence: number, issuers: TrustListIssuerEntry[], pki: RegionPki = sichuan, region = 'CN-SC', issuedAt = new Date()) {
  serveJws(await signTrustList(payload(region, sequence, issuers, issuedAt), pki.trustListSigner));
}

beforeAll(async () => {
  sichuan = await regionPki('CN-SC');
  hongKong = await regionPki('CN-HK');
  server = await serve((req, res) => (server.handler ? server.handler(req, res) : respond(res, req.url ?? '/')));
});
beforeEach(async () => {
  await db?.close();
  db = await openDatabase({ dataDir: 'memory' });
  trust = new FederatedTrust();
  outcomes.length = 0;
  server.handler = undefined;
  sync = new PeerSync({
    knex: db.knex,
    trust,
    region: 'CN-GD',
    logger,
    graceSeconds: 3600,
    fetchLimits: { timeoutMs: 1_000, maxBytes: 256 * 1024, maxRedirects: 2 },
    metrics: { syncOutcome: (region, outcome, code) => outcomes.push(`${region} ${outcome}${code ? ` ${code}` : ''}`) },
  });
  await pinPeer(db.knex, { region: 'CN-SC', url: `${server.url}/.well-known/tongban/trust-list`, anchor: certificateToPem(sichuan.anchorCertificate) }, 'test', { ownRegion: 'CN-GD' });
});
afterAll(async () => {
  await db?.close();
  await server.close();
  await removeTempDirs();
});

/** Accepts a first good list so that each refusal test can check it is kept. */
async function acceptFirst(): Promise<TrustListIssuerEntry> {
  const entry = issuerEntry('Sichuan Health Code Issuer');
  await publishList(5, [entry]);
  expect(await sync.syncPeer('CN-SC')).toEqual({ region: 'CN-SC', ok: true, sequence: 5 });
  return entry;
}

async function expectRefusedAndKept(code: string, kid: string) {
  const result = await sync.syncPeer('CN-SC');
  expect(result).toMatchObject({ region: 'CN-SC', ok: false, error: code, sequence: 5 });
  expect(trust.issuersByKid(kid)).toHaveLength(1);
  const [view] = await sync.peers();
  expect(view).toMatchObject({ region: 'CN-SC', sequence: 5, status: 'failing', stale: false, lastErrorCode: code, lastError: expect.stringContaining(code) });
  expect(outcomes.at(-1)).toBe(`CN-SC refused ${code}`);
}

describe('syncing a peer trust list', () => {
  it("accepts a peer's list: its issuers join the trust material with the peer's region and freshness", async () => {
    const entry = await acceptFirst();
    const [issuer] = trust.issuersByKid(entry.kid);
    expect(issuer).toMatchObject({ kid: entry.kid, region: 'CN-SC', source: 'peer', roles: ['healthcode'], status: 'active' });
    expect(issuer!.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(issuer!.freshUntil!.getTime()).toBeGreaterThan(Date.now() + 86_000_000);
    expect(await sync.peers()).toEqual([expect.objectContaining({ region: 'CN-SC', status: 'ok', sequence: 5, stale: false, lastError: null, issuers: 1 })]);
    const stored = await db.knex('trust_peer_lists').where({ region: 'CN-SC' });
    expect(stored.map((r) => Number(r.sequence))).toEqual([5]);
  });

  it('refuses a list signed under another anchor and keeps the last good list', async () => {
    const { kid } = await acceptFirst();
    await publishList(6, [issuerEntry('impostor')], hongKong, 'CN-SC');
    await expectRefusedAndKept('TRUST_LIST_WRONG_ANCHOR', kid);
  });

  it('refuses a tampered list and keeps the last good list', async () => {
    const { kid } = await acceptFirst();
    const jws = await signTrustList(payload('CN-SC', 6, [issuerEntry('a')]), sichuan.trustListSigner);
    const [h, , s] = jws.split('.');
    serveJws(`${h}.${Buffer.from(JSON.stringify(payload('CN-SC', 6, [issuerEntry('forged')]))).toString('base64url')}.${s}`);
    await expectRefusedAndKept('TRUST_LIST_BAD_SIGNATURE', kid);
  });

  it('refuses a rolled-back sequence and keeps the last good list', async () => {
    const entry = await acceptFirst();
    await publishList(4, [entry]);
    await expectRefusedAndKept('TRUST_LIST_ROLLBACK', entry.kid);
  });

  it('refuses a stale list and keeps the last good list', async () => {
    const entry = await acceptFirst();
    await publishList(6, [entry], sichuan, 'CN-SC', new Date(Date.now() - 3 * 86_400_000));
    await expectRefusedAndKept('TRUST_LIST_STALE', entry.kid);
  });

  it('refuses an oversized body while streaming it and keeps the last good list', async () => {
    const { kid } = await acceptFirst();
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'application/tongban-trust-list+jwt' });
      const chunk = 'A'.repeat(64 * 1024);
      for (let i = 0; i < 8; i++) res.write(chunk);
      res.end();
    };
    await expectRefusedAndKept('TRUST_LIST_TOO_LARGE', kid);
  });

  it('gives up on a slow peer at the deadline and keeps the last good list', async () => {
    const { kid } = await acceptFirst();
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'application/tongban-trust-list+jwt' });
      res.write('eyJ');
      // never ends: the 1 s deadline must cut it
    };
    const started = Date.now();
    await expectRefusedAndKept('TRUST_LIST_FETCH_FAILED', kid);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops following a redirect loop and keeps the last good list', async () => {
    const { kid } = await acceptFirst();
    respond = (res, url) => {
      res.writeHead(302, { location: url === '/a' ? '/b' : '/a' });
      res.end();
    };
    await expectRefusedAndKept('TRUST_LIST_FETCH_FAILED', kid);
  });

  it('refuses a redirect to a non-http scheme', async () => {
    const { kid } = await acceptFirst();
    respond = (res) => {
      res.writeHead(302, { location: 'file:///etc/passwd' });
      res.end();
    };
    await expectRefusedAndKept('TRUST_LIST_FETCH_FAILED', kid);
  });

  it('refuses a body that is not a JWS and keeps the last good list', async () => {
    const { kid } = await acceptFirst();
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"issuers":[]}');
    };
    await expectRefusedAndKept('TRUST_LIST_MALFORMED', kid);
  });

  it('refuses an HTTP error and keeps the last good list', async () => {
    const { kid } = await acceptFirst();
    respond = (res) => {
      res.writeHead(503);
      res.end();
    };
    await expectRefusedAndKept('TRUST_LIST_FETCH_FAILED', kid);
  });

  it('sees a revoked issuer as revoked after the next sync', async () => {
    const entry = await acceptFirst();
    const revoked: TrustListIssuerEntry = { ...entry, status: 'revoked', statusHistory: [...entry.statusHistory, { status: 'revoked', at: new Date().toISOString() }] };
    await publishList(6, [revoked]);
    expect(await sync.syncPeer('CN-SC')).toMatchObject({ ok: true, sequence: 6 });
    expect(trust.issuersByKid(entry.kid)).toEqual([expect.objectContaining({ status: 'revoked', region: 'CN-SC' })]);
  });

  it('keeps a revoked issuer revoked when the accepted list is no longer held in memory (re-pin, restart)', async () => {
    const entry = issuerEntry('Sichuan Health Code Issuer');
    const revoked: TrustListIssuerEntry = { ...entry, status: 'revoked', statusHistory: [...entry.statusHistory, { status: 'revoked', at: new Date().toISOString() }] };
    const other = issuerEntry('Sichuan other issuer');
    await publishList(5, [revoked, other]);
    expect(await sync.syncPeer('CN-SC')).toMatchObject({ ok: true, sequence: 5 });
    // The region's anchor is re-pinned: the stored list no longer verifies, so a restarted node holds nothing.
    await pinPeer(db.knex, { region: 'CN-SC', url: `${server.url}/.well-known/tongban/trust-list`, anchor: certificateToPem(hongKong.anchorCertificate) }, 'test', { ownRegion: 'CN-GD' });
    const fresh = new FederatedTrust();
    const restarted = new PeerSync({ knex: db.knex, trust: fresh, region: 'CN-GD', logger, graceSeconds: 3600 });
    await restarted.loadAll();
    expect(fresh.peer('CN-SC')).toBeUndefined();
    await publishList(6, [entry, other], hongKong, 'CN-SC');
    expect(await restarted.syncPeer('CN-SC')).toMatchObject({ ok: false, error: 'TRUST_LIST_UNREVOKED' });
    expect(fresh.issuersByKid(entry.kid)).toEqual([]);
    await publishList(6, [revoked], hongKong, 'CN-SC');
    expect(await restarted.syncPeer('CN-SC')).toMatchObject({ ok: false, error: 'TRUST_LIST_ISSUER_DROPPED' });
    await publishList(6, [revoked, other], hongKong, 'CN-SC');
    expect(await restarted.syncPeer('CN-SC')).toMatchObject({ ok: true, sequence: 6 });
    expect(fresh.issuersByKid(entry.kid)).toEqual([expect.objectContaining({ status: 'revoked' })]);
  });

  it('keeps accepting after the peer rotates its list-signing key under the same anchor', async () => {
    const entry = await acceptFirst();
    // A new list signer certified by the same issuing CA (the anchor is what we pinned, not the signer).
    const store = new FileKeyStore(sichuan.keysDir);
    const rotated = await store.generate('trust-list-signer-2');
    const cert = await issueCertificate(
      { subject: 'CN=Trust List Signer 2 CN-SC, O=Tongban CN-SC, C=CN', notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), extendedKeyUsages: [TRUST_LIST_SIGNING_EKU] },
      rotated.publicKey,
      sichuan.issuingCa,
    );
    await store.saveChain('trust-list-signer-2', rotated, [Buffer.from(cert.rawData), ...sichuan.issuingCa.certificateChain]);
    expect(rotated.kid).not.toBe(sichuan.trustListSigner.kid);
    serveJws(await signTrustList(payload('CN-SC', 6, [entry, issuerEntry('new issuer')]), rotated));
    expect(await sync.syncPeer('CN-SC')).toMatchObject({ ok: true, sequence: 6 });
    expect(trust.peer('CN-SC')?.issuers).toHaveLength(2);
  });

  it('sends the ETag back as If-None-Match and treats 304 as unchanged', async () => {
    const entry = await acceptFirst();
    const jws = await signTrustList(payload('CN-SC', 6, [entry]), sichuan.trustListSigner);
    const seen: (string | undefined)[] = [];
    server.handler = (req, res) => {
      seen.push(req.headers['if-none-match']);
      if (req.headers['if-none-match'] === '"v6"') res.writeHead(304).end();
      else res.writeHead(200, { etag: '"v6"' }).end(jws);
    };
    expect(await sync.syncPeer('CN-SC')).toEqual({ region: 'CN-SC', ok: true, sequence: 6 });
    expect(await sync.syncPeer('CN-SC')).toEqual({ region: 'CN-SC', ok: true, sequence: 6 });
    expect(seen).toEqual([undefined, '"v6"']);
    expect(outcomes.slice(-2)).toEqual(['CN-SC accepted', 'CN-SC unchanged']);
  });

  it('evicts a list accepted under an old anchor on re-pin (this node and, by reload, others) and forgets its ETag', async () => {
    const entry = await acceptFirst();
    const other = new FederatedTrust();
    const otherNode = new PeerSync({ knex: db.knex, trust: other, region: 'CN-GD', logger, graceSeconds: 3600 });
    await otherNode.loadAll();
    expect(other.issuersByKid(entry.kid)).toHaveLength(1);
    const seen: (string | undefined)[] = [];
    const jws = await signTrustList(payload('CN-SC', 6, [entry]), sichuan.trustListSigner);
    server.handler = (req, res) => {
      seen.push(req.headers['if-none-match']);
      if (req.headers['if-none-match'] === '"v6"') res.writeHead(304).end();
      else res.writeHead(200, { etag: '"v6"' }).end(jws);
    };
    expect(await sync.syncPeer('CN-SC')).toMatchObject({ ok: true, sequence: 6 });
    await pinPeer(db.knex, { region: 'CN-SC', url: `${server.url}/.well-known/tongban/trust-list`, anchor: certificateToPem(hongKong.anchorCertificate) }, 'test', { ownRegion: 'CN-GD' });
    // What POST /v1/trust/peers does here, and the NOTIFY makes every other node do.
    await sync.loadPeer('CN-SC');
    await otherNode.loadPeer('CN-SC');
    expect(trust.issuersByKid(entry.kid)).toEqual([]);
    expect(other.issuersByKid(entry.kid)).toEqual([]);
    // The old ETag is not sent again: the old list is not "in sync" under the new anchor.
    const result = await sync.syncPeer('CN-SC');
    expect(seen.at(-1)).toBeUndefined();
    expect(result).toMatchObject({ ok: false, error: 'TRUST_LIST_WRONG_ANCHOR' });
    expect(trust.issuersByKid(entry.kid)).toEqual([]);
    // A newer list signed under the new anchor is accepted and held.
    server.handler = undefined;
    serveJws(await signTrustList(payload('CN-SC', 7, [entry]), hongKong.trustListSigner));
    expect(await sync.syncPeer('CN-SC')).toMatchObject({ ok: true, sequence: 7 });
    expect(trust.issuersByKid(entry.kid)).toHaveLength(1);
  });

  it('takes a 304 as unchanged only in answer to a conditional request for a held list', async () => {
    await acceptFirst();
    const restarted = new PeerSync({ knex: db.knex, trust, region: 'CN-GD', logger, graceSeconds: 3600 });
    await restarted.loadAll();
    const seen: (string | undefined)[] = [];
    server.handler = (req, res) => {
      seen.push(req.headers['if-none-match']);
      res.writeHead(304).end();
    };
    expect(await restarted.syncPeer('CN-SC')).toMatchObject({ ok: false, error: 'TRUST_LIST_FETCH_FAILED' });
    expect(seen).toEqual([undefined]);
  });

  it('calls a partner that answers 304 with a list past its next update stale, not in sync', async () => {
    const entry = await acceptFirst();
    const jws = await signTrustList(payload('CN-SC', 6, [entry]), sichuan.trustListSigner);
    server.handler = (req, res) => {
      if (req.headers['if-none-match'] === '"v6"') res.writeHead(304).end();
      else res.writeHead(200, { etag: '"v6"' }).end(jws);
    };
    expect(await sync.syncPeer('CN-SC')).toMatchObject({ ok: true, sequence: 6 });
    const threeDaysLater = new Date(Date.now() + 3 * 86_400_000);
    const later = new PeerSync({ knex: db.knex, trust, region: 'CN-GD', logger, graceSeconds: 3600, clock: () => threeDaysLater, fetchLimits: { timeoutMs: 1_000, maxBytes: 256 * 1024, maxRedirects: 2 } });
    await later.loadAll();
    server.handler = (_req, res) => res.writeHead(304).end();
    const frozen = await later.syncPeer('CN-SC');
    expect(frozen).toMatchObject({ ok: false, error: 'TRUST_LIST_STALE' });
  });

  it('treats the same list fetched again as unchanged', async () => {
    await acceptFirst();
    expect(await sync.syncPeer('CN-SC')).toEqual({ region: 'CN-SC', ok: true, sequence: 5 });
    expect(outcomes.at(-1)).toBe('CN-SC unchanged');
    expect(await db.knex('trust_peer_lists').count({ n: '*' }).first()).toMatchObject({ n: 1 });
  });

  it('reloads accepted lists from the database after a restart', async () => {
    const entry = await acceptFirst();
    const fresh = new FederatedTrust();
    const again = new PeerSync({ knex: db.knex, trust: fresh, region: 'CN-GD', logger, graceSeconds: 3600 });
    await again.loadAll();
    expect(fresh.issuersByKid(entry.kid)).toEqual([expect.objectContaining({ region: 'CN-SC' })]);
  });

  it('syncs every peer for POST /v1/trust/sync and reports each', async () => {
    await acceptFirst();
    await pinPeer(db.knex, { region: 'CN-HK', url: 'http://127.0.0.1:9/unreachable', anchor: certificateToPem(hongKong.anchorCertificate) }, 'test', { ownRegion: 'CN-GD' });
    const results = await sync.syncAll();
    expect(results).toEqual(
      expect.arrayContaining([
        { region: 'CN-SC', ok: true, sequence: 5 },
        { region: 'CN-HK', ok: false, sequence: null, error: 'TRUST_LIST_FETCH_FAILED' },
      ]),
    );
    const hk = (await sync.peers()).find((p) => p.region === 'CN-HK');
    expect(hk).toMatchObject({ status: 'stale', stale: true, sequence: null });
  });

  it('keeps colliding kids of two regions side by side', async () => {
    const entry = await acceptFirst();
    await pinPeer(db.knex, { region: 'CN-HK', url: `${server.url}/hk`, anchor: certificateToPem(hongKong.anchorCertificate) }, 'test', { ownRegion: 'CN-GD' });
    serveJws(await signTrustList(payload('CN-HK', 1, [{ ...entry, name: 'Hong Kong copy' }]), hongKong.trustListSigner));
    expect(await sync.syncPeer('CN-HK')).toMatchObject({ ok: true });
    expect(trust.issuersByKid(entry.kid).map((i) => i.region).sort()).toEqual(['CN-HK', 'CN-SC']);
  });
});
