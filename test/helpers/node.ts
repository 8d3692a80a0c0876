import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config/config.js';
import { startNode, type TongbanNode } from '../../src/node.js';

export interface TestNode extends TongbanNode {
  /** fetch against the node, JSON in and out, with the admin token unless `token` is given. */
  call(method: string, path: string, body?: unknown, options?: { token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/** A real node listening on a loopback port, with its own temp key directory and in-memory PGlite. */
export async function startTestNode(overrides: Partial<Record<string, string>> = {}): Promise<TestNode> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tongban-test-'));
  const config: Config = loadConfig({
    PORT: '0',
    REGION: 'CN-GD',
    DATA_DIR: 'memory',
    KEYS_DIR: path.join(dir, 'keys'),
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  if (overrides.DATA_DIR === undefined) config.dataDir = 'memory';
  const node = await startNode(config);
  return Object.assign(node, {
    async call(method: string, urlPath: string, body?: unknown, options: { token?: string | null; headers?: Record<string, string> } = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      const token = options.token === undefined ? node.adminToken : options.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let payload: string | Buffer | undefined;
      if (Buffer.isBuffer(body)) payload = body;
      else if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${node.url}${urlPath}`, { method, headers, ...(payload !== undefined ? { body: payload as unknown as BodyInit } : {}) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      return { status: response.status, body: parsed as any, headers: response.headers };
    },
    async stop() {
      await node.close();
      await rm(dir, { recursive: true, force: true });
    },
  });
}
