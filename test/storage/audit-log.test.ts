import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain } from '../../src/audit/audit-log.js';
import { openTestDatabase } from '../helpers/database.js';

describe('audit log storage', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => db?.close());

  it('chains records so that a re-walk of an untouched log succeeds', async () => {
    for (let i = 0; i < 5; i++) {
      await db.knex.transaction((trx) => appendAudit(trx, { actor: 'test', action: 'thing.do', subject: `s${i}`, details: { i, nested: { b: 1, a: [1, 2] } } }));
    }
    expect(await verifyAuditChain(db.knex, 2)).toEqual({ ok: true, records: 5 });
  });

  it('names the first record whose content was changed after the fact', async () => {
    await db.knex('audit_log').where({ seq: 3 }).update({ details: JSON.stringify({ i: 99 }) });
    const result = await verifyAuditChain(db.knex);
    expect(result).toMatchObject({ ok: false, brokenAt: 3, records: 2 });
  });

  it('names a deleted record as the first broken link', async () => {
    await db.knex('audit_log').where({ seq: 3 }).update({ details: JSON.stringify({ i: 2, nested: { b: 1, a: [1, 2] } }) });
    expect((await verifyAuditChain(db.knex)).ok).toBe(true);
    await db.knex('audit_log').where({ seq: 2 }).delete();
    expect(await verifyAuditChain(db.knex)).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('rolls the audit record back with the change it records', async () => {
    const before = await db.knex('audit_log').count<{ count: string }[]>('* as count');
    await expect(
      db.knex.transaction(async (trx) => {
        await appendAudit(trx, { actor: 'test', action: 'doomed' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const after = await db.knex('audit_log').count<{ count: string }[]>('* as count');
    expect(Number(after[0]!.count)).toBe(Number(before[0]!.count));
  });
});

describe('embedded database directory', () => {
  it('cannot be opened by a second opener while the first holds it, and can after it closes', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { openDatabase } = await import('../../src/storage/database.js');
    const { lockDataDir } = await import('../../src/storage/data-dir-lock.js');
    const dir = await mkdtemp(path.join(tmpdir(), 'tb-lock-'));
    try {
      const first = await openDatabase({ dataDir: dir });
      // A lock held by another live process (pid 1 always exists) is refused.
      await first.close();
      const { writeFile } = await import('node:fs/promises');
      await writeFile(path.join(dir, 'tongban.pid'), '1\n');
      await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/in use by process 1/);
      // A lock left by a process that is gone is taken over.
      await writeFile(path.join(dir, 'tongban.pid'), '999999999\n');
      const release = await lockDataDir(dir);
      await release();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
