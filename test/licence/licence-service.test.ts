import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit-log.js';
import type { Signer } from '../../src/crypto/signer.js';
import { holderPseudonym } from '../../src/credentials/holder.js';
import { formatLicenceIdentifier, parseLicenceIdentifier, serialFor } from '../../src/credentials/licence/identifier.js';
import { issueLicence, type LicenceIssuerDeps } from '../../src/credentials/licence/issue-licence.js';
import { present } from '../../src/credentials/licence/present.js';
import { listUsage, useLicence } from '../../src/credentials/licence/usage.js';
import { verifyLicence } from '../../src/credentials/licence/verify-licence.js';
import { TongbanError } from '../../src/errors.js';
import { LocalStatusLists } from '../../src/status/local-status-lists.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { AUTHORITY, businessFields, holder, keyStore, trustedIssuer, trustOf } from './helpers.js';

let db: Database;
let signer: Signer;
let statusLists: LocalStatusLists;
let deps: LicenceIssuerDeps;
let cleanup: () => Promise<void>;
const pseudonymKey = Buffer.alloc(32, 7);

beforeAll(async () => {
  const ks = await keyStore();
  cleanup = ks.cleanup;
  signer = await ks.store.generate('licence-issuer');
  db = await openDatabase({ dataDir: 'memory' });
  statusLists = new LocalStatusLists(db.knex, { publicUrl: 'https://gd.tongban.example', signers: new Map([[signer.kid, signer]]) });
  deps = { signer, region: 'CN-GD', publicUrl: 'https://gd.tongban.example', authorityCode: AUTHORITY, statusLists, pseudonymKey };
});
afterAll(async () => {
  await db.close();
  await cleanup();
});

const request = { type: 'business-licence', holder, fields: businessFields };
const verifyOptions = () => ({ trust: trustOf(trustedIssuer(signer)), status: statusLists });

async function rejection(action: Promise<unknown>): Promise<TongbanError> {
  try {
    await action;
  } catch (error) {
    if (error instanceof TongbanError) return error;
    throw error;
  }
  throw new Error('expected a TongbanError');
}

describe('issuing licences', () => {
  it('issues a business licence that verifies in full and as a selective presentation', async () => {
    const issued = await issueLicence(db.knex, deps, request, 'client-1');
    expect(parseLicenceIdentifier(issued.identifier).ok).toBe(true);
    expect(issued.identifier).toMatch(new RegExp(`^1\\.2\\.156\\.3005\\.2\\.TB0001\\.${AUTHORITY}\\.\\d{10}\\.001\\.[0-9A-Z]$`));
    const full = await verifyLicence(issued.credential, verifyOptions());
    expect(full.indication).toBe('TOTAL_PASSED');
    expect(full.claims).toMatchObject({ ...businessFields, identifier: issued.identifier });
    const partial = await verifyLicence(await present(issued.credential, { disclose: ['companyName'] }), verifyOptions());
    expect(partial.indication).toBe('TOTAL_PASSED');
    expect(partial.claims).not.toHaveProperty('address');
    expect(partial.claims).not.toHaveProperty('holder');
  });

  it('writes the registry row, the licence row and the audit record together', async () => {
    const issued = await issueLicence(db.knex, deps, request, 'client-1');
    const credential = await db.knex('credentials').where({ id: issued.id }).first();
    expect(credential).toMatchObject({ type: 'licence', issuer_kid: signer.kid, identifier: issued.identifier, holder_pseudonym: holderPseudonym(pseudonymKey, holder.idNumber) });
    expect(await db.knex('licences').where({ credential_id: issued.id }).first()).toMatchObject({ identifier: issued.identifier, type: 'business-licence', sd_jwt: issued.credential });
    const audit = await db.knex('audit_log').where({ subject: issued.id, action: 'licence.issue' }).first();
    expect(audit.actor).toBe('client-1');
    expect(JSON.stringify(audit.details)).not.toContain(holder.idNumber);
  });

  it('gives consecutive serials and distinct identifiers', async () => {
    const a = await issueLicence(db.knex, deps, request, 'client-1');
    const b = await issueLicence(db.knex, deps, request, 'client-1');
    const serial = (id: string) => Number(id.split('.')[7]);
    expect(serial(b.identifier)).toBe(serial(a.identifier) + 1);
  });

  it('refuses a request that does not fit the catalogue and leaves nothing behind', async () => {
    const before = await db.knex('credentials').count<{ count: string }[]>('* as count');
    const error = await rejection(issueLicence(db.knex, deps, { ...request, fields: { ...businessFields, establishedOn: 'yesterday' } }, 'client-1'));
    expect(error.code).toBe('INVALID_LICENCE_FIELDS');
    const after = await db.knex('credentials').count<{ count: string }[]>('* as count');
    expect(after[0]!.count).toBe(before[0]!.count);
  });

  it('refuses a private key offered as the holder key', async () => {
    const error = await rejection(issueLicence(db.knex, deps, { ...request, holderKey: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'secret' } }, 'client-1'));
    expect(error.code).toBe('INVALID_HOLDER_KEY');
  });

  it.each([
    ['garbage x/y', { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }],
    ['a point not on the curve', { kty: 'EC', crv: 'P-256', x: Buffer.alloc(32, 1).toString('base64url'), y: Buffer.alloc(32, 2).toString('base64url') }],
    ['a P-384 point labelled P-256', { ...(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }) as JsonWebKey), crv: 'P-256' }],
    ['a short Ed25519 x', { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }],
  ])('refuses a holder key with %s and leaves nothing behind', async (_label, holderKey) => {
    const before = await db.knex('credentials').count<{ count: string }[]>('* as count');
    const error = await rejection(issueLicence(db.knex, deps, { ...request, holderKey: holderKey as JsonWebKey }, 'client-1'));
    expect(error.code).toBe('INVALID_HOLDER_KEY');
    expect(error.status).toBe(400);
    const after = await db.knex('credentials').count<{ count: string }[]>('* as count');
    expect(after[0]!.count).toBe(before[0]!.count);
  });

  it('accepts a real public holder key', async () => {
    const holderKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JsonWebKey;
    const issued = await issueLicence(db.knex, deps, { ...request, holderKey }, 'client-1');
    expect(issued.credential).toContain('~');
  });

  it('answers with the issued licence even when loading the status list after the commit fails', async () => {
    const failingLoad: LicenceIssuerDeps['statusLists'] = {
      allocate: (trx, kid, purpose) => statusLists.allocate(trx, kid, purpose),
      ensureLoaded: async () => {
        throw new Error('database connection lost');
      },
    };
    const issued = await issueLicence(db.knex, { ...deps, statusLists: failingLoad }, request, 'client-1');
    expect(issued.credential).toContain('~');
    expect(await db.knex('credentials').where({ id: issued.id }).first()).toBeDefined();
  });

  it('requires the status-list dependency to load what it allocates (ensureLoaded is not optional)', () => {
    // @ts-expect-error a status-list dependency without ensureLoaded would silently skip loading the list
    const withoutLoad: LicenceIssuerDeps['statusLists'] = { allocate: (trx, kid, purpose) => statusLists.allocate(trx, kid, purpose) };
    expect(withoutLoad).toBeDefined();
  });

  it('is TOTAL_FAILED REVOKED once its status is set to revoked', async () => {
    const issued = await issueLicence(db.knex, deps, request, 'client-1');
    const row = await db.knex('credentials').where({ id: issued.id }).first();
    await db.knex.transaction((trx) => statusLists.setStatus(trx, row.status_list_id, row.status_index, 1));
    await statusLists.reload(row.status_list_id);
    const report = await verifyLicence(issued.credential, verifyOptions());
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.subIndication).toBe('REVOKED');
  });
});

describe('using licences (用证)', () => {
  it('returns the licence to an agency with a reason and records who, when and why', async () => {
    const issued = await issueLicence(db.knex, deps, request, 'client-1');
    const at = new Date('2030-01-02T03:04:05Z');
    const record = await useLicence(db.knex, { identifier: issued.identifier, clientId: 'agency-tax', reason: '办理税务登记' }, at);
    expect(record).toMatchObject({ id: issued.id, identifier: issued.identifier, type: 'business-licence', credential: issued.credential, status: 'valid' });
    expect(await listUsage(db.knex, { identifier: issued.identifier })).toEqual([
      { id: expect.any(String), identifier: issued.identifier, clientId: 'agency-tax', reason: '办理税务登记', at: at.toISOString() },
    ]);
    const audit = await db.knex('audit_log').where({ subject: issued.id, action: 'licence.use' }).first();
    expect(audit.actor).toBe('agency-tax');
    expect(audit.details.reason).toBe('办理税务登记');
    expect(await verifyAuditChain(db.knex)).toMatchObject({ ok: true });
  });

  it("lists a holder's usage across their licences, newest first", async () => {
    const otherHolder = { ...holder, idNumber: '440106199001011234' };
    const first = await issueLicence(db.knex, deps, { ...request, holder: otherHolder }, 'client-1');
    const second = await issueLicence(db.knex, deps, { ...request, holder: otherHolder }, 'client-1');
    await useLicence(db.knex, { identifier: first.identifier, clientId: 'agency-a', reason: 'first' }, new Date('2030-01-01T00:00:00Z'));
    await useLicence(db.knex, { identifier: second.identifier, clientId: 'agency-b', reason: 'second' }, new Date('2030-01-02T00:00:00Z'));
    const usage = await listUsage(db.knex, { holderPseudonym: holderPseudonym(pseudonymKey, otherHolder.idNumber) });
    expect(usage.map((u) => u.reason)).toEqual(['second', 'first']);
  });

  it('requires a reason of at most 200 characters', async () => {
    const issued = await issueLicence(db.knex, deps, request, 'client-1');
    expect((await rejection(useLicence(db.knex, { identifier: issued.identifier, clientId: 'a', reason: '  ' }))).code).toBe('REASON_REQUIRED');
    expect((await rejection(useLicence(db.knex, { identifier: issued.identifier, clientId: 'a', reason: '查'.repeat(201) }))).code).toBe('REASON_TOO_LONG');
    await useLicence(db.knex, { identifier: issued.identifier, clientId: 'a', reason: '查'.repeat(200) });
    expect(await listUsage(db.knex, { identifier: issued.identifier })).toHaveLength(1);
  });

  it('says 404 for an unknown licence and 400 for a malformed identifier, recording nothing', async () => {
    const issued = await issueLicence(db.knex, deps, request, 'client-1');
    const neverIssued = formatLicenceIdentifier({ typeCode: 'TB0001', authorityCode: AUTHORITY, serial: serialFor(9_999_999_999), version: '001' });
    const notFound = await rejection(useLicence(db.knex, { identifier: neverIssued, clientId: 'a', reason: 'x' }));
    expect([notFound.code, notFound.status]).toEqual(['LICENCE_NOT_FOUND', 404]);
    const malformed = await rejection(useLicence(db.knex, { identifier: `${issued.identifier.slice(0, -1)}?`, clientId: 'a', reason: 'x' }));
    expect([malformed.code, malformed.status]).toEqual(['INVALID_LICENCE_IDENTIFIER', 400]);
    expect(await db.knex('licence_usage').where({ identifier: neverIssued })).toHaveLength(0);
  });
});
