import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromQrText } from '../../src/credentials/qr-text.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

describe('health codes over HTTP', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => node?.stop());

  const request = { holder: { name: '张三丰', idNumber: '440106199001011234' }, status: 'green' };

  it('issues a health code that verifies as TOTAL_PASSED with the masked holder', async () => {
    const issued = await node.call('POST', '/v1/health-codes', request);
    expect(issued.status).toBe(201);
    expect(issued.body.credential.split('.')).toHaveLength(3);
    expect(issued.body.credential).not.toContain('440106199001011234');
    const report = await node.call('POST', '/v1/verify', { credential: issued.body.credential });
    expect(report.status).toBe(200);
    expect(report.body.indication).toBe('TOTAL_PASSED');
    expect(report.body.subIndication).toBeUndefined();
    expect(report.body.credentialType).toBe('health-code');
    expect(report.body.issuer.region).toBe('CN-GD');
    expect(report.body.claims.colour).toBe('green');
    expect(report.body.claims.holderName).toBe('张**');
    expect(report.body.checks.map((c: { name: string }) => c.name)).toEqual([
      'format', 'algorithm', 'issuer-key', 'signature', 'validity-window', 'status', 'type-rules',
    ]);
  });

  it('verifies the QR text form too', async () => {
    const issued = await node.call('POST', '/v1/health-codes', request);
    expect(issued.body.qr).toMatch(/^TB1:[0-9A-Z $%*+\-./:]+$/);
    expect(fromQrText(issued.body.qr)).toBe(issued.body.credential);
    const report = await node.call('POST', '/v1/verify', { credential: issued.body.qr });
    expect(report.body.indication).toBe('TOTAL_PASSED');
  });

  it('reports a revoked health code as TOTAL_FAILED with REVOKED at once', async () => {
    const issued = await node.call('POST', '/v1/health-codes', request);
    const revoked = await node.call('POST', `/v1/credentials/${issued.body.id}/revoke`, { reason: 'test' });
    expect(revoked.status).toBe(200);
    const report = await node.call('POST', '/v1/verify', { credential: issued.body.credential });
    expect(report.body.indication).toBe('TOTAL_FAILED');
    expect(report.body.subIndication).toBe('REVOKED');
  });

  it('never passes a tampered payload', async () => {
    const issued = await node.call('POST', '/v1/health-codes', request);
    const [h, p, s] = issued.body.credential.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.hc.colour = 'green';
    payload.exp += 86400 * 30;
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    const report = await node.call('POST', '/v1/verify', { credential: forged });
    expect(report.body.indication).toBe('TOTAL_FAILED');
    expect(report.body.subIndication).toBe('SIG_CRYPTO_FAILURE');
    expect(report.body.claims).toBeUndefined();
  });

  it('refuses to issue without a token (401) or without the scope (403)', async () => {
    expect((await node.call('POST', '/v1/health-codes', request, { token: null })).status).toBe(401);
    const client = await node.call('POST', '/v1/clients', { name: 'verifier app', scopes: ['audit:read'] });
    expect(client.status).toBe(201);
    const denied = await node.call('POST', '/v1/health-codes', request, { token: client.body.token });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
  });

  it('records every issuance in the hash-chained audit log', async () => {
    const verify = await node.call('GET', '/v1/audit/verify');
    expect(verify.body.ok).toBe(true);
    expect(verify.body.records).toBeGreaterThan(3);
  });
});

describe('verification against caller-supplied trust anchors', () => {
  let gd: TestNode;
  let sc: TestNode;
  beforeAll(async () => {
    [gd, sc] = await Promise.all([startTestNode(), startTestNode({ REGION: 'CN-SC' })]);
  });
  afterAll(async () => Promise.all([gd?.stop(), sc?.stop()]));

  it('passes with the issuing region anchor and says the trust came from the caller', async () => {
    const issued = await gd.call('POST', '/v1/health-codes', { holder: { name: 'Wong Siu Ming', idNumber: 'A1234563' }, status: 'green' });
    const anchor = await gd.call('GET', '/v1/trust/anchor');
    const report = await gd.call('POST', '/v1/verify', { credential: issued.body.credential, trustAnchors: [anchor.body] });
    expect(report.body.indication).toBe('TOTAL_PASSED');
    expect(report.body.trustSource).toBe('caller');
  });

  it('does not pass when the caller trusts only another region', async () => {
    const issued = await gd.call('POST', '/v1/health-codes', { holder: { name: 'Wong Siu Ming', idNumber: 'A1234563' }, status: 'green' });
    const otherAnchor = await sc.call('GET', '/v1/trust/anchor');
    const report = await gd.call('POST', '/v1/verify', { credential: issued.body.credential, trustAnchors: [otherAnchor.body] });
    expect(report.body.indication).toBe('INDETERMINATE');
    expect(report.body.subIndication).toBe('NO_SIGNING_CERTIFICATE_FOUND');
    expect(report.body.trustSource).toBe('caller');
  });

  it('rejects an anchor that is not a certificate with 400', async () => {
    const response = await gd.call('POST', '/v1/verify', { credential: 'a.b.c', trustAnchors: ['-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----'] });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_TRUST_ANCHOR');
  });
});

describe('batch verification', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => node?.stop());

  it('returns one report per item, in order, each judged on its own', async () => {
    const good = await node.call('POST', '/v1/health-codes', { holder: { name: '陈六', idNumber: '440106199001019999' }, status: 'green' });
    const revoked = await node.call('POST', '/v1/health-codes', { holder: { name: '陈六', idNumber: '440106199001019999' }, status: 'red' });
    await node.call('POST', `/v1/credentials/${revoked.body.id}/revoke`, {});
    const response = await node.call('POST', '/v1/verify/batch', { items: [{ credential: good.body.credential }, { credential: 'garbage' }, { credential: revoked.body.qr }] });
    expect(response.status).toBe(200);
    expect(response.body.reports.map((r: { indication: string; subIndication?: string }) => r.subIndication ?? r.indication)).toEqual(['TOTAL_PASSED', 'FORMAT_FAILURE', 'REVOKED']);
  });

  it('refuses more than 100 items with 400', async () => {
    const response = await node.call('POST', '/v1/verify/batch', { items: Array.from({ length: 101 }, () => ({ credential: 'x' })) });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_REQUEST');
  });
});

describe('a verifier that demands holder binding', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => node?.stop());

  it('does not pass a health code, which cannot prove holder binding, when a nonce or audience is demanded', async () => {
    const issued = await node.call('POST', '/v1/health-codes', { holder: { name: '张三', idNumber: '440106199001011234' }, status: 'green' });
    for (const demand of [{ nonce: 'n-123' }, { audience: 'https://gz-hall.example' }]) {
      const report = await node.call('POST', '/v1/verify', { credential: issued.body.credential, ...demand });
      expect(report.body.indication).toBe('INDETERMINATE');
      expect(report.body.subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
    }
  });
});

describe('a revocation whose in-memory reload fails after the commit', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => node?.stop());

  it('is still answered 200 and shown as REVOKED once the periodic refresh runs', async () => {
    const issued = await node.call('POST', '/v1/health-codes', { holder: { name: '孙七', idNumber: '440106199001017777' }, status: 'green' });
    const reload = node.statusLists.reload.bind(node.statusLists);
    node.statusLists.reload = async () => {
      throw new Error('database connection lost');
    };
    try {
      expect((await node.call('POST', `/v1/credentials/${issued.body.id}/revoke`, {})).status).toBe(200);
    } finally {
      node.statusLists.reload = reload;
    }
    let report = await node.call('POST', '/v1/verify', { credential: issued.body.credential });
    for (let i = 0; i < 80 && report.body.subIndication !== 'REVOKED'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      report = await node.call('POST', '/v1/verify', { credential: issued.body.credential });
    }
    expect(report.body.subIndication).toBe('REVOKED');
  });
});
