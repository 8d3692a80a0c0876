import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

async function run(env: Record<string, string>, ...args: string[]): Promise<string> {
  const out: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  try {
    await buildProgram(env).exitOverride().parseAsync(['node', 'tongban', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out.join('\n');
}

describe('tongban CLI', () => {
  let node: TestNode;
  let env: Record<string, string>;
  beforeAll(async () => {
    node = await startTestNode();
    env = { PUBLIC_URL: node.url, KEYS_DIR: node.config.keysDir, LOG_LEVEL: 'silent' };
  });
  afterAll(async () => node?.stop());

  it('creates a client through the running node whose token then works with exactly its scopes', async () => {
    const created = JSON.parse(await run(env, 'client', 'create', '--scopes', 'healthcode:issue', '--name', 'Guangzhou hall'));
    expect(created.scopes).toEqual(['healthcode:issue']);
    const issued = await node.call('POST', '/v1/health-codes', { holder: { name: '王五', idNumber: '44010619900101123X' }, status: 'green' }, { token: created.token });
    expect(issued.status).toBe(201);
    const denied = await node.call('POST', '/v1/clients', { name: 'x', scopes: ['audit:read'] }, { token: created.token });
    expect(denied.status).toBe(403);
  });

  it('re-walks the audit chain of the running node', async () => {
    const result = JSON.parse(await run(env, 'audit', 'verify'));
    expect(result.ok).toBe(true);
    expect(result.records).toBeGreaterThan(0);
  });

  it('opens the embedded database itself when no node is running', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tb-cli-'));
    try {
      const offline = { PUBLIC_URL: 'http://127.0.0.1:9', DATA_DIR: path.join(dir, 'data'), KEYS_DIR: path.join(dir, 'keys'), LOG_LEVEL: 'silent' };
      const created = JSON.parse(await run(offline, 'client', 'create', '--scopes', 'audit:read,seal:stamp'));
      expect(created.token).toMatch(/^tb_/);
      const chain = JSON.parse(await run(offline, 'audit', 'verify'));
      expect(chain).toEqual({ ok: true, records: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown scope', async () => {
    await expect(run(env, 'client', 'create', '--scopes', 'everything')).rejects.toThrow(/INVALID_REQUEST|unknown scopes|Invalid/);
  });
});

describe('client administration over HTTP', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(async () => node?.stop());

  it('disables a client whose token then stops working at once', async () => {
    const created = await node.call('POST', '/v1/clients', { name: 'leaky', scopes: ['audit:read'] });
    expect((await node.call('GET', '/v1/audit/verify', undefined, { token: created.body.token })).status).toBe(200);
    const disabled = await node.call('POST', `/v1/clients/${created.body.id}/disable`);
    expect(disabled.status).toBe(200);
    const after = await node.call('GET', '/v1/audit/verify', undefined, { token: created.body.token });
    expect(after.status).toBe(401);
    expect((await node.call('POST', `/v1/clients/${created.body.id}/disable`)).status).toBe(409);
  });

  it('answers a client id that only looks like a UUID with 400, not a database error', async () => {
    for (const id of ['-'.repeat(36), 'a'.repeat(36)]) {
      const response = await node.call('POST', `/v1/clients/${id}/disable`);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('INVALID_REQUEST');
    }
  });

  it('exposes when each key certificate expires', async () => {
    const metrics = await node.call('GET', '/metrics');
    expect(metrics.body).toMatch(/tongban_key_certificate_expiry_timestamp_seconds\{key="health-code-issuer"\} \d+/);
  });
});
