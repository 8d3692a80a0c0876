import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { startTestNode } from '../helpers/node.js';

const kidOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString()).kid as string;

describe('routine rotation of an issuer key', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('keeps old credentials valid, issues with the successor, and retires the old key in the trust list', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tb-rotate-'));
    dirs.push(dir);
    const env = { DATA_DIR: path.join(dir, 'data'), KEYS_DIR: path.join(dir, 'keys'), LOG_LEVEL: 'silent' };
    const holder = { holder: { name: '赵六', idNumber: '440106199001015555' }, status: 'green' };

    let node = await startTestNode(env);
    const before = await node.call('POST', '/v1/health-codes', holder);
    const beforeRevoked = await node.call('POST', '/v1/health-codes', holder);
    await node.stop();

    const out: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void out.push(String(line)));
    try {
      await buildProgram({ ...env, PUBLIC_URL: 'http://127.0.0.1:9' }).exitOverride().parseAsync(['node', 'tongban', 'keys', 'rotate', 'health-code-issuer']);
    } finally {
      spy.mockRestore();
    }
    const rotation = JSON.parse(out.join('\n'));
    expect(rotation.oldKid).toBe(kidOf(before.body.credential));
    expect(rotation.newKid).not.toBe(rotation.oldKid);

    node = await startTestNode(env);
    try {
      const after = await node.call('POST', '/v1/health-codes', holder);
      expect(kidOf(after.body.credential)).toBe(rotation.newKid);
      const afterReport = await node.call('POST', '/v1/verify', { credential: after.body.credential });
      expect(afterReport.body.indication).toBe('TOTAL_PASSED');
      // Issued before the retirement: still valid.
      const beforeReport = await node.call('POST', '/v1/verify', { credential: before.body.credential });
      expect(beforeReport.body.checks.filter((c: { result: string }) => c.result !== 'PASSED')).toEqual([]);
      // The retired key's status list is still published, and a revocation still lands on it.
      expect((await node.call('POST', `/v1/credentials/${beforeRevoked.body.id}/revoke`, {})).status).toBe(200);
      expect((await node.call('POST', '/v1/verify', { credential: beforeRevoked.body.credential })).body.subIndication).toBe('REVOKED');
      const listUri = JSON.parse(Buffer.from(before.body.credential.split('.')[1], 'base64url').toString()).status.status_list.uri as string;
      expect((await fetch(`${node.url}${new URL(listUri).pathname}`)).status).toBe(200);

      const list = await (await fetch(`${node.url}/.well-known/tongban/trust-list`)).text();
      const issuers = JSON.parse(Buffer.from(list.split('.')[1]!, 'base64url').toString()).issuers as { kid: string; status: string }[];
      expect(issuers.find((i) => i.kid === rotation.oldKid)?.status).toBe('retired');
      expect(issuers.find((i) => i.kid === rotation.newKid)?.status).toBe('active');
    } finally {
      await node.stop();
    }
  });

  it('refuses to rotate while a node of the region answers', async () => {
    const node = await startTestNode();
    try {
      const env = { PUBLIC_URL: node.url, KEYS_DIR: node.config.keysDir, LOG_LEVEL: 'silent' };
      await expect(buildProgram(env).exitOverride().parseAsync(['node', 'tongban', 'keys', 'rotate', 'health-code-issuer'])).rejects.toThrow(/stop every node/);
    } finally {
      await node.stop();
    }
  });
});
