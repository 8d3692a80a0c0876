import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNode, type TestNode } from '../helpers/node.js';

// Bodies a careless or hostile caller sends: wrong types, wrong shapes, extremes, encodings.
const JUNK: (string | Buffer)[] = [
  '',
  '{}',
  '[]',
  'null',
  '"x"',
  '12345678901234567890123456789',
  '{"credential":null}',
  '{"credential":{"$ne":1}}',
  '{"items":[{}]}',
  '{"holder":{"name":[],"idNumber":{}},"status":1}',
  '{"type":"business-licence","holder":1,"fields":"x"}',
  '{"name":"\\u0000","agency":"\\ud800","type":"official"}',
  '{"region":"CN-XX","url":"file:///etc/passwd","anchor":"x"}',
  '{"document":"!!!","signature":"%%%"}',
  '{"certificate":"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----"}',
  '{"reason":"' + 'x'.repeat(5000) + '"}',
  '{"__proto__":{"admin":true}}',
  Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
];

describe('no input reaches a 5xx', () => {
  let node: TestNode;
  let operations: { method: string; path: string }[];
  beforeAll(async () => {
    node = await startTestNode();
    const doc = (await node.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'not-an-id') })),
    );
  });
  afterAll(async () => node?.stop());

  it('answers every documented operation with < 500 for every junk body, content type and id', async () => {
    expect(operations.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const { method, path } of operations) {
      for (const body of JUNK) {
        for (const contentType of ['application/json', 'application/octet-stream', 'text/plain']) {
          const response = await node.call(method, path, method === 'GET' ? undefined : body, { headers: { 'content-type': contentType } });
          if (response.status >= 500) failures.push(`${method} ${path} [${contentType}] ${String(body).slice(0, 40)} → ${response.status} ${JSON.stringify(response.body).slice(0, 120)}`);
          else if (response.status >= 400 && typeof response.body?.error?.code !== 'string') failures.push(`${method} ${path} → ${response.status} without an error code`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('answers a well-formed UUID that names nothing with 404, not 500', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const { method, path } of operations.filter((o) => o.path.includes('not-an-id'))) {
      const response = await node.call(method, path.replace('not-an-id', id), method === 'GET' ? undefined : '{}');
      expect(response.status, `${method} ${path}`).toBeLessThan(500);
    }
  });
});
