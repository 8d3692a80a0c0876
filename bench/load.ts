import { Agent, request } from 'node:http';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/**
 * A closed-loop HTTP load generator: `concurrency` keep-alive connections, each sending the next
 * request as soon as the previous answer arrives, for `seconds`. Bounded in time and in count.
 */
export async function postLoad(url: string, bodies: string[], options: { concurrency: number; seconds: number; maxRequests?: number; check?: (status: number, body: string) => boolean }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const maxRequests = options.maxRequests ?? 5_000_000;

  const one = (body: string) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request(
        { agent, hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            if (options.check && !options.check(res.statusCode ?? 0, Buffer.concat(chunks).toString())) errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });

  const worker = async () => {
    while (performance.now() < deadline && sent < maxRequests) {
      await one(bodies[sent++ % bodies.length]!);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50Ms: pct(0.5), p99Ms: pct(0.99), errors };
}
