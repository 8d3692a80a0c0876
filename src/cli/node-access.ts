import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { openDatabase, type Database } from '../storage/database.js';

/**
 * How the CLI reaches a node's data. A running node owns its embedded PGlite database exclusively
 * (PGlite is single-process: a second opener would corrupt it), so the CLI first asks the node over
 * HTTP with the admin token, and opens the database itself only when no node answers.
 */
export type NodeAccess = { kind: 'http'; url: string; token: string } | { kind: 'database'; database: Database };

export async function adminToken(config: Config): Promise<string> {
  if (config.adminToken) return config.adminToken;
  return (await readFile(path.join(config.keysDir, 'admin.token'), 'utf8')).trim();
}

export async function reachNode(config: Config): Promise<NodeAccess> {
  try {
    const response = await fetch(`${config.publicUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
    if (response.ok) return { kind: 'http', url: config.publicUrl, token: await adminToken(config) };
  } catch {
    // No node listening: fall through to the database.
  }
  return { kind: 'database', database: await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema }) };
}

export async function callNode(access: { url: string; token: string }, method: string, urlPath: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${access.url}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${access.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const payload = (await response.json()) as { error?: { code: string; message: string } };
  if (!response.ok) throw new Error(`${payload.error?.code ?? response.status}: ${payload.error?.message ?? 'request failed'}`);
  return payload;
}
