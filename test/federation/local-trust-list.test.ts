import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/audit-log.js';
import type { RegionPki } from '../../src/pki/region-pki.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { retireIssuer, revokeIssuer } from '../../src/trust/trust-list/issuer-lifecycle.js';
import { ensureLocalIssuers, loadLocalIssuers } from '../../src/trust/trust-list/local-issuers-store.js';
import { currentLocalTrustList } from '../../src/trust/trust-list/local-publisher.js';
import { verifyTrustList } from '../../src/trust/trust-list/verify.js';
import { regionPki, removeTempDirs } from './helpers.js';

let pki: RegionPki;
let db: Database;

beforeAll(async () => {
  pki = await regionPki('CN-GD');
});
beforeEach(async () => {
  await db?.close();
  db = await openDatabase({ dataDir: 'memory' });
  await ensureLocalIssuers(db.knex, pki);
});
afterAll(async () => {
  await db?.close();
  await removeTempDirs();
});

const publish = (now = new Date()) => currentLocalTrustList(db.knex, { region: 'CN-GD', signer: pki.trustListSigner, now });
const verify = (jws: string) => verifyTrustList(jws, { region: 'CN-GD', anchor: pki.anchorCertificate }, { now: new Date(), graceSeconds: 0 });

describe("this region's trust list", () => {
  it('lists the health-code issuer, the licence issuer and the seal CA with their roles and certificates', async () => {
    const verdict = await verify((await publish()).jws);
    if (!verdict.ok) throw new Error(verdict.message);
    const byKid = new Map(verdict.list.payload.issuers.map((i) => [i.kid, i]));
    expect(byKid.get(pki.healthCodeIssuer.kid)).toMatchObject({ roles: ['healthcode'], status: 'active' });
    expect(byKid.get(pki.licenceIssuer.kid)).toMatchObject({ roles: ['licence'], status: 'active' });
    expect(byKid.get(pki.sealCa.kid)).toMatchObject({ roles: ['seal'], certificate: pki.sealCa.certificateChain[0]!.toString('base64') });
    expect(byKid.size).toBe(3);
  });

  it('adds nothing and keeps the sequence when started again', async () => {
    const before = await publish();
    expect(await ensureLocalIssuers(db.knex, pki)).toEqual([]);
    const after = await publish();
    expect(after.sequence).toBe(before.sequence);
    expect(after.jws).toBe(before.jws);
    expect(after.etag).toBe(before.etag);
  });

  it('serves the same bytes until something changes, then a higher sequence', async () => {
    const first = await publish();
    const again = await publish();
    expect(again.jws).toBe(first.jws);
    await retireIssuer(db.knex, pki.licenceIssuer.kid, 'test');
    const next = await publish();
    expect(next.sequence).toBeGreaterThan(first.sequence);
    expect(next.etag).not.toBe(first.etag);
  });

  it('re-issues an old list under a new sequence before its next update', async () => {
    const first = await publish();
    const later = await publish(new Date(Date.now() + 7 * 3600_000));
    expect(later.sequence).toBe(first.sequence + 1);
    expect(later.nextUpdate.getTime()).toBeGreaterThan(first.nextUpdate.getTime());
  });

  it('caps max-age at the time left before the next update', async () => {
    const list = await publish();
    expect(list.maxAgeSeconds).toBeLessThanOrEqual(300);
    expect(list.maxAgeSeconds).toBeGreaterThan(0);
  });

  it('revokes an issuer: new sequence, status revoked with its history, audited', async () => {
    const before = await publish();
    const result = await revokeIssuer(db.knex, pki.healthCodeIssuer.kid, 'admin', { reason: 'key compromise' });
    expect(result).toMatchObject({ status: 'revoked', changed: true });
    const verdict = await verify((await publish()).jws);
    if (!verdict.ok) throw new Error(verdict.message);
    expect(verdict.list.payload.sequence).toBeGreaterThan(before.sequence);
    const entry = verdict.list.payload.issuers.find((i) => i.kid === pki.healthCodeIssuer.kid)!;
    expect(entry.status).toBe('revoked');
    expect(entry.statusHistory.map((h) => h.status)).toEqual(['active', 'revoked']);
    const audit = await listAudit(db.knex, { limit: 100 });
    expect(audit.find((r) => r.action === 'trust.issuer.revoke')).toMatchObject({ actor: 'admin', subject: pki.healthCodeIssuer.kid });
    const local = await loadLocalIssuers(db.knex, 'CN-GD');
    expect(local.find((i) => i.kid === pki.healthCodeIssuer.kid)?.status).toBe('revoked');
  });

  it('answers a second revocation as unchanged without a new sequence', async () => {
    const first = await revokeIssuer(db.knex, pki.healthCodeIssuer.kid, 'admin');
    const second = await revokeIssuer(db.knex, pki.healthCodeIssuer.kid, 'admin');
    expect(second).toMatchObject({ changed: false, sequence: first.sequence });
  });

  it('refuses to retire a revoked issuer: revocation is final', async () => {
    await revokeIssuer(db.knex, pki.sealCa.kid, 'admin');
    await expect(retireIssuer(db.knex, pki.sealCa.kid, 'admin')).rejects.toMatchObject({ code: 'TRUST_ISSUER_REVOKED', status: 409 });
  });

  it('answers an unknown kid with NOT_FOUND', async () => {
    await expect(revokeIssuer(db.knex, 'no-such-kid', 'admin')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(revokeIssuer(db.knex, "x'; drop table trust_issuers; --", 'admin')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
