import path from 'node:path';
import { z } from 'zod';

/** Node configuration from the environment (CONTRACT.md "Running a node"); every variable is optional. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  REGION: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, 'REGION must be an ISO 3166-2 code such as CN-GD').default('CN-GD'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL').optional(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'DATABASE_SCHEMA must be a lower-case SQL identifier').optional(),
  KEYS_DIR: z.string().min(1).default('./keys'),
  KEYS_PASSPHRASE: z.string().min(1).optional(),
  TONGBAN_ADMIN_TOKEN: z.string().min(16, 'TONGBAN_ADMIN_TOKEN must be at least 16 characters').optional(),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STATUS_LIST_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
  LICENCE_AUTHORITY_CODE: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, 'LICENCE_AUTHORITY_CODE must be an 18-character unified social credit code').optional(),
  TRUST_HUB_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'TRUST_HUB_ID must be 1-64 letters, digits, dots, hyphens or underscores').optional(),
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  TRUST_SYNC_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(3600),
  TRUST_LIST_GRACE_SECONDS: z.coerce.number().int().min(0).max(7 * 86_400).default(24 * 3600),
});

export interface Config {
  port: number;
  host: string;
  region: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databaseSchema: string | undefined;
  keysDir: string;
  keysPassphrase: string | undefined;
  adminToken: string | undefined;
  /** Base URL partners use to reach this node (status lists, trust list); defaults to http://HOST:PORT. */
  publicUrl: string;
  logLevel: string;
  statusListTtlSeconds: number;
  clockSkewSeconds: number;
  trustSyncIntervalSeconds: number;
  /** When set, this node also acts as a national hub and publishes a signed list of lists under this id. */
  trustHubId: string | undefined;
  /** The issuing authority's unified social credit code (GB 32100), used in licence identifiers. */
  licenceAuthorityCode: string | undefined;
  /** HTTP worker processes (node:cluster). More than one needs DATABASE_URL: PGlite is single-process. */
  workers: number;
  trustListGraceSeconds: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  if (e.WORKERS > 1 && !e.DATABASE_URL) throw new Error('invalid configuration: WORKERS > 1 needs DATABASE_URL (embedded PGlite is single-process)');
  const displayHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? '127.0.0.1' : e.HOST;
  return {
    port: e.PORT,
    host: e.HOST,
    region: e.REGION,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    keysDir: path.resolve(e.KEYS_DIR),
    keysPassphrase: e.KEYS_PASSPHRASE,
    adminToken: e.TONGBAN_ADMIN_TOKEN,
    publicUrl: (e.PUBLIC_URL ?? `http://${displayHost}:${e.PORT}`).replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    statusListTtlSeconds: e.STATUS_LIST_TTL_SECONDS,
    clockSkewSeconds: e.CLOCK_SKEW_SECONDS,
    trustSyncIntervalSeconds: e.TRUST_SYNC_INTERVAL_SECONDS,
    workers: e.WORKERS,
    licenceAuthorityCode: e.LICENCE_AUTHORITY_CODE,
    trustHubId: e.TRUST_HUB_ID,
    trustListGraceSeconds: e.TRUST_LIST_GRACE_SECONDS,
  };
}
