import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from '../../src/clients/clients.js';
import { encodeBase64Url } from '../../src/crypto/base64url.js';
import { licenceTextVerifier } from '../../src/credentials/licence/text-verifier.js';
import { present } from '../../src/credentials/licence/present.js';
import { createApp } from '../../src/http/app.js';
import { credentialRoutes } from '../../src/http/routes/credentials.js';
import { licenceRoutes } from '../../src/http/routes/licences.js';
import { verifyRoutes } from '../../src/http/routes/verify.js';
import { createLogger } from '../../src/observability/logger.js';
import { Metrics } from '../../src/observability/metrics.js';
import { loadOrCreateRegionPki } from '../../src/pki/region-pki.js';
import { LocalStatusLists } from '../../src/status/local-status-lists.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { localIssuersFromPki } from '../helpers/local-issuers.js';
import { IssuerIndex } from '../../src/trust/trust-material.js';
import { DEFAULT_POLICY } from '../../src/verification/policy.js';
import { CredentialVerifier } from '../../src/verification/verify-credential.js';
import { AUTHORITY, businessFields, holder, keyStore } from './helpers.js';

// The licence routes wired the way node.ts wires the others, with the real verify and revoke routes.
let db: Database;
let server: Server;
let url: string;
let cleanup: () => Promise<void>;
const ADMIN = 'test-admin-token-0123456789abcdef';

beforeAll(async () => {
  const ks = await keyStore();
  cleanup = ks.cleanup;
  const pki = await loadOrCreateRegionPki(ks.store, 'CN-GD');
  db = await openDatabase({ dataDir: 'memory' });
  const metrics = new Metrics();
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const statusLists = new LocalStatusLists(db.knex, { publicUrl: url, signers: new Map([[pki.licenceIssuer.kid, pki.licenceIssuer]]) });
  const trust = new IssuerIndex(localIssuersFromPki(pki));
  const verifier = new CredentialVerifier({ trust: () => trust, status: statusLists, policy: DEFAULT_POLICY, licence: licenceTextVerifier });
  const issuer = { signer: pki.licenceIssuer, region: 'CN-GD', publicUrl: url, authorityCode: AUTHORITY, statusLists, pseudonymKey: pki.pseudonymKey };
  const routes = [...licenceRoutes({ knex: db.knex, issuer, metrics }), ...verifyRoutes({ verifier, metrics }), ...credentialRoutes({ knex: db.knex, statusLists })];
  const app = createApp({ logger: createLogger('silent'), metrics, authenticator: new Authenticator(db.knex, ADMIN), routes });
  server.on('request', app.callback());
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await db.close();
  await cleanup();
});

async function call(method: string, path: string, body?: unknown, token: string | null = ADMIN): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const request = { type: 'business-licence', holder, fields: businessFields };

describe('licences over HTTP', () => {
  it('lists the licence types with their JSON Schemas', async () => {
    const types = await call('GET', '/v1/licence-types', undefined, null);
    expect(types.status).toBe(200);
    expect(types.body.map((t: { type: string }) => t.type)).toContain('hk-identity-card');
  });

  it('issues a business licence that verifies in full and as a selective presentation', async () => {
    const issued = await call('POST', '/v1/licences', request);
    expect(issued.status).toBe(201);
    expect(Object.keys(issued.body).sort()).toEqual(['credential', 'id', 'identifier']);
    const full = await call('POST', '/v1/verify', { credential: issued.body.credential }, null);
    expect(full.body.indication).toBe('TOTAL_PASSED');
    expect(full.body.credentialType).toBe('licence');
    const presentation = await present(issued.body.credential, { disclose: ['companyName'] });
    const partial = await call('POST', '/v1/verify', { credential: presentation }, null);
    expect(partial.body.indication).toBe('TOTAL_PASSED');
    expect(partial.body.claims.companyName).toBe(businessFields.companyName);
    expect(partial.body.claims.address).toBeUndefined();
  });

  it('refuses a forged disclosure', async () => {
    const issued = await call('POST', '/v1/licences', request);
    const forged = encodeBase64Url(JSON.stringify(['AAAAAAAAAAAAAAAAAAAAAA', 'registeredCapital', '100亿元人民币']));
    const report = await call('POST', '/v1/verify', { credential: `${await present(issued.body.credential, { disclose: ['companyName'] })}${forged}~` }, null);
    expect(report.body.indication).toBe('TOTAL_FAILED');
    expect(report.body.subIndication).toBe('HASH_FAILURE');
  });

  it('reports a revoked licence as TOTAL_FAILED REVOKED', async () => {
    const issued = await call('POST', '/v1/licences', request);
    expect((await call('POST', `/v1/credentials/${issued.body.id}/revoke`, { reason: 'test' })).status).toBe(200);
    const report = await call('POST', '/v1/verify', { credential: issued.body.credential }, null);
    expect([report.body.indication, report.body.subIndication]).toEqual(['TOTAL_FAILED', 'REVOKED']);
  });

  it('answers field-level errors for a wrong licence request', async () => {
    const wrong = await call('POST', '/v1/licences', { ...request, fields: { ...businessFields, establishedOn: 'soon' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('INVALID_LICENCE_FIELDS');
    expect(wrong.body.error.details.errors).toEqual([{ path: 'fields.establishedOn', message: 'Invalid ISO date' }]);
  });

  it('lets an agency use a licence with a reason and records the usage', async () => {
    const issued = await call('POST', '/v1/licences', request);
    const id = issued.body.identifier;
    expect((await call('GET', `/v1/licences/${id}`)).body.error.code).toBe('REASON_REQUIRED');
    const fetched = await call('GET', `/v1/licences/${id}?reason=${encodeURIComponent('企业开办核验')}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.credential).toBe(issued.body.credential);
    expect((await call('POST', `/v1/licences/${id}/use`, { reason: '税务登记' })).status).toBe(200);
    const usage = await call('GET', `/v1/licences/${id}/usage`);
    expect(usage.body.map((u: { reason: string }) => u.reason).sort()).toEqual(['企业开办核验', '税务登记'].sort());
    expect((await call('GET', `/v1/licences/${id}/usage`, undefined, null)).status).toBe(401);
  });
});
