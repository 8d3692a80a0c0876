import type { Knex } from 'knex';
import { m001Foundation } from './001-foundation.js';
import { m002Federation } from './002-federation.js';
import { m003Seals } from './003-seals.js';
import { m004Licences } from './004-licences.js';
import { m005StatusPermutation } from './005-status-permutation.js';

/** A schema migration, compiled with the app (no migration files are read at run time). */
export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Every migration, in order. Append; never edit or reorder one that has shipped. */
const MIGRATIONS: Migration[] = [m001Foundation, m002Federation, m003Seals, m004Licences, m005StatusPermutation];

export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};
