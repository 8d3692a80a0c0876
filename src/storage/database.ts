import { mkdir } from 'node:fs/promises';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { lockDataDir } from './data-dir-lock.js';
import { migrationSource } from './migrations/index.js';

export interface DatabaseOptions {
  /** `postgres://…` to use a PostgreSQL server; otherwise the embedded PGlite under `dataDir`. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory` for an in-memory database (tests). */
  dataDir: string;
  /**
   * PostgreSQL schema to use (created if missing), so several regions' nodes, or test runs, can share
   * one server without seeing each other's tables. Default: the server's search_path (public).
   */
  schema?: string | undefined;
}

export interface Database {
  knex: Knex;
  /** `pg` for a PostgreSQL server, `pglite` for the embedded one (single connection). */
  kind: 'pg' | 'pglite';
  close(): Promise<void>;
}

/**
 * Opens the database and brings its schema up to date. The schema uses nothing newer than
 * PostgreSQL 15 (production), although PGlite embeds a newer Postgres.
 * PGlite has a single connection: code inside a transaction must use only the transaction object.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let knex: Knex;
  let kind: Database['kind'];
  let unlock = async () => {};
  if (options.databaseUrl) {
    kind = 'pg';
    if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
    knex = knexFactory({
      client: 'pg',
      connection: options.databaseUrl,
      pool: { min: 0, max: 10 },
      ...(options.schema ? { searchPath: [options.schema] } : {}),
    });
    if (options.schema) await knex.raw(`create schema if not exists "${options.schema}"`);
  } else {
    kind = 'pglite';
    if (options.dataDir !== 'memory') {
      await mkdir(options.dataDir, { recursive: true });
      unlock = await lockDataDir(options.dataDir);
    }
    knex = knexFactory({
      client: ClientPgLite as unknown as typeof knexFactory.Client,
      dialect: 'postgres',
      connection: options.dataDir === 'memory' ? {} : { filename: options.dataDir },
    } as Knex.Config);
  }
  try {
    await knex.migrate.latest({ migrationSource, tableName: 'tongban_migrations', ...(options.schema ? { schemaName: options.schema } : {}) });
  } catch (error) {
    await knex.destroy();
    await unlock();
    throw error;
  }
  return {
    knex,
    kind,
    async close() {
      await knex.destroy();
      await unlock();
    },
  };
}
