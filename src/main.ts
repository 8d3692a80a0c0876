import cluster from 'node:cluster';
import { loadConfig, type Config } from './config/config.js';
import { FileKeyStore } from './crypto/file-key-store.js';
import { newToken } from './clients/clients.js';
import { loadOrCreateRegionPki } from './pki/region-pki.js';
import { openDatabase } from './storage/database.js';
import { startNode } from './node.js';

/** One process serving HTTP, stopped gracefully on SIGTERM/SIGINT. */
async function serve(config: Config): Promise<void> {
  const node = await startNode(config);
  const stop = async (signal: string) => {
    node.logger.info({ signal }, 'shutting down');
    // In-flight requests get up to 10 s to finish; then the process ends regardless.
    setTimeout(() => process.exit(1), 10_000).unref();
    await node.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  if (!config.adminToken && (cluster.isPrimary || cluster.worker?.id === 1)) {
    node.logger.info({ file: `${config.keysDir}/admin.token` }, 'admin token is in the key directory');
  }
}

/**
 * With WORKERS > 1 the primary prepares what must happen once (schema migration, first-start key
 * generation) and then forks workers that share the listening socket; a worker that dies is replaced.
 */
async function primary(config: Config): Promise<void> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
  await database.close();
  const keys = new FileKeyStore(config.keysDir, config.keysPassphrase);
  await loadOrCreateRegionPki(keys, config.region);
  if (!config.adminToken) await keys.secret('admin.token', newToken);
  let stopping = false;
  for (let i = 0; i < config.workers; i++) cluster.fork();
  cluster.on('exit', (worker, code) => {
    if (!stopping && code !== 0) cluster.fork();
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 11_000).unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.workers > 1 && cluster.isPrimary) await primary(config);
  else await serve(config);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
