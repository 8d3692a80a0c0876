import type { Migration } from './index.js';

/** API clients, the credential registry, status lists and the audit log. */
export const m001Foundation: Migration = {
  name: '001-foundation',
  async up(knex) {
    await knex.schema.createTable('api_clients', (t) => {
      t.uuid('id').primary();
      t.string('name', 200).notNullable();
      t.specificType('scopes', 'text[]').notNullable();
      // SHA-256 of the token: tokens are high-entropy random strings, so a fast hash is enough
      // and the plaintext is never stored.
      t.string('token_hash', 64).notNullable().unique();
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('disabled_at', { useTz: true });
    });
    await knex.schema.createTable('status_lists', (t) => {
      t.uuid('id').primary();
      t.string('issuer_kid', 64).notNullable();
      t.string('purpose', 40).notNullable();
      t.integer('bits').notNullable();
      t.integer('capacity').notNullable();
      t.integer('next_index').notNullable().defaultTo(0);
      t.binary('statuses').notNullable();
      t.bigInteger('version').notNullable().defaultTo(0);
      t.timestamp('updated_at', { useTz: true }).notNullable();
      t.index(['issuer_kid', 'purpose']);
    });
    await knex.schema.createTable('credentials', (t) => {
      t.uuid('id').primary();
      t.string('type', 40).notNullable();
      t.string('issuer_kid', 64).notNullable();
      t.string('holder_pseudonym', 64).notNullable();
      t.string('identifier', 200).unique();
      t.timestamp('issued_at', { useTz: true }).notNullable();
      t.timestamp('expires_at', { useTz: true }).notNullable();
      t.uuid('status_list_id').notNullable().references('status_lists.id');
      t.integer('status_index').notNullable();
      t.string('status', 20).notNullable().defaultTo('valid');
      t.timestamp('status_changed_at', { useTz: true });
      t.string('status_reason', 500);
      t.unique(['status_list_id', 'status_index']);
      t.index(['holder_pseudonym']);
    });
    await knex.schema.createTable('audit_log', (t) => {
      t.bigInteger('seq').primary();
      t.timestamp('at', { useTz: true }).notNullable();
      t.string('actor', 200).notNullable();
      t.string('action', 80).notNullable();
      t.string('subject', 200);
      t.jsonb('details').notNullable();
      t.string('prev_hash', 64).notNullable();
      t.string('hash', 64).notNullable();
    });
  },
  async down(knex) {
    for (const table of ['audit_log', 'credentials', 'status_lists', 'api_clients']) await knex.schema.dropTableIfExists(table);
  },
};
