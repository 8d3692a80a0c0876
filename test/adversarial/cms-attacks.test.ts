import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derToPem } from '../../src/crypto/file-key-store.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

let node: TestNode;
let sealId: string;
let sealCert: string;
let signature: string;
const doc = Buffer.from('合同 contract v1');
const verify = (body: unknown) => node.call('POST', '/v1/verify', body, { token: null });

beforeAll(async () => {
  node = await startTestNode();
  const seal = await node.call('POST', '/v1/seals', { name: '合同专用章', agency: '广州市市场监督管理局', type: 'contract' });
  expect(seal.status).toBe(201);
  sealId = seal.body.id;
  sealCert = seal.body.certificate;
  const stamp = await node.call('POST', `/v1/seals/${sealId}/stamp`, doc, { headers: { 'content-type': 'application/octet-stream' } });
  expect(stamp.status).toBe(200);
  signature = stamp.body.signature;
});
afterAll(async () => node?.stop());

describe('seal stamp (CMS) attacks', () => {
  it('baseline: the stamp passes', async () => {
    expect((await verify({ document: doc.toString('base64'), signature })).body.indication).toBe('TOTAL_PASSED');
  });

  it('a different document fails (HASH_FAILURE)', async () => {
    const r = await verify({ document: Buffer.from('合同 contract v2').toString('base64'), signature });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('caller anchor = the seal certificate itself (leaf) does not pass and does not 5xx', async () => {
    const r = await verify({ document: doc.toString('base64'), signature, trustAnchors: [sealCert] });
    expect(r.status).toBe(200);
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
  });

  it('caller anchor = the issuing CA (not the seal CA) does not pass; the seal CA does (caller trust)', async () => {
    const wrong = await verify({ document: doc.toString('base64'), signature, trustAnchors: [derToPem(node.pki.issuingCa.certificateChain[0]!)] });
    expect(wrong.body.indication).not.toBe('TOTAL_PASSED');
    const right = await verify({ document: doc.toString('base64'), signature, trustAnchors: [derToPem(node.pki.sealCa.certificateChain[0]!)] });
    expect(right.body.indication).toBe('TOTAL_PASSED');
    expect(right.body.trustSource).toBe('caller');
  });

  it('truncated, bit-flipped, doubled, empty and garbage signatures answer 200, not passed', async () => {
    const der = Buffer.from(signature, 'base64');
    const flips = [10, 50, 200, der.length - 5, der.length - 40].map((i) => { const c = Buffer.from(der); c[i] = c[i]! ^ 1; return c; });
    const inputs = [der.subarray(0, der.length - 1), der.subarray(0, 20), Buffer.concat([der, der]), Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), Buffer.from([0x30, 0x80, 0, 0]), Buffer.alloc(1), ...flips];
    for (const sig of inputs) {
      const r = await verify({ document: doc.toString('base64'), signature: sig.toString('base64') });
      expect(r.status).toBe(200);
      expect(r.body.indication).not.toBe('TOTAL_PASSED');
    }
  });

  it('not base64 document/signature is a report or 4xx, never 5xx', async () => {
    for (const body of [{ document: '!!', signature }, { document: doc.toString('base64'), signature: '@@@' }, { document: '', signature }]) {
      const r = await verify(body);
      expect(r.status).toBeLessThan(500);
      if (r.status === 200) expect(r.body.indication).not.toBe('TOTAL_PASSED');
    }
  });

  it('a revoked seal (keyCompromise) no longer verifies, even for stamps made before', async () => {
    const seal = await node.call('POST', '/v1/seals', { name: '财务专用章', agency: '广州市财政局', type: 'finance' });
    const stamp = await node.call('POST', `/v1/seals/${seal.body.id}/stamp`, doc, { headers: { 'content-type': 'application/octet-stream' } });
    const rv = await node.call('POST', `/v1/seals/${seal.body.id}/revoke`, { reason: 'keyCompromise' });
    expect(rv.status).toBe(200);
    const r = await verify({ document: doc.toString('base64'), signature: stamp.body.signature });
    expect(r.body.indication).not.toBe('TOTAL_PASSED');
    const again = await node.call('POST', `/v1/seals/${seal.body.id}/stamp`, doc, { headers: { 'content-type': 'application/octet-stream' } });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
  });

  it('/v1/verify/certificate: garbage, leaf-as-anchor, bad date → 4xx or non-passed report', async () => {
    const cases = [
      { certificate: 'x' },
      { certificate: sealCert, trustAnchors: [sealCert] },
      { certificate: sealCert, at: 'not a date' },
      { certificate: sealCert, at: '9999-12-31T00:00:00Z' },
      { certificate: sealCert, intermediates: Array.from({ length: 40 }, () => sealCert) },
    ];
    for (const body of cases) {
      const r = await node.call('POST', '/v1/verify/certificate', body, { token: null });
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBeLessThan(500);
      if (r.status === 200) expect(r.body.indication).not.toBe('TOTAL_PASSED');
    }
  });
});
