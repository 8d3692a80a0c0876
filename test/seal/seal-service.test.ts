import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit, verifyAuditChain } from '../../src/audit/audit-log.js';
import { decodeSealProperties, SEAL_PROPERTIES_OID } from '../../src/credentials/seal/seal-properties.js';
import { SealKeyVault } from '../../src/credentials/seal/seal-key-vault.js';
import type { SealService } from '../../src/credentials/seal/seal-service.js';
import { TongbanError } from '../../src/errors.js';
import { parseSignedData } from '../../src/pki/cms/parse-signed-data.js';
import { x509 } from '../../src/pki/x509.js';
import { sealNode, tempDir } from './fixtures.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR'), Buffer.alloc(21)]);
const SVG = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><circle cx="50" cy="50" r="40" stroke="red" fill="none"/></svg>');

async function rejection(promise: Promise<unknown>): Promise<TongbanError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TongbanError);
  return error as TongbanError;
}

describe('seal management', () => {
  const tmp = tempDir();
  let node: Awaited<ReturnType<typeof sealNode>>;
  let service: SealService;

  beforeAll(async () => {
    node = await sealNode(tmp.dir);
    service = node.service;
  });
  afterAll(async () => {
    await node.db.close();
    tmp.cleanup();
  });

  it('issues a seal certificate under the seal CA with the agency, key usage, CRL point and seal properties', async () => {
    const seal = await service.create({ name: '合同专用章', agency: '深圳市南山区人民政府, 办公室', type: 'contract', image: PNG }, 'admin');
    const cert = new x509.X509Certificate(seal.certificatePem);
    const sealCa = new x509.X509Certificate(new Uint8Array(node.pki.sealCa.certificateChain[0]!));
    expect(cert.issuer).toBe(sealCa.subject);
    expect(cert.subjectName.getField('O')).toEqual(['深圳市南山区人民政府, 办公室']);
    expect(cert.subjectName.getField('CN')).toEqual(['合同专用章']);
    expect(cert.subjectName.getField('C')).toEqual(['CN']);
    const usage = cert.getExtension(x509.KeyUsagesExtension)!;
    expect(usage.critical).toBe(true);
    expect(usage.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation);
    expect(cert.getExtension(x509.CRLDistributionPointsExtension)!.distributionPoints[0]!.distributionPoint!.fullName![0]!.uniformResourceIdentifier).toBe('http://127.0.0.1:8080/v1/seals/crl');
    expect(cert.getExtension(x509.SubjectKeyIdentifierExtension)).not.toBeNull();
    expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)).not.toBeNull();
    expect(await cert.verify({ publicKey: sealCa.publicKey, signatureOnly: true })).toBe(true);

    const extension = cert.getExtension(SEAL_PROPERTIES_OID)!;
    expect(extension.critical).toBe(false);
    const properties = decodeSealProperties(new Uint8Array(extension.value));
    expect(properties).toMatchObject({ id: seal.id, name: '合同专用章', type: 'contract', category: 1, region: 'CN-GD' });
    expect(Buffer.from(properties.picture!.sha256).toString('hex')).toBe(createHash('sha256').update(PNG).digest('hex'));
    expect(seal.image).toEqual({ type: 'png', sha256: createHash('sha256').update(PNG).digest('hex') });
  });

  it('takes seal and agency names literally in the certificate subject (a leading #, backslashes)', async () => {
    for (const name of ['#zz', '#', 'a\\', '\\2b']) {
      const seal = await service.create({ name, agency: name, type: 'official' }, 'admin');
      expect(seal.name).toBe(name);
      const cert = new x509.X509Certificate(seal.certificatePem);
      expect(cert.subjectName.getField('CN'), name).toEqual([name]);
      expect(cert.subjectName.getField('O'), name).toEqual([name]);
    }
  });

  it('accepts an SVG image and marks a legal-representative seal as a personal seal (GB/T 38540 type 2)', async () => {
    const seal = await service.create({ name: '张三印', agency: '某某有限公司', type: 'legal-representative', image: SVG }, 'admin');
    const ext = new x509.X509Certificate(seal.certificatePem).getExtension(SEAL_PROPERTIES_OID)!;
    expect(decodeSealProperties(new Uint8Array(ext.value)).category).toBe(2);
    expect(seal.image?.type).toBe('svg');
  });

  it('refuses an unknown seal type, a missing name, a non-image, a scripted SVG and an oversized image', async () => {
    expect((await rejection(service.create({ name: 'x', agency: 'y', type: 'personal-chop' }, 'admin'))).code).toBe('INVALID_REQUEST');
    expect((await rejection(service.create({ name: '  ', agency: 'y', type: 'official' }, 'admin'))).code).toBe('INVALID_REQUEST');
    expect((await rejection(service.create({ name: 'x', agency: 'y', type: 'official', image: Buffer.from('GIF89a....') }, 'admin'))).code).toBe('INVALID_REQUEST');
    const scripted = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expect((await rejection(service.create({ name: 'x', agency: 'y', type: 'official', image: scripted }, 'admin'))).code).toBe('INVALID_REQUEST');
    const huge = Buffer.concat([PNG, Buffer.alloc(256 * 1024)]);
    expect((await rejection(service.create({ name: 'x', agency: 'y', type: 'official', image: huge }, 'admin'))).code).toBe('INVALID_REQUEST');
  });

  it('lists and gets seals without their keys, and answers NOT_FOUND for an unknown id', async () => {
    const created = await service.create({ name: '财务专用章', agency: '列表测试局', type: 'finance' }, 'admin');
    const listed = await service.list({ agency: '列表测试局' });
    expect(listed.map((s) => s.id)).toEqual([created.id]);
    expect(JSON.stringify(listed)).not.toMatch(/encrypted|PRIVATE/);
    expect(await service.get(created.id)).toEqual(created);
    expect((await rejection(service.get('00000000-0000-4000-8000-000000000000'))).status).toBe(404);
    expect((await rejection(service.get('not-a-uuid'))).status).toBe(404);
  });

  it('keeps the seal key encrypted and bound to its seal', async () => {
    const seal = await service.create({ name: '公章', agency: '密钥测试局', type: 'official' }, 'admin');
    const other = await service.create({ name: '公章', agency: '密钥测试局二', type: 'official' }, 'admin');
    const row = await node.db.knex('seals').where({ id: seal.id }).first();
    expect(row.encrypted_key.includes(Buffer.from('PRIVATE'))).toBe(false);
    const vault = SealKeyVault.fromSecret(Buffer.alloc(32, 7));
    expect(() => vault.decrypt(seal.id, row.encrypted_key)).toThrow();
    // Copying one seal's key ciphertext onto another seal makes that seal unable to stamp.
    await node.db.knex('seals').where({ id: other.id }).update({ encrypted_key: row.encrypted_key });
    expect((await rejection(service.stamp(other.id, { document: Buffer.from('x') }, 'clerk'))).code).toBe('SEAL_KEY_UNAVAILABLE');
  });

  it('stamps a document and a SHA-256 digest alike, and audits create and stamp', async () => {
    const seal = await service.create({ name: '公章', agency: '盖章测试局', type: 'official' }, 'admin');
    const document = Buffer.from('通知：明天放假。');
    const byDocument = await service.stamp(seal.id, { document }, 'clerk');
    const byDigest = await service.stamp(seal.id, { digest: createHash('sha256').update(document).digest() }, 'clerk');
    for (const stamp of [byDocument, byDigest]) {
      const parsed = parseSignedData(stamp.signature);
      expect(parsed.signerInfos).toHaveLength(1);
      expect(parsed.eContent).toBeUndefined();
    }
    expect((await rejection(service.stamp(seal.id, { digest: Buffer.alloc(20) }, 'clerk'))).code).toBe('INVALID_REQUEST');
    const audit = (await listAudit(node.db.knex, { limit: 1000 })).filter((r) => r.subject === seal.id);
    expect(audit.map((r) => r.action)).toEqual(['seal.create', 'seal.stamp', 'seal.stamp']);
    expect(audit[1]!.details.sha256).toBe(createHash('sha256').update(document).digest('hex'));
    expect(await verifyAuditChain(node.db.knex)).toMatchObject({ ok: true });
  });

  it('stops a suspended or revoked seal from stamping and lists it on the reissued CRL', async () => {
    const suspended = await service.create({ name: '发票专用章', agency: '吊销测试局', type: 'invoice' }, 'admin');
    const revoked = await service.create({ name: '公章', agency: '吊销测试局', type: 'official' }, 'admin');
    const before = await service.crl();
    await service.suspend(suspended.id, 'admin');
    const revokedSeal = await service.revoke(revoked.id, 'admin', 'keyCompromise');
    expect(revokedSeal).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });

    expect((await rejection(service.stamp(suspended.id, { document: Buffer.from('x') }, 'clerk'))).code).toBe('SEAL_SUSPENDED');
    expect((await rejection(service.stamp(revoked.id, { document: Buffer.from('x') }, 'clerk'))).code).toBe('SEAL_REVOKED');
    expect((await rejection(service.revoke(revoked.id, 'admin'))).code).toBe('SEAL_REVOKED');

    const crl = await service.crl();
    expect(crl.thisUpdate.getTime()).toBeGreaterThanOrEqual(before.thisUpdate.getTime());
    expect(crl.lookup(BigInt(`0x${revoked.serialNumber}`))).toEqual({ revokedAt: new Date(revokedSeal.revokedAt!), reason: 'keyCompromise' });
    expect(crl.lookup(BigInt(`0x${suspended.serialNumber}`))?.reason).toBe('certificateHold');
    const parsed = new x509.X509Crl(new Uint8Array(crl.der));
    expect(parsed.nextUpdate!.getTime() - parsed.thisUpdate.getTime()).toBe(24 * 3600_000);
    const actions = (await listAudit(node.db.knex, { limit: 1000 })).map((r) => r.action);
    expect(actions).toContain('seal.revoke');
    expect(actions).toContain('seal.suspend');
  });
});
