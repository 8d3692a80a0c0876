import type { Migration } from './index.js';

/**
 * Electronic licences: the issued SD-JWT kept for lookup by its GB/T 36904 identifier, the serial
 * counter per (type code, issuing authority) and the record of every use of a licence by an agency (用证).
 */
export const m004Licences: Migration = {
  name: '004-licences',
  async up(knex) {
    await knex.schema.createTable('licences', (t) => {
      t.uuid('credential_id').primary().references('credentials.id');
      t.string('identifier', 200).notNullable().unique();
      t.string('type', 40).notNullable();
      t.string('authority_code', 18).notNullable();
      // The issued SD-JWT with every disclosure: personal data, served only to agencies with
      // licence:use and a recorded reason.
      t.text('sd_jwt').notNullable();
    });
    await knex.schema.createTable('licence_serials', (t) => {
      t.string('type_code', 40).notNullable();
      t.string('authority_code', 18).notNullable();
      t.bigInteger('last_serial').notNullable();
      t.primary(['type_code', 'authority_code']);
    });
    await knex.schema.createTable('licence_usage', (t) => {
      t.uuid('id').primary();
      t.uuid('credential_id').notNullable().references('licences.credential_id');
      t.string('identifier', 200).notNullable();
      // The API client (agency) that used the licence; not a foreign key, the bootstrap admin has no row.
      t.string('client_id', 200).notNullable();
      t.string('reason', 200).notNullable();
      t.timestamp('at', { useTz: true }).notNullable();
      t.index(['identifier', 'at']);
      t.index(['credential_id', 'at']);
    });
  },
  async down(knex) {
    for (const table of ['licence_usage', 'licence_serials', 'licences']) await knex.schema.dropTableIfExists(table);
  },
};
