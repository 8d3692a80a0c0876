import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signCompactJws } from '../../src/crypto/jws.js';
import type { Signer } from '../../src/crypto/signer.js';
import type { RegionPki } from '../../src/pki/region-pki.js';
import { RemoteStatusCache } from '../../src/status/remote-status-cache.js';
import { encodeStatusList, setStatusAt } from '../../src/status/status-list.js';
import type { TrustedIssuer } from '../../src/trust/trust-material.js';
import { regionPki, removeTempDirs, serve, type TestServer } from './helpers.js';

let sichuan: RegionPki;
let server: TestServer;
let uri: string;
let fetches = 0;
let body: () => Promise<string> | string;
let clock = new Date();

const issuerOf = (signer: Signer): TrustedIssuer => ({ kid: signer.kid, region: 'CN-SC', name: 'SC', roles: ['healthcode'], publicKey: signer.publicKey, status: 'active', source: 'peer', freshUntil: new Date(Date.now() + 86_400_000) });

async function statusListToken(signer: Signer, options: { revoked?: number[]; sub?: string; ttl?: number; exp?: number | null; typ?: string; iat?: Date } = {}): Promise<string> {
  const statuses = new Uint8Array(1024);
  for (const idx of options.revoked ?? []) setStatusAt(statuses, 2, idx, 1);
  const iat = Math.floor((options.iat ?? clock).getTime() / 1000);
  return signCompactJws(
    { typ: options.typ ?? 'statuslist+jwt' },
    { sub: options.sub ?? uri, iat, ...(options.exp === null ? {} : { exp: options.exp ?? iat + 86_400 }), ttl: options.ttl ?? 300, status_list: encodeStatusList(statuses, 2) },
    signer,
  );
}

beforeAll(async () => {
  sichuan = await regionPki('CN-SC');
  server = await serve(async (_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/statuslist+jwt' }).end(await body());
  });
  uri = `${server.url}/v1/status-lists/abc`;
});
beforeEach(() => {
  fetches = 0;
  clock = new Date();
});
afterAll(async () => {
  await server.close();
  await removeTempDirs();
});

const cache = () => new RemoteStatusCache({ clock: () => clock, fetchLimits: { timeoutMs: 1000, maxBytes: 1 << 20, maxRedirects: 1 } });

describe('remote status lists of peer credentials', () => {
  it('answers valid and revoked entries from a list signed by the credential issuer key', async () => {
    body = () => statusListToken(sichuan.healthCodeIssuer, { revoked: [7] });
    const resolver = cache();
    const issuer = issuerOf(sichuan.healthCodeIssuer);
    expect(await resolver.lookup({ idx: 6, uri }, issuer, clock)).toMatchObject({ ok: true, status: 0 });
    expect(await resolver.lookup({ idx: 7, uri }, issuer, clock)).toMatchObject({ ok: true, status: 1 });
    expect(fetches).toBe(1);
  });

  it('refetches once the ttl has passed', async () => {
    body = () => statusListToken(sichuan.healthCodeIssuer, { ttl: 120 });
    const resolver = cache();
    const issuer = issuerOf(sichuan.healthCodeIssuer);
    await resolver.lookup({ idx: 1, uri }, issuer, clock);
    clock = new Date(clock.getTime() + 100_000);
    await resolver.lookup({ idx: 1, uri }, issuer, clock);
    expect(fetches).toBe(1);
    clock = new Date(clock.getTime() + 30_000);
    body = () => statusListToken(sichuan.healthCodeIssuer, { ttl: 120, revoked: [1] });
    expect(await resolver.lookup({ idx: 1, uri }, issuer, clock)).toMatchObject({ ok: true, status: 1 });
    expect(fetches).toBe(2);
  });

  it('refuses a list signed by another key of the same region', async () => {
    body = () => statusListToken(sichuan.licenceIssuer);
    expect(await cache().lookup({ idx: 1, uri }, issuerOf(sichuan.healthCodeIssuer), clock)).toMatchObject({ ok: false });
  });

  it('refuses a list whose kid names the issuer but whose signature is by another key', async () => {
    const token = await statusListToken(sichuan.licenceIssuer);
    const [h, p, s] = token.split('.');
    const header = { ...JSON.parse(Buffer.from(h!, 'base64url').toString()), kid: sichuan.healthCodeIssuer.kid };
    body = () => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.${s}`;
    expect(await cache().lookup({ idx: 1, uri }, issuerOf(sichuan.healthCodeIssuer), clock)).toMatchObject({ ok: false, reason: expect.stringContaining('signature') });
  });

  it('refuses a list whose sub is another uri (list substitution)', async () => {
    body = () => statusListToken(sichuan.healthCodeIssuer, { sub: `${server.url}/v1/status-lists/other` });
    expect(await cache().lookup({ idx: 1, uri }, issuerOf(sichuan.healthCodeIssuer), clock)).toMatchObject({ ok: false, reason: expect.stringContaining('sub') });
  });

  it('refuses an expired list and a token of another typ', async () => {
    body = () => statusListToken(sichuan.healthCodeIssuer, { exp: Math.floor(clock.getTime() / 1000) - 1 });
    expect(await cache().lookup({ idx: 1, uri }, issuerOf(sichuan.healthCodeIssuer), clock)).toMatchObject({ ok: false });
    body = () => statusListToken(sichuan.healthCodeIssuer, { typ: 'JWT' });
    expect(await cache().lookup({ idx: 1, uri }, issuerOf(sichuan.healthCodeIssuer), clock)).toMatchObject({ ok: false });
  });

  it('answers TRY_LATER-worthy {ok:false} when the cached list expired and the peer is unreachable', async () => {
    body = () => statusListToken(sichuan.healthCodeIssuer, { ttl: 60 });
    const resolver = cache();
    const issuer = issuerOf(sichuan.healthCodeIssuer);
    expect((await resolver.lookup({ idx: 1, uri }, issuer, clock)).ok).toBe(true);
    clock = new Date(clock.getTime() + 61_000);
    body = () => 'not a token';
    expect(await resolver.lookup({ idx: 1, uri }, issuer, clock)).toMatchObject({ ok: false });
  });

  it('refuses a refetched list older than the one already accepted (a replayed pre-revocation token)', async () => {
    const issuedBefore = new Date(clock.getTime() - 3_600_000);
    const old = await statusListToken(sichuan.healthCodeIssuer, { iat: issuedBefore, ttl: 60 });
    body = () => statusListToken(sichuan.healthCodeIssuer, { ttl: 60, revoked: [1] });
    const resolver = cache();
    const issuer = issuerOf(sichuan.healthCodeIssuer);
    expect(await resolver.lookup({ idx: 1, uri }, issuer, clock)).toMatchObject({ ok: true, status: 1 });
    clock = new Date(clock.getTime() + 61_000);
    body = () => old;
    expect(await resolver.lookup({ idx: 1, uri }, issuer, clock)).toMatchObject({ ok: false, reason: expect.stringContaining('older') });
  });

  it('refuses a list without exp whose iat is older than the maximum ttl, and accepts a recent one', async () => {
    const issuer = issuerOf(sichuan.healthCodeIssuer);
    body = () => statusListToken(sichuan.healthCodeIssuer, { exp: null, iat: new Date(clock.getTime() - 2 * 86_400_000) });
    expect(await cache().lookup({ idx: 1, uri }, issuer, clock)).toMatchObject({ ok: false, reason: expect.stringContaining('exp') });
    body = () => statusListToken(sichuan.healthCodeIssuer, { exp: null });
    expect(await cache().lookup({ idx: 1, uri }, issuer, clock)).toMatchObject({ ok: true, status: 0 });
  });

  it("backs off per uri and issuer key: one key's failure does not hold back another's list", async () => {
    const resolver = cache();
    body = () => statusListToken(sichuan.licenceIssuer);
    expect(await resolver.lookup({ idx: 1, uri }, issuerOf(sichuan.healthCodeIssuer), clock)).toMatchObject({ ok: false, reason: expect.stringContaining('signed') });
    expect(await resolver.lookup({ idx: 1, uri }, issuerOf(sichuan.licenceIssuer), clock)).toMatchObject({ ok: true, status: 0 });
  });

  it('keeps the failure backoff bounded (maxEntries): the oldest entry makes room', async () => {
    const resolver = new RemoteStatusCache({ clock: () => clock, maxEntries: 1, fetchLimits: { timeoutMs: 1000, maxBytes: 1 << 20, maxRedirects: 1 } });
    const issuer = issuerOf(sichuan.healthCodeIssuer);
    body = () => 'not a token';
    await resolver.lookup({ idx: 1, uri }, issuer, clock);
    await resolver.lookup({ idx: 1, uri: `${uri}-other` }, issuer, clock);
    expect(fetches).toBe(2);
    await resolver.lookup({ idx: 1, uri }, issuer, clock);
    expect(fetches).toBe(3);
  });

  it('refuses an index beyond the list', async () => {
    body = () => statusListToken(sichuan.healthCodeIssuer);
    expect(await cache().lookup({ idx: 10_000_000, uri }, issuerOf(sichuan.healthCodeIssuer), clock)).toMatchObject({ ok: false });
  });
});
