import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, Authenticator } from '../../src/clients/clients.js';
import { LocalStatusLists } from '../../src/status/local-status-lists.js';
import { decodeStatusList, statusAt } from '../../src/status/status-list.js';
import { parseCompactJws, parseJsonPayload } from '../../src/crypto/jws.js';
import type { TrustedIssuer } from '../../src/trust/trust-material.js';
import { openTestDatabase } from '../helpers/database.js';
import { FileKeyStore } from '../../src/crypto/file-key-store.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

describe('status lists and clients storage', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => db?.close());

  it('allocates distinct indexes and opens a new list when one is full', async () => {
    const lists = new LocalStatusLists(db.knex, { publicUrl: 'https://gd.example', signers: new Map(), capacity: 3 });
    const allocations = [];
    for (let i = 0; i < 5; i++) allocations.push(await db.knex.transaction((trx) => lists.allocate(trx, 'kid-a', 'test')));
    expect(allocations.slice(0, 3).map((a) => a.index).sort()).toEqual([0, 1, 2]);
    expect(new Set(allocations.slice(0, 3).map((a) => a.listId)).size).toBe(1);
    expect(allocations[3]!.listId).not.toBe(allocations[0]!.listId);
    expect(allocations[3]!.index).toBeLessThan(3);
    expect(allocations[0]!.uri).toBe(`https://gd.example/v1/status-lists/${allocations[0]!.listId}`);
  });

  it('hands out every index of a list exactly once, in an order that does not reveal the issuance order', async () => {
    const lists = new LocalStatusLists(db.knex, { publicUrl: 'https://gd.example', signers: new Map(), capacity: 64 });
    const indexes: number[] = [];
    for (let i = 0; i < 64; i++) indexes.push((await db.knex.transaction((trx) => lists.allocate(trx, 'kid-perm', 'test'))).index);
    expect([...indexes].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    // Sequential allocation would give 0, 1, 2, …: a secret permutation almost never does.
    expect(indexes.filter((index, i) => index === i).length).toBeLessThan(64);
    expect(indexes.slice(0, 8)).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('publishes a signed statuslist+jwt whose bits reflect a status change', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tb-status-'));
    const signer = await new FileKeyStore(dir).generate('issuer');
    const lists = new LocalStatusLists(db.knex, { publicUrl: 'https://gd.example', signers: new Map([[signer.kid, signer]]), capacity: 16 });
    const a = await db.knex.transaction((trx) => lists.allocate(trx, signer.kid, 'hc'));
    await db.knex.transaction((trx) => lists.setStatus(trx, a.listId, a.index, 1));
    await lists.reload(a.listId);
    const jws = parseCompactJws((await lists.token(a.listId))!);
    if (typeof jws === 'string') throw new Error(jws);
    expect(jws.header.typ).toBe('statuslist+jwt');
    const payload = parseJsonPayload(jws.payloadBytes)!;
    expect(payload.sub).toBe(a.uri);
    const decoded = decodeStatusList(payload.status_list)!;
    expect(statusAt(decoded.statuses, decoded.bits, a.index)).toBe(1);
    const issuer = { kid: signer.kid } as TrustedIssuer;
    expect(await lists.lookup({ idx: a.index, uri: a.uri }, issuer)).toMatchObject({ ok: true, status: 1 });
    expect(await lists.lookup({ idx: a.index, uri: a.uri }, { kid: 'other' } as TrustedIssuer)).toMatchObject({ ok: false });
  });

  it('stores only a hash of client tokens and authenticates by it', async () => {
    const created = await createClient(db.knex, { name: 'Sichuan verifier', scopes: ['audit:read'] }, 'admin');
    const row = await db.knex('api_clients').where({ id: created.id }).first();
    expect(JSON.stringify(row)).not.toContain(created.token);
    const auth = new Authenticator(db.knex, 'admin-token-admin-token');
    expect((await auth.authenticate(created.token))?.scopes.has('audit:read')).toBe(true);
    expect(await auth.authenticate(`${created.token}x`)).toBeNull();
    expect((await auth.authenticate('admin-token-admin-token'))?.id).toBe('admin');
  });

  it('runs on the configured backend', () => {
    expect(['pglite', 'postgresql']).toContain(db.backend);
  });
});
