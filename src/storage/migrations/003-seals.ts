import type { Migration } from './index.js';

/** Electronic seals (certificate, encrypted key, lifecycle) and the seal CA's issued CRLs. */
export const m003Seals: Migration = {
  name: '003-seals',
  async up(knex) {
    await knex.schema.createTable('seals', (t) => {
      t.uuid('id').primary();
      t.string('region', 16).notNullable();
      t.string('name', 200).notNullable();
      t.string('agency', 200).notNullable();
      t.string('type', 40).notNullable();
      t.string('status', 16).notNullable().defaultTo('active');
      // Hexadecimal certificate serial, unique per issuing CA (RFC 5280 §4.1.2.2).
      t.string('serial_number', 42).notNullable();
      t.string('issuer_fingerprint', 64).notNullable();
      t.binary('certificate').notNullable();
      // AES-256-GCM ciphertext of the PKCS#8 key (see src/credentials/seal/seal-key-vault.ts).
      t.binary('encrypted_key').notNullable();
      t.timestamp('valid_from', { useTz: true }).notNullable();
      t.timestamp('valid_to', { useTz: true }).notNullable();
      t.string('image_type', 8);
      t.string('image_sha256', 64);
      t.binary('image');
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('suspended_at', { useTz: true });
      t.timestamp('revoked_at', { useTz: true });
      t.string('revocation_reason', 40);
      t.unique(['issuer_fingerprint', 'serial_number']);
      t.index(['agency']);
    });
    await knex.schema.createTable('seal_crls', (t) => {
      t.string('issuer_fingerprint', 64).notNullable();
      t.bigInteger('crl_number').notNullable();
      t.timestamp('this_update', { useTz: true }).notNullable();
      t.timestamp('next_update', { useTz: true }).notNullable();
      t.binary('der').notNullable();
      t.primary(['issuer_fingerprint', 'crl_number']);
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('seal_crls');
    await knex.schema.dropTableIfExists('seals');
  },
};
