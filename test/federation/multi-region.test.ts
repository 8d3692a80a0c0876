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
