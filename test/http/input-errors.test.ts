import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../helpers/node.js';

describe('bad input gets a 4xx with a stable code, never a 5xx', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => node?.stop());

  const valid = { holder: { name: '李四', idNumber: '510104198001010000' }, status: 'yellow' };

  it.each([
    ['malformed JSON', '{"holder":', 'MALFORMED_JSON', 400],
    ['a JSON array', '[]', 'INVALID_REQUEST', 400],
    ['null', 'null', 'INVALID_REQUEST', 400],
    ['an unknown field', JSON.stringify({ ...valid, extra: 1 }), 'INVALID_REQUEST', 400],
    ['a wrong status colour', JSON.stringify({ ...valid, status: 'purple' }), 'INVALID_REQUEST', 400],
    ['a validity over seven days', JSON.stringify({ ...valid, validFor: 8 * 86400 }), 'INVALID_REQUEST', 400],
    ['an over-long name', JSON.stringify({ ...valid, holder: { ...valid.holder, name: 'x'.repeat(1000) } }), 'INVALID_REQUEST', 400],
    ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'INVALID_REQUEST', 400],
  ])('rejects %s', async (_, body, code, status) => {
    const response = await node.call('POST', '/v1/health-codes', body);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(typeof response.body.error.message).toBe('string');
  });

  it.each([
    ['a NUL character', 'a\\u0000b'],
    ['an unpaired surrogate', 'a\\ud800b'],
  ])('rejects text PostgreSQL cannot store (%s) with 400, not a database error', async (_, text) => {
    const issued = await node.call('POST', '/v1/health-codes', valid);
    const response = await node.call('POST', `/v1/credentials/${issued.body.id}/suspend`, `{"reason":"${text}"}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_REQUEST');
  });

  it('names the failing field', async () => {
    const response = await node.call('POST', '/v1/health-codes', { ...valid, holder: { name: '李四' } });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('holder.idNumber');
  });

  it('rejects a body that is not JSON with 415', async () => {
    const response = await node.call('POST', '/v1/health-codes', JSON.stringify(valid), { headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('rejects a body over the 1 MB limit with 413', async () => {
    const response = await node.call('POST', '/v1/verify', JSON.stringify({ credential: 'x'.repeat(1_100_000) }));
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('rejects a streamed body that grows past the limit without a Content-Length', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${node.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = 'x'.repeat(64 * 1024);
      req.write('{"credential":"');
      for (let i = 0; i < 20; i++) req.write(chunk);
      req.end('"}');
    });
    expect(status).toBe(413);
  });

  it('answers an unknown path with 404 NOT_FOUND and a wrong method with 405', async () => {
    const missing = await node.call('GET', '/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const wrongMethod = await node.call('GET', '/v1/health-codes');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('answers revocation of a malformed or unknown id with 400 / 404', async () => {
    expect((await node.call('POST', '/v1/credentials/not-a-uuid/revoke', {})).status).toBe(400);
    const unknown = await node.call('POST', '/v1/credentials/6f1c2a7e-1111-4222-8333-944455556666/revoke', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });

  it('refuses to revoke twice (409) and leaves the first revocation in place', async () => {
    const issued = await node.call('POST', '/v1/health-codes', valid);
    expect((await node.call('POST', `/v1/credentials/${issued.body.id}/revoke`, {})).status).toBe(200);
    const again = await node.call('POST', `/v1/credentials/${issued.body.id}/revoke`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CREDENTIAL_REVOKED');
  });

  it('answers a credential that is not one with a FORMAT_FAILURE report, not an error', async () => {
    for (const credential of ['hello', 'TB1:????', 'TB1:', 'a.b.c', `${'A'.repeat(100)}.${'B'.repeat(100)}.${'C'.repeat(100)}`]) {
      const report = await node.call('POST', '/v1/verify', { credential });
      expect(report.status).toBe(200);
      expect(report.body.indication).toBe('TOTAL_FAILED');
      expect(report.body.subIndication).toBe('FORMAT_FAILURE');
    }
  });

  it('rejects a verify body that is neither form', async () => {
    const response = await node.call('POST', '/v1/verify', { something: 'else' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_REQUEST');
  });

  it('serves health, metrics and an OpenAPI document that names every contract endpoint', async () => {
    expect((await node.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const metrics = await node.call('GET', '/metrics');
    expect(metrics.body).toContain('tongban_http_request_duration_seconds');
    const doc = (await node.call('GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/healthz', '/openapi.json', '/metrics', '/v1/health-codes', '/v1/credentials/{id}/revoke', '/v1/verify', '/v1/trust/anchor']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    const ref = doc.paths['/v1/health-codes'].post.requestBody.content['application/json'].schema.$ref as string;
    const schema = doc.components.schemas[ref.replace('#/components/schemas/', '')];
    expect(schema.properties.status.enum).toEqual(['green', 'yellow', 'red']);
    expect(JSON.stringify(doc)).not.toContain('#/$defs/');
  });
});

describe('caller trust anchors are checked the same way for every credential form', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => node?.stop());

  it('rejects an anchor that is not a certificate with 400 for a document and signature too', async () => {
    const response = await node.call('POST', '/v1/verify', { document: 'aGVsbG8=', signature: 'aGVsbG8=', trustAnchors: ['not a certificate'] });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_TRUST_ANCHOR');
  });
});
