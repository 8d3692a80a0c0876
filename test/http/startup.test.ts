import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startNode } from '../../src/node.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('a node that is starting', () => {
  it('answers every request at once — 503 STARTING until ready, then the API — and never leaves one hanging', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tb-start-'));
    const port = await freePort();
    const config = loadConfig({ PORT: String(port), DATA_DIR: path.join(dir, 'data'), KEYS_DIR: path.join(dir, 'keys'), LOG_LEVEL: 'silent' });
    const starting = startNode(config);
    const statuses: number[] = [];
    try {
      for (let i = 0; i < 400 && !statuses.includes(200); i++) {
        try {
          const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) });
          statuses.push(response.status);
          if (response.status === 503) expect((await response.json()).error.code).toBe('STARTING');
        } catch (error) {
          // Connection refused before the socket is bound is fine; a timeout is a hang.
          expect((error as Error).name).not.toBe('TimeoutError');
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      expect(statuses.at(-1)).toBe(200);
      expect(statuses.every((s) => s === 503 || s === 200)).toBe(true);
    } finally {
      await (await starting).close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
