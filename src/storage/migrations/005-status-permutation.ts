import type { Migration } from './index.js';

/**
 * Each status list gets a secret permutation of its indexes (stride, offset), so that the index in a
 * credential reveals neither the order of issuance nor which credentials were issued together
 * (draft-ietf-oauth-status-list, privacy considerations). Lists made before keep stride 1, offset 0.
 */
export const m005StatusPermutation: Migration = {
  name: '005-status-permutation',
  async up(knex) {
    await knex.schema.alterTable('status_lists', (t) => {
      t.integer('index_stride').notNullable().defaultTo(1);
      t.integer('index_offset').notNullable().defaultTo(0);
    });
  },
  async down(knex) {
    await knex.schema.alterTable('status_lists', (t) => {
      t.dropColumn('index_stride');
      t.dropColumn('index_offset');
    });
  },
};
