import { existsSync } from 'node:fs';
import { bareHttpBaseline, issueHealthCodes, rawEs256VerifyPerSecond, startNodeProcess, verifyBatchLoad, verifyLoad } from './verify.js';

/**
 * `npm run bench`: every figure is measured in this one run, so ratios compare like with like on
 * this machine. Goals (issue #2): one process ≥ 0.75 × raw single-core ES256 verify; a two-worker
 * node above the raw single-core rate.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function line(name: string, value: number | string, unit = ''): void {
  console.log(`${name.padEnd(58)} ${typeof value === 'number' ? value.toFixed(value < 10 ? 3 : 0) : value} ${unit}`.trimEnd());
}

async function pgReachable(): Promise<boolean> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function benchVerify(): Promise<void> {
  console.log('## POST /v1/verify (health codes, ES256) vs raw crypto.verify');
  const raw = rawEs256VerifyPerSecond();
  line('raw crypto.verify ES256, one core', raw, 'ops/s');

  const single = await startNodeProcess({});
  try {
    const credentials = await issueHealthCodes(single, 200);
    const result = await verifyLoad(single, credentials, SECONDS, CONCURRENCY);
    line('HTTP verify, one process (embedded PGlite)', result.perSecond, 'req/s');
    line('  p50 / p99 latency', `${result.p50Ms.toFixed(2)} / ${result.p99Ms.toFixed(2)}`, 'ms');
    line('  errors (non-200 or not TOTAL_PASSED)', result.errors);
    line('RATIO one process ÷ raw single core (goal ≥ 0.75)', result.perSecond / raw);
    const bare = await bareHttpBaseline(credentials, SECONDS, CONCURRENCY);
    line('floor: bare node:http JSON echo, one process, no crypto', bare.perSecond, 'req/s');
    line('  best possible ratio with per-request HTTP (1 / (raw/bare + 1))', 1 / (raw / bare.perSecond + 1));
    const batch = await verifyBatchLoad(single, credentials, 50, SECONDS, 8);
    line('HTTP verify/batch (50 per call), one process', batch.credentialsPerSecond, 'credentials/s');
    line('  p99 latency per batch call', batch.p99Ms.toFixed(2), 'ms');
    line('  errors', batch.errors);
    line('RATIO batch, one process ÷ raw single core', batch.credentialsPerSecond / raw);
  } finally {
    await single.stop();
  }

  if (!(await pgReachable())) {
    line('two workers', 'skipped: no PostgreSQL at BENCH_DATABASE_URL (WORKERS > 1 needs one)');
    return;
  }
  const schema = `bench_${Date.now()}`;
  const clustered = await startNodeProcess({ WORKERS: '2', DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema });
  try {
    const credentials = await issueHealthCodes(clustered, 200);
    const result = await verifyLoad(clustered, credentials, SECONDS, CONCURRENCY * 2);
    line('HTTP verify, two workers (PostgreSQL)', result.perSecond, 'req/s');
    line('  p50 / p99 latency', `${result.p50Ms.toFixed(2)} / ${result.p99Ms.toFixed(2)}`, 'ms');
    line('  errors', result.errors);
    line('RATIO two workers ÷ raw single core (goal > 1)', result.perSecond / raw);
    const batch = await verifyBatchLoad(clustered, credentials, 50, SECONDS, 8);
    line('HTTP verify/batch (50 per call), two workers', batch.credentialsPerSecond, 'credentials/s');
    line('  errors', batch.errors);
    line('RATIO batch, two workers ÷ raw single core', batch.credentialsPerSecond / raw);
  } finally {
    await clustered.stop();
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
}

async function optional(file: string, exportName: string, title: string): Promise<void> {
  if (!existsSync(new URL(file, import.meta.url))) return;
  const module = (await import(file)) as Record<string, () => Promise<Record<string, number>>>;
  const run = module[exportName];
  if (!run) return;
  console.log(`\n## ${title}`);
  for (const [name, value] of Object.entries(await run())) line(name, value);
}

await benchVerify();
await optional('./federation.js', 'benchFederation', 'Federation');
await optional('./seal.js', 'benchSeal', 'Seals');
