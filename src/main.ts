import { loadConfig } from './config/config.js';
import { startNode } from './node.js';

/** `npm start`: one region's node, stopped gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
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
  if (!config.adminToken) node.logger.info({ file: `${config.keysDir}/admin.token` }, 'admin token written to the key directory');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
