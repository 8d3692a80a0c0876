import type { Migration } from './index.js';

/**
 * Trust-list federation: this region's issuer keys and its published list, the peers it pins, the
 * lists it accepted from them (with history) and the hubs it subscribes to. docs/federation.md.
 */
export const m002Federation: Migration = {
  name: '002-federation',
  async up(knex) {
    await knex.schema.createTable('trust_issuers', (t) => {
      t.string('kid', 64).primary();
      t.string('name', 200).notNullable();
      t.specificType('roles', 'text[]').notNullable();
      t.jsonb('public_jwk').notNullable();
      t.binary('certificate');
      // base64 DER of the certificates between `certificate` and the anchor; kept local, not published.
      t.jsonb('certificate_chain');
      t.timestamp('valid_from', { useTz: true });
      t.timestamp('valid_to', { useTz: true });
      t.string('status', 16).notNullable();
      t.timestamp('status_since', { useTz: true }).notNullable();
      t.jsonb('status_history').notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable();
    });
    // One row: the sequence is bumped by every change; the signed list is (re)made lazily under a row
    // lock, so that every node of the region serves the same bytes for the same sequence.
    await knex.schema.createTable('trust_list_state', (t) => {
      t.integer('id').primary();
      t.bigInteger('sequence').notNullable();
      t.bigInteger('signed_sequence');
      t.text('jws');
      t.string('jws_hash', 64);
      t.timestamp('issued_at', { useTz: true });
      t.timestamp('next_update', { useTz: true });
      t.timestamp('updated_at', { useTz: true }).notNullable();
    });
    await knex.schema.createTable('trust_peers', (t) => {
      t.string('region', 16).primary();
      t.string('url', 2000).notNullable();
      t.text('anchor_pem').notNullable();
      t.string('source', 16).notNullable(); // manual | hub
      t.string('hub_id', 100);
      t.string('status', 16).notNullable(); // active | withdrawn
      t.bigInteger('last_sequence');
      t.string('last_hash', 64);
      t.timestamp('next_update', { useTz: true });
      t.timestamp('last_sync_at', { useTz: true });
      t.timestamp('last_success_at', { useTz: true });
      t.string('last_error_code', 64);
      t.string('last_error', 1000);
      t.integer('consecutive_failures').notNullable().defaultTo(0);
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
    });
    await knex.schema.createTable('trust_peer_lists', (t) => {
      t.bigIncrements('id').primary();
      t.string('region', 16).notNullable();
      t.bigInteger('sequence').notNullable();
      t.text('jws').notNullable();
      t.string('jws_hash', 64).notNullable();
      t.integer('issuer_count').notNullable();
      t.timestamp('issued_at', { useTz: true }).notNullable();
      t.timestamp('next_update', { useTz: true }).notNullable();
      t.timestamp('accepted_at', { useTz: true }).notNullable();
      t.unique(['region', 'sequence']);
    });
    await knex.schema.createTable('trust_hubs', (t) => {
      t.string('id', 100).primary();
      t.string('url', 2000).notNullable();
      t.text('anchor_pem').notNullable();
      t.bigInteger('last_sequence');
      t.string('last_hash', 64);
      t.text('last_jws');
      t.timestamp('next_update', { useTz: true });
      t.timestamp('last_sync_at', { useTz: true });
      t.string('last_error_code', 64);
      t.string('last_error', 1000);
      t.integer('consecutive_failures').notNullable().defaultTo(0);
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
    });
  },
  async down(knex) {
    for (const table of ['trust_hubs', 'trust_peer_lists', 'trust_peers', 'trust_list_state', 'trust_issuers']) await knex.schema.dropTableIfExists(table);
  },
};
