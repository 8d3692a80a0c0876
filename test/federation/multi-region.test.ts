import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startTestNode, type TestNode } from '../helpers/node.js';

/**
 * Guangdong, Sichuan and Hong Kong as three full nodes on loopback, federating through the public API
 * only (CONTRACT.md). Until the node wires the trust routes (GET /v1/trust/peers answers 404), every
 * test here reports itself skipped rather than passing.
 */
let guangdong: TestNode;
let sichuan: TestNode;
let hongKong: TestNode;
let wired = false;

const needsFederation = (ctx: TestContext) => {
  if (!wired) throw new Error("the node does not serve the federation API (GET /v1/trust/peers)");
};

async function anchorOf(node: TestNode): Promise<string> {
  return (await fetch(`${node.url}/v1/trust/anchor`)).text();
}

async function pin(node: TestNode, partner: TestNode, region: string, anchor?: string) {
  return node.call('POST', '/v1/trust/peers', { region, url: `${partner.url}/.well-known/tongban/trust-list`, anchor: anchor ?? (await anchorOf(partner)) });
}

async function healthCode(node: TestNode): Promise<string> {
  const issued = await node.call('POST', '/v1/health-codes', { holder: { name: '张三', idNumber: '510104199001011234' }, status: 'green' });
  expect(issued.status).toBe(201);
  return issued.body.credential;
}

beforeAll(async () => {
  [guangdong, sichuan, hongKong] = await Promise.all([startTestNode({ REGION: 'CN-GD' }), startTestNode({ REGION: 'CN-SC' }), startTestNode({ REGION: 'CN-HK' })]);
  wired = (await guangdong.call('GET', '/v1/trust/peers')).status === 200;
});
afterAll(async () => {
  await Promise.all([guangdong?.stop(), sichuan?.stop(), hongKong?.stop()]);
});

describe('three regions federating on loopback', () => {
  it('lets a Sichuan health code verify in Guangdong once Guangdong pinned Sichuan and synced', async (ctx) => {
    needsFederation(ctx);
    const credential = await healthCode(sichuan);
    const before = await guangdong.call('POST', '/v1/verify', { credential });
    expect(before.body.indication).not.toBe('TOTAL_PASSED');

    expect((await pin(guangdong, sichuan, 'CN-SC')).status).toBe(201);
    const sync = await guangdong.call('POST', '/v1/trust/sync');
    expect(sync.body).toEqual([expect.objectContaining({ region: 'CN-SC', ok: true })]);

    const report = await guangdong.call('POST', '/v1/verify', { credential });
    expect(report.body).toMatchObject({ indication: 'TOTAL_PASSED', credentialType: 'health-code', trustSource: 'federation', issuer: { region: 'CN-SC' } });
  });

  it("refuses a partner list that does not chain to the pinned anchor and says so in GET /v1/trust/peers", async (ctx) => {
    needsFederation(ctx);
    // Hong Kong pins Sichuan's URL with Guangdong's anchor: Sichuan's list must be refused.
    expect((await pin(hongKong, sichuan, 'CN-SC', await anchorOf(guangdong))).status).toBe(201);
    const sync = await hongKong.call('POST', '/v1/trust/sync');
    expect(sync.body).toEqual([expect.objectContaining({ region: 'CN-SC', ok: false, error: 'TRUST_LIST_WRONG_ANCHOR' })]);
    const peers = await hongKong.call('GET', '/v1/trust/peers');
    expect(peers.body).toEqual([expect.objectContaining({ region: 'CN-SC', stale: true, sequence: null, lastError: expect.stringContaining('TRUST_LIST_WRONG_ANCHOR') })]);
    const report = await hongKong.call('POST', '/v1/verify', { credential: await healthCode(sichuan) });
    expect(report.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('lets a Hong Kong licence, presented selectively, verify in Guangdong, and a revoked one fail there', async (ctx) => {
    needsFederation(ctx);
    const request = (idNumber: string) => ({
      type: 'business-licence',
      holder: { name: 'Chan Tai Man', idType: 'hk-identity-card', idNumber },
      fields: { companyName: '香港通辦有限公司', legalRepresentative: 'Chan Tai Man', registeredCapital: 'HKD 1,000,000', address: '香港中環皇后大道中1號', establishedOn: '2020-01-15' },
    });
    const kept = await hongKong.call('POST', '/v1/licences', request('A1234563'));
    const revoked = await hongKong.call('POST', '/v1/licences', request('B2345674'));
    expect(kept.status).toBe(201);
    expect((await hongKong.call('POST', `/v1/credentials/${revoked.body.id}/revoke`, { reason: 'company dissolved' })).status).toBe(200);

    expect((await pin(guangdong, hongKong, 'CN-HK')).status).toBe(201);
    expect((await guangdong.call('POST', '/v1/trust/sync')).body).toContainEqual(expect.objectContaining({ region: 'CN-HK', ok: true }));

    const { present } = await import('../../src/credentials/licence/present.js');
    const presentation = await present(kept.body.credential, { disclose: ['companyName'] });
    const report = await guangdong.call('POST', '/v1/verify', { credential: presentation });
    expect(report.body).toMatchObject({ indication: 'TOTAL_PASSED', credentialType: 'licence', issuer: { region: 'CN-HK' } });
    expect(report.body.claims.companyName).toBe('香港通辦有限公司');
    expect(report.body.claims.address).toBeUndefined();
    expect(JSON.stringify(report.body)).not.toContain('A1234563');

    const failedReport = await guangdong.call('POST', '/v1/verify', { credential: revoked.body.credential });
    expect(failedReport.body).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'REVOKED' });
  });

  it('verifies a Sichuan seal stamp in Guangdong through the federated seal CA and its fetched CRL', async (ctx) => {
    needsFederation(ctx);
    const seal = await sichuan.call('POST', '/v1/seals', { name: '成都市市场监督管理局', agency: '成都市市场监督管理局', type: 'official' });
    expect(seal.status).toBe(201);
    const document = Buffer.from('营业执照变更通知书 — 2026-11-21');
    const stamped = await sichuan.call('POST', `/v1/seals/${seal.body.id}/stamp`, document, { headers: { 'content-type': 'application/octet-stream' } });
    expect(stamped.status).toBe(200);
    await guangdong.call('POST', '/v1/trust/sync');
    const report = await guangdong.call('POST', '/v1/verify', { document: document.toString('base64'), signature: stamped.body.signature });
    expect(report.body).toMatchObject({ indication: 'TOTAL_PASSED', credentialType: 'seal-signature', trustSource: 'federation' });
    const changed = await guangdong.call('POST', '/v1/verify', { document: Buffer.from('营业执照变更通知书 — 2026-11-22').toString('base64'), signature: stamped.body.signature });
    expect(changed.body).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
  });

  it('stops verifying a credential in Guangdong after Sichuan revokes its issuer and Guangdong syncs', async (ctx) => {
    needsFederation(ctx);
    const credential = await healthCode(sichuan);
    const kid = JSON.parse(Buffer.from(credential.split('.')[0]!, 'base64url').toString()).kid as string;
    expect((await guangdong.call('POST', '/v1/verify', { credential })).body.indication).toBe('TOTAL_PASSED');
    expect((await sichuan.call('POST', `/v1/trust/issuers/${kid}/revoke`, {})).status).toBe(200);
    await guangdong.call('POST', '/v1/trust/sync');
    const report = await guangdong.call('POST', '/v1/verify', { credential });
    expect(report.body.indication).toBe('TOTAL_FAILED');
  });
});
