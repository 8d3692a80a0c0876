import { deflateSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCompactJws } from '../../src/crypto/jws.js';
import { jwkThumbprint } from '../../src/crypto/jwk.js';
import { derToPem } from '../../src/crypto/file-key-store.js';
import { encodeStatusList } from '../../src/status/status-list.js';
import { signTrustList } from '../../src/trust/trust-list/sign.js';
import type { TrustListIssuerEntry } from '../../src/trust/trust-list/format.js';
import type { RegionPki } from '../../src/pki/region-pki.js';
import { payload as listPayload, regionPki, removeTempDirs, serve, type TestServer } from '../federation/helpers.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

/**
 * A malicious partner region (CN-SC) pinned by a victim node (CN-GD). The partner's keys are real;
 * what it serves (trust list, status list) is whatever it likes, signed with its own keys.
 */
let victim: TestNode;
let evil: RegionPki;
let server: TestServer;
let trustList = '';
let statusList = '';
let served = { trustList: 0, status: 0, other: 0 };
const listId = randomUUID();

beforeAll(async () => {
  victim = await startTestNode({ REGION: 'CN-GD' });
  evil = await regionPki('CN-SC');
  server = await serve((req, res) => {
    if (req.url === '/.well-known/tongban/trust-list') {
      served.trustList++;
      res.setHeader('content-type', 'application/tongban-trust-list+jwt');
      res.end(trustList);
    } else if (req.url === `/v1/status-lists/${listId}`) {
      served.status++;
      res.setHeader('content-type', 'application/statuslist+jwt');
      res.end(statusList);
    } else {
      served.other++;
      res.statusCode = 404;
      res.end();
    }
  });
});
afterAll(async () => {
  await server?.close();
  await victim?.stop();
  await removeTempDirs();
});

function entry(signerJwk: JsonWebKey, roles: TrustListIssuerEntry['roles'], certificate?: Buffer): TrustListIssuerEntry {
  return {
    kid: jwkThumbprint(signerJwk),
    roles,
    name: 'Health Code Issuer CN-SC',
    publicJwk: signerJwk,
    ...(certificate ? { certificate: certificate.toString('base64') } : {}),
    status: 'active',
    statusHistory: [{ status: 'active', at: '2025-01-01T00:00:00Z' }],
  };
}

async function publish(issuers: TrustListIssuerEntry[], sequence: number, region = 'CN-SC') {
  trustList = await signTrustList(listPayload(region, sequence, issuers), evil.trustListSigner);
}

async function evilHealthCode(uri: string, extra: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  const statuses = new Uint8Array(16384);
  const iat = now;
  statusList = await signCompactJws({ typ: 'statuslist+jwt' }, { sub: uri, iat, exp: iat + 3600, ttl: 300, status_list: encodeStatusList(statuses, 2) }, evil.healthCodeIssuer);
  return signCompactJws(
    { typ: 'tongban-hc+jwt' },
    { iss: server.url, region: 'CN-SC', jti: randomUUID(), sub: 'pseudonym', iat: now - 10, exp: now + 3600, status: { status_list: { idx: 3, uri } }, hc: { colour: 'green', name: '王*' }, ...extra },
    evil.healthCodeIssuer,
  );
}

describe('malicious partner region', () => {
  it('pins and syncs the partner; its own health codes pass under federation trust (baseline)', async () => {
    await publish([entry(evil.healthCodeIssuer.publicJwk, ['healthcode'], evil.healthCodeIssuer.certificateChain[0])], 1);
    const pinned = await victim.call('POST', '/v1/trust/peers', { region: 'CN-SC', url: `${server.url}/.well-known/tongban/trust-list`, anchor: derToPem(evil.anchor.certificateChain[0]!) });
    expect(pinned.status).toBe(201);
    const sync = await victim.call('POST', '/v1/trust/sync');
    expect(sync.body).toEqual([expect.objectContaining({ region: 'CN-SC', ok: true })]);
    const credential = await evilHealthCode(`${server.url}/v1/status-lists/${listId}`);
    const r = await victim.call('POST', '/v1/verify', { credential }, { token: null });
    expect(r.body.indication).toBe('TOTAL_PASSED');
    expect(r.body.issuer.region).toBe('CN-SC');
  });

  it("the partner cannot issue for the victim's region (region claim CN-GD with its own key)", async () => {
    const credential = await evilHealthCode(`${server.url}/v1/status-lists/${listId}`, { region: 'CN-GD' });
    const r = await victim.call('POST', '/v1/verify', { credential }, { token: null });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('a list for another region, a rollback, or dropping an issuer is refused', async () => {
    await publish([entry(evil.healthCodeIssuer.publicJwk, ['healthcode'])], 5, 'CN-GD');
    expect((await victim.call('POST', '/v1/trust/sync')).body[0].ok).toBe(false);
    await publish([entry(evil.licenceIssuer.publicJwk, ['healthcode'])], 6);
    expect((await victim.call('POST', '/v1/trust/sync')).body[0].ok).toBe(false);
  });

  it("the partner listing the victim's own key kid under its region does not make the victim's codes partner codes", async () => {
    const issued = await victim.call('POST', '/v1/health-codes', { holder: { name: '张三', idNumber: '440106199001011234' }, status: 'green' });
    expect((await victim.call('POST', `/v1/credentials/${issued.body.id}/revoke`, {})).status).toBe(200);
    await publish([entry(evil.healthCodeIssuer.publicJwk, ['healthcode'], evil.healthCodeIssuer.certificateChain[0]), entry(victim.pki.healthCodeIssuer.publicJwk, ['healthcode'])], 7);
    await victim.call('POST', '/v1/trust/sync');
    const r = await victim.call('POST', '/v1/verify', { credential: issued.body.credential }, { token: null });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('a status list token that is malformed, a bomb, or signed by another key does not pass', async () => {
    const uri = `${server.url}/v1/status-lists/${listId}`;
    const credential = await evilHealthCode(uri);
    const bad = [
      'garbage',
      await signCompactJws({ typ: 'statuslist+jwt' }, { sub: uri, iat: Math.floor(Date.now() / 1000), status_list: { bits: 2, lst: Buffer.from(deflateSync(Buffer.alloc(64 * 1024 * 1024))).toString('base64url') } }, evil.healthCodeIssuer),
      await signCompactJws({ typ: 'statuslist+jwt' }, { sub: uri, iat: Math.floor(Date.now() / 1000), status_list: { bits: 2, lst: 'AAAA' } }, evil.licenceIssuer),
      await signCompactJws({ typ: 'statuslist+jwt' }, { sub: uri + 'x', iat: Math.floor(Date.now() / 1000), status_list: { bits: 2, lst: 'eJzjYBgFo2AUDA8AAAP0AAE' } }, evil.healthCodeIssuer),
    ];
    for (const token of bad) {
      // a fresh uri per case so that the cached good list is not reused
      const fresh = `${server.url}/v1/status-lists/${listId}?${Math.random()}`;
      const c = await signCompactJws({ typ: 'tongban-hc+jwt' }, { ...JSON.parse(Buffer.from(credential.split('.')[1]!, 'base64url').toString()), status: { status_list: { idx: 3, uri: fresh } } }, evil.healthCodeIssuer);
      statusList = token;
      const r = await victim.call('POST', '/v1/verify', { credential: c }, { token: null });
      expect(r.status).toBe(200);
      expect(r.body.indication).not.toBe('TOTAL_PASSED');
    }
  });

  // Was a vulnerability: a peer's issuer entry could carry a `certificate` certifying another key,
  // and callerAnchoredTrust kept the issuer when that certificate chained to the caller's anchors. A
  // malicious partner listed its own key with the victim region's (public) Seal CA certificate and its
  // health codes verified TOTAL_PASSED "against the victim's anchor alone". Fixed twice: the list is
  // refused (the certificate must certify the listed key), and caller trust checks the key anyway.
it("does not let a partner key dressed in the victim's CA certificate pass when the caller pins only the victim's anchor", async () => {
    await publish(
      [
        entry(evil.healthCodeIssuer.publicJwk, ['healthcode'], victim.pki.sealCa.certificateChain[0]),
        entry(victim.pki.healthCodeIssuer.publicJwk, ['healthcode']),
      ],
      8,
    );
    const sync = (await victim.call('POST', '/v1/trust/sync')).body[0];
    expect(sync).toMatchObject({ ok: false, error: 'TRUST_LIST_MALFORMED' });
    const credential = await evilHealthCode(`${server.url}/v1/status-lists/${listId}`);
    const victimAnchor = derToPem(victim.pki.anchor.certificateChain[0]!);
    const r = await victim.call('POST', '/v1/verify', { credential, trustAnchors: [victimAnchor] }, { token: null });
    expect(r.body.trustSource).toBe('caller');
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });
});
