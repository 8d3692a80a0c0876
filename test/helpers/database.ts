import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../src/storage/database.js';

/**
 * The database storage tests run on: the real PostgreSQL named by TEST_DATABASE_URL (CI sets it), in
 * a fresh schema dropped afterwards; otherwise an in-memory embedded PGlite.
 */
export async function openTestDatabase(): Promise<Database & { backend: string }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return Object.assign(await openDatabase({ dataDir: 'memory' }), { backend: 'pglite' });
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const db = await openDatabase({ databaseUrl: url, dataDir: 'unused', schema });
  return {
    ...db,
    backend: 'postgresql',
    async close() {
      await db.knex.raw(`drop schema if exists "${schema}" cascade`);
      await db.close();
    },
  };
}
