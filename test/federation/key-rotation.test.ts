import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../src/crypto/file-key-store.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { rotateKey } from '../../src/trust/key-rotation.js';
import { ensureLocalIssuers } from '../../src/trust/trust-list/local-issuers-store.js';
import { regionPki, removeTempDirs } from './helpers.js';

let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});
afterAll(removeTempDirs);

const statusOf = async (kid: string) => ((await db!.knex('trust_issuers').where({ kid }).first('status')) as { status: string } | undefined)?.status;

describe('issuer key rotation', () => {
  it('resumes a rotation that archived the key but failed before retiring it, instead of rotating the successor', async () => {
    const pki = await regionPki('CN-GD');
    db = await openDatabase({ dataDir: 'memory' });
    await ensureLocalIssuers(db.knex, pki);
    const store = new FileKeyStore(pki.keysDir);
    const original = pki.healthCodeIssuer.kid;
    // The interrupted run: the key was archived, then the run failed.
    await store.archive('health-code-issuer');
    expect(await statusOf(original)).toBe('active');

    const result = await rotateKey(store, db.knex, 'CN-GD', 'health-code-issuer', 'test');
    expect(result.oldKid).toBe(original);
    expect(await statusOf(original)).toBe('retired');
    expect(await statusOf(result.newKid)).toBe('active');
    expect((await store.archived('health-code-issuer')).map((s) => s.kid)).toEqual([original]);
    expect((await store.load('health-code-issuer')).kid).toBe(result.newKid);
  });

  it('rotates normally: archives, registers the successor and retires the old key', async () => {
    const pki = await regionPki('CN-GD');
    db = await openDatabase({ dataDir: 'memory' });
    await ensureLocalIssuers(db.knex, pki);
    const store = new FileKeyStore(pki.keysDir);
    const result = await rotateKey(store, db.knex, 'CN-GD', 'health-code-issuer', 'test');
    expect(result.oldKid).toBe(pki.healthCodeIssuer.kid);
    expect(await statusOf(result.oldKid)).toBe('retired');
    expect(await statusOf(result.newKid)).toBe('active');
    const again = await rotateKey(store, db.knex, 'CN-GD', 'health-code-issuer', 'test');
    expect(again.oldKid).toBe(result.newKid);
    expect(await statusOf(result.newKid)).toBe('retired');
  });
});
