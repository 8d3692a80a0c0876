import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../helpers/node.js';

/**
 * The national hub: instead of pinning every region (n²), Hong Kong subscribes to one hub node whose
 * signed list of lists names Sichuan's trust list and anchor; a Sichuan health code then verifies in
 * Hong Kong. Full nodes on loopback, configured with TRUST_HUB_ID as an operator would.
 */
describe('a node acting as the national hub', () => {
  let hub: TestNode;
  let sichuan: TestNode;
  let hongKong: TestNode;
  beforeAll(async () => {
    [hub, sichuan, hongKong] = await Promise.all([
      startTestNode({ REGION: 'CN-BJ', TRUST_HUB_ID: 'CN-national' }),
      startTestNode({ REGION: 'CN-SC' }),
      startTestNode({ REGION: 'CN-HK' }),
    ]);
  });
  afterAll(async () => Promise.all([hub?.stop(), sichuan?.stop(), hongKong?.stop()]));

  it('publishes nothing as a hub unless configured to', async () => {
    expect((await sichuan.call('GET', '/.well-known/tongban/list-of-lists')).status).toBe(404);
  });

  it("carries Sichuan's trust to Hong Kong through the hub's list of lists", async () => {
    const sichuanAnchor = await (await fetch(`${sichuan.url}/v1/trust/anchor`)).text();
    expect((await hub.call('POST', '/v1/trust/peers', { region: 'CN-SC', url: `${sichuan.url}/.well-known/tongban/trust-list`, anchor: sichuanAnchor })).status).toBe(201);
    expect((await hub.call('POST', '/v1/trust/sync')).body).toContainEqual(expect.objectContaining({ region: 'CN-SC', ok: true }));
    const lol = await hub.call('GET', '/.well-known/tongban/list-of-lists');
    expect(lol.status).toBe(200);

    const hubAnchor = await (await fetch(`${hub.url}/v1/trust/anchor`)).text();
    const subscribed = await hongKong.call('POST', '/v1/trust/hubs', { id: 'CN-national', url: `${hub.url}/.well-known/tongban/list-of-lists`, anchor: hubAnchor });
    expect(subscribed.status).toBe(201);
    await hongKong.call('POST', '/v1/trust/sync');
    const peers = await hongKong.call('GET', '/v1/trust/peers');
    expect(peers.body).toContainEqual(expect.objectContaining({ region: 'CN-SC', source: 'hub' }));

    const issued = await sichuan.call('POST', '/v1/health-codes', { holder: { name: '李四', idNumber: '510104199001011234' }, status: 'green' });
    const report = await hongKong.call('POST', '/v1/verify', { credential: issued.body.qr });
    expect(report.body).toMatchObject({ indication: 'TOTAL_PASSED', issuer: { region: 'CN-SC' } });
  });
});
