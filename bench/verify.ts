import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postLoad, type LoadResult } from './load.js';

/** Raw single-core rate of the primitive the verify path is built on: crypto.verify, ES256 (P1363). */
export function rawEs256VerifyPerSecond(seconds = 2): number {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const data = Buffer.from('eyJhbGciOiJFUzI1NiIsInR5cCI6InRvbmdiYW4taGMrand0In0.' + 'x'.repeat(420));
  const signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const end = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) if (!verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)) throw new Error('raw verify failed');
    n += 100;
  }
  return n / seconds;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`node exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('node did not become healthy');
}

export interface NodeUnderTest {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/** Starts a real node (`dist/src/main.js`) in its own process, as `npm start` would. */
export async function startNodeProcess(env: Record<string, string>): Promise<NodeUnderTest> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tongban-bench-'));
  const port = await freePort();
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), 'dist/src/main.js'], {
    env: { ...process.env, PORT: String(port), DATA_DIR: path.join(dir, 'data'), KEYS_DIR: path.join(dir, 'keys'), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child);
  const token = (await readFile(path.join(dir, 'keys', 'admin.token'), 'utf8')).trim();
  return {
    url,
    token,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function issueHealthCodes(node: NodeUnderTest, count: number): Promise<string[]> {
  const credentials: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${node.url}/v1/health-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${node.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ holder: { name: `测试${i}`, idNumber: `4401061990${String(i).padStart(8, '0')}` }, status: 'green' }),
    });
    const body = (await response.json()) as { credential: string };
    credentials.push(body.credential);
  }
  return credentials;
}

export async function verifyLoad(node: NodeUnderTest, credentials: string[], seconds: number, concurrency: number): Promise<LoadResult> {
  const bodies = credentials.map((credential) => JSON.stringify({ credential }));
  // Warm up (JIT, connection set-up), then measure.
  await postLoad(`${node.url}/v1/verify`, bodies, { concurrency, seconds: 1 });
  return postLoad(`${node.url}/v1/verify`, bodies, { concurrency, seconds, check: (status, body) => status === 200 && body.includes('"TOTAL_PASSED"') });
}

/** Batches of `size` credentials per POST /v1/verify/batch; returns credentials verified per second. */
export async function verifyBatchLoad(node: NodeUnderTest, credentials: string[], size: number, seconds: number, concurrency: number): Promise<LoadResult & { credentialsPerSecond: number }> {
  const bodies: string[] = [];
  for (let i = 0; i < credentials.length; i += size) {
    bodies.push(JSON.stringify({ items: credentials.slice(i, i + size).map((credential) => ({ credential })) }));
  }
  const check = (status: number, body: string) => status === 200 && !body.includes('"TOTAL_FAILED"') && !body.includes('"INDETERMINATE"');
  await postLoad(`${node.url}/v1/verify/batch`, bodies, { concurrency, seconds: 1 });
  const result = await postLoad(`${node.url}/v1/verify/batch`, bodies, { concurrency, seconds, check });
  return { ...result, credentialsPerSecond: result.perSecond * size };
}

/**
 * The floor under any Node HTTP service on this machine: a bare node:http server in its own process
 * that reads the body, parses the JSON and answers a small JSON object — no framework, no crypto.
 */
export async function bareHttpBaseline(credentials: string[], seconds: number, concurrency: number): Promise<LoadResult> {
  const port = await freePort();
  const script = `require('http').createServer((q,s)=>{const c=[];q.on('data',d=>c.push(d));q.on('end',()=>{JSON.parse(Buffer.concat(c).toString());s.setHeader('content-type','application/json');s.end('{"indication":"TOTAL_PASSED"}')})}).listen(${port},'127.0.0.1')`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      try {
        await fetch(url, { method: 'POST', body: '{}' });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const bodies = credentials.map((credential) => JSON.stringify({ credential }));
    await postLoad(url, bodies, { concurrency, seconds: 1 });
    return await postLoad(url, bodies, { concurrency, seconds });
  } finally {
    child.kill();
  }
}
