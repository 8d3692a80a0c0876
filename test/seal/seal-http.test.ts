// Issue 4 "done when": a seal created through the API stamps a document whose signature verifies in
// Tongban (POST /v1/verify) and with openssl cms -verify; a changed document is TOTAL_FAILED.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from '../../src/clients/clients.js';
import { sealDetachedVerifier } from '../../src/credentials/seal/verification/detached-verifier.js';
import { PathCache } from '../../src/credentials/seal/verification/path-cache.js';
import { createApp } from '../../src/http/app.js';
import { sealRoutes } from '../../src/http/routes/seals.js';
import { verifyRoutes } from '../../src/http/routes/verify.js';
import { createLogger } from '../../src/observability/logger.js';
import { Metrics } from '../../src/observability/metrics.js';
import { x509 } from '../../src/pki/x509.js';
import { LocalStatusLists } from '../../src/status/local-status-lists.js';
import { DEFAULT_POLICY } from '../../src/verification/policy.js';
import { CredentialVerifier } from '../../src/verification/verify-credential.js';
import { derToPem, localSealTrust, openssl, sealNode, tempDir, writeFiles } from './fixtures.js';

const ADMIN = 'test-admin-token-0123456789abcdef';

describe('seals over HTTP', () => {
  const tmp = tempDir();
  let node: Awaited<ReturnType<typeof sealNode>>;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    node = await sealNode(tmp.dir);
    const metrics = new Metrics();
    const trust = await localSealTrust(node.pki);
    const verification = { revocation: node.service.crlPublisher, pathCache: new PathCache() };
    await node.service.crl();
    const statusLists = new LocalStatusLists(node.db.knex, { publicUrl: 'http://127.0.0.1', signers: new Map() });
    const verifier = new CredentialVerifier({ trust: () => trust, status: statusLists, policy: DEFAULT_POLICY, seal: sealDetachedVerifier(verification) });
    const routes = [...sealRoutes({ seals: node.service, trust: () => trust, verification }), ...verifyRoutes({ verifier, metrics })];
    const app = createApp({ logger: createLogger('silent'), metrics, authenticator: new Authenticator(node.db.knex, ADMIN), routes });
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await node.db.close();
    tmp.cleanup();
  });

  async function call(method: string, path: string, body?: unknown, options: { token?: string | null; raw?: Buffer } = {}) {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? ADMIN : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: BodyInit | undefined;
    if (options.raw) {
      headers['content-type'] = 'application/octet-stream';
      payload = new Uint8Array(options.raw);
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(`${url}${path}`, { method, headers, ...(payload ? { body: payload } : {}) });
    const buffer = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, type, raw: buffer, body: type.includes('json') && buffer.length ? JSON.parse(buffer.toString()) : undefined };
  }

  it('creates a seal, stamps a document, and the stamp verifies in Tongban and in OpenSSL', async () => {
    const created = await call('POST', '/v1/seals', { name: '公章', agency: '接口测试局', type: 'official' });
    expect(created.status).toBe(201);
    expect(created.body.certificate).toContain('BEGIN CERTIFICATE');
    const document = Buffer.from('接口盖章测试文件');
    const stamped = await call('POST', `/v1/seals/${created.body.id}/stamp`, undefined, { raw: document });
    expect(stamped.status).toBe(200);

    const verified = await call('POST', '/v1/verify', { document: document.toString('base64'), signature: stamped.body.signature });
    expect(verified.body).toMatchObject({ indication: 'TOTAL_PASSED', credentialType: 'seal-signature', claims: { sealId: created.body.id } });
    const changed = await call('POST', '/v1/verify', { document: Buffer.from('接口盖章测试文件!').toString('base64'), signature: stamped.body.signature });
    expect(changed.body).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });

    writeFiles(tmp.dir, { 'doc.bin': document, 'stamp.der': Buffer.from(stamped.body.signature, 'base64'), 'anchor.pem': derToPem(node.pki.anchor.certificateChain[0]!) });
    const result = openssl(['cms', '-verify', '-binary', '-content', 'doc.bin', '-inform', 'DER', '-in', 'stamp.der', '-CAfile', 'anchor.pem', '-purpose', 'any', '-cades', '-out', '/dev/null'], tmp.dir);
    expect(result.output).toContain('Verification successful');
  });

  it('stamps by digest, revokes, and serves the CRL with the revoked serial', async () => {
    const created = await call('POST', '/v1/seals', { name: '合同专用章', agency: '接口测试局', type: 'contract' });
    const digest = 'a'.repeat(64);
    expect((await call('POST', `/v1/seals/${created.body.id}/stamp-digest`, { digest })).status).toBe(200);
    expect((await call('POST', `/v1/seals/${created.body.id}/stamp-digest`, { digest: 'abc' })).status).toBe(400);
    const revoked = await call('POST', `/v1/seals/${created.body.id}/revoke`, { reason: 'superseded' });
    expect(revoked.body).toMatchObject({ status: 'revoked', revocationReason: 'superseded' });
    const stampAfter = await call('POST', `/v1/seals/${created.body.id}/stamp`, undefined, { raw: Buffer.from('x') });
    expect(stampAfter.status).toBe(409);
    expect(stampAfter.body.error.code).toBe('SEAL_REVOKED');
    const crl = await call('GET', '/v1/seals/crl', undefined, { token: null });
    expect(crl.status).toBe(200);
    expect(crl.type).toContain('application/pkix-crl');
    expect(new x509.X509Crl(new Uint8Array(crl.raw)).findRevoked(created.body.serialNumber)).not.toBeNull();
  });

  it('checks scopes and input: no token 401, unknown seal 404, bad type 400', async () => {
    expect((await call('POST', '/v1/seals', { name: 'x', agency: 'y', type: 'official' }, { token: null })).status).toBe(401);
    expect((await call('GET', '/v1/seals/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await call('POST', '/v1/seals', { name: 'x', agency: 'y', type: 'round' })).status).toBe(400);
    expect((await call('GET', '/v1/seals')).status).toBe(200);
  });

  it('verifies a seal certificate at POST /v1/verify/certificate', async () => {
    const created = await call('POST', '/v1/seals', { name: '财务专用章', agency: '接口测试局', type: 'finance' });
    const report = await call('POST', '/v1/verify/certificate', { certificate: created.body.certificate, usage: 'seal' });
    expect(report.body).toMatchObject({ indication: 'TOTAL_PASSED', credentialType: 'certificate', trustSource: 'federation' });
  });
});
