import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Seal } from '../../src/credentials/seal/seal-types.js';
import { PathCache } from '../../src/credentials/seal/verification/path-cache.js';
import { verifyStamp, type SealVerificationContext } from '../../src/credentials/seal/verification/verify-stamp.js';
import type { TrustMaterial } from '../../src/trust/trust-material.js';
import { DAY, derToPem, localSealTrust, peerSealTrust, regionPki, sealNode, tempDir } from './fixtures.js';

describe('verifying a stamp', () => {
  const tmp = tempDir();
  let node: Awaited<ReturnType<typeof sealNode>>;
  let seal: Seal;
  let trust: TrustMaterial;
  let context: SealVerificationContext;
  let anchorPem: string;
  let foreignAnchorPem: string;
  const document = Buffer.from('广东省人民政府办公厅关于印发电子印章管理办法的通知');

  beforeAll(async () => {
    node = await sealNode(tmp.dir);
    seal = await node.service.create({ name: '公章', agency: '广东省人民政府办公厅', type: 'official' }, 'admin');
    trust = await localSealTrust(node.pki);
    await node.service.crl();
    context = { trust, revocation: node.service.crlPublisher, pathCache: new PathCache(), now: () => node.clock.now };
    anchorPem = derToPem(node.pki.anchor.certificateChain[0]!);
    foreignAnchorPem = derToPem((await regionPki(tmp.dir, 'CN-SC')).pki.anchor.certificateChain[0]!);
  });
  afterAll(async () => {
    await node.db.close();
    tmp.cleanup();
  });

  async function stamp(id = seal.id, doc: Uint8Array = document) {
    return (await node.service.stamp(id, { document: doc }, 'clerk')).signature;
  }

  it('passes a stamp against the federated seal CAs and discloses the seal', async () => {
    const report = await verifyStamp({ document, signature: (await stamp()).toString('base64') }, context);
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.credentialType).toBe('seal-signature');
    expect(report.trustSource).toBe('federation');
    expect(report.issuer).toEqual({ region: 'CN-GD', kid: node.pki.sealCa.kid, name: 'Seal CA CN-GD' });
    expect(report.claims).toMatchObject({ sealId: seal.id, sealName: '公章', agency: '广东省人民政府办公厅', sealType: 'official' });
    expect(report.checks.map((c) => [c.name, c.result])).toEqual([
      ['format', 'PASSED'],
      ['signed-attributes', 'PASSED'],
      ['signing-certificate', 'PASSED'],
      ['hash', 'PASSED'],
      ['signature', 'PASSED'],
      ['certificate-path', 'PASSED'],
      ['revocation', 'PASSED'],
    ]);
  });

  it('answers TRY_LATER for a stamp under a partner seal CA whose trust list is stale or has no freshness bound', async () => {
    const signature = await stamp();
    for (const freshUntil of [new Date(node.clock.now.getTime() - 60_000), undefined]) {
      const peer = { ...context, trust: await peerSealTrust(node.pki, freshUntil), pathCache: new PathCache() };
      expect(await verifyStamp({ document, signature }, peer), String(freshUntil)).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    }
    const fresh = { ...context, trust: await peerSealTrust(node.pki, new Date(node.clock.now.getTime() + DAY)), pathCache: new PathCache() };
    expect((await verifyStamp({ document, signature }, fresh)).indication).toBe('TOTAL_PASSED');
  });

  it('passes a stamp against caller-supplied anchors and says so', async () => {
    const report = await verifyStamp({ document, signature: await stamp(), trustAnchors: [anchorPem] }, context);
    expect(report).toMatchObject({ indication: 'TOTAL_PASSED', trustSource: 'caller' });
  });

  it('passes a stamp checked against the SHA-256 digest of the document', async () => {
    const report = await verifyStamp({ documentSha256: createHash('sha256').update(document).digest(), signature: await stamp() }, context);
    expect(report.indication).toBe('TOTAL_PASSED');
  });

  it('fails a stamp whose document was changed with HASH_FAILURE', async () => {
    const changed = Buffer.from(document.toString().replace('通知', '通告'));
    const report = await verifyStamp({ document: changed, signature: await stamp() }, context);
    expect(report).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
    expect(report.claims).toBeUndefined();
  });

  it('fails a stamp whose signature value was altered with SIG_CRYPTO_FAILURE', async () => {
    const der = Buffer.from(await stamp());
    der[der.length - 1]! ^= 0x01; // the signature value is the last field of the structure
    const report = await verifyStamp({ document, signature: der }, context);
    expect(report).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'SIG_CRYPTO_FAILURE' });
  });

  it('finds no chain to an unrelated anchor (INDETERMINATE, NO_CERTIFICATE_CHAIN_FOUND)', async () => {
    const report = await verifyStamp({ document, signature: await stamp(), trustAnchors: [foreignAnchorPem] }, context);
    expect(report).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND', trustSource: 'caller' });
  });

  it('reports FORMAT_FAILURE for garbled stamps and bad anchors, never throwing', async () => {
    const good = await stamp();
    const garbled: (string | Uint8Array)[] = [
      '',
      'not base64 at all!',
      Buffer.from('hello').toString('base64'),
      good.subarray(0, good.length - 10),
      Buffer.concat([good, Buffer.from([0])]),
      Buffer.from(good.map((b, i) => (i > 40 && i % 7 === 0 ? b ^ 0xff : b))),
      Buffer.from([0x30, 0x80, 0x00, 0x00]),
      Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
    ];
    for (const signature of garbled) {
      const report = await verifyStamp({ document, signature }, context);
      expect(report.indication, `signature ${Buffer.from(signature).toString('hex').slice(0, 40)}`).not.toBe('TOTAL_PASSED');
      expect(['FORMAT_FAILURE', 'HASH_FAILURE', 'SIG_CRYPTO_FAILURE', 'NO_SIGNING_CERTIFICATE_FOUND']).toContain(report.subIndication);
    }
    for (const signature of garbled.slice(0, 5)) {
      expect((await verifyStamp({ document, signature }, context)).subIndication).toBe('FORMAT_FAILURE');
    }
    expect((await verifyStamp({ document, signature: good, trustAnchors: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'] }, context)).subIndication).toBe('FORMAT_FAILURE');
  });

  it('reuses a validated path: the second verification of a seal does not validate the path again', async () => {
    const cache = new PathCache();
    const ctx = { ...context, pathCache: cache };
    await verifyStamp({ document, signature: await stamp() }, ctx);
    expect(cache).toMatchObject({ hits: 0, misses: 1, size: 1 });
    const second = await verifyStamp({ document, signature: await stamp() }, ctx);
    expect(second.indication).toBe('TOTAL_PASSED');
    expect(cache).toMatchObject({ hits: 1, misses: 1 });
    // A different anchor set is a different cache entry.
    await verifyStamp({ document, signature: await stamp(), trustAnchors: [anchorPem] }, ctx);
    expect(cache.misses).toBe(2);
  });

  describe('after revocation', () => {
    it('keeps stamps made before a revocation valid and fails those made after with REVOKED', async () => {
      const t0 = new Date();
      node.clock.now = new Date(t0.getTime() - 2 * 3600_000);
      const revoked = await node.service.create({ name: '合同专用章', agency: '吊销验证局', type: 'contract' }, 'admin');
      node.clock.now = new Date(t0.getTime() - 3600_000);
      const before = await stamp(revoked.id);
      node.clock.now = new Date(t0.getTime() + 3600_000);
      const after = await stamp(revoked.id);
      node.clock.now = t0;
      await node.service.revoke(revoked.id, 'admin', 'cessationOfOperation');
      node.clock.now = new Date(t0.getTime() + 2 * 3600_000);
      expect((await verifyStamp({ document, signature: before }, context)).indication).toBe('TOTAL_PASSED');
      const report = await verifyStamp({ document, signature: after }, context);
      expect(report).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'REVOKED' });
      node.clock.now = new Date();
    });

    it('fails every stamp of a seal revoked for key compromise, whatever signing time it claims', async () => {
      const t0 = new Date();
      node.clock.now = new Date(t0.getTime() - 2 * 3600_000);
      const compromised = await node.service.create({ name: '公章', agency: '泄密局', type: 'official' }, 'admin');
      node.clock.now = new Date(t0.getTime() - 3600_000);
      const before = await stamp(compromised.id);
      node.clock.now = t0;
      await node.service.revoke(compromised.id, 'admin', 'keyCompromise');
      expect((await verifyStamp({ document, signature: before }, context)).subIndication).toBe('REVOKED');
      node.clock.now = new Date();
    });

    it('answers TRY_LATER for a stamp made while the seal was suspended', async () => {
      const held = await node.service.create({ name: '公章', agency: '暂停局', type: 'official' }, 'admin');
      const t0 = new Date();
      node.clock.now = new Date(t0.getTime() + 600_000);
      const during = await stamp(held.id);
      node.clock.now = t0;
      await node.service.suspend(held.id, 'admin');
      node.clock.now = new Date(t0.getTime() + 1200_000);
      expect(await verifyStamp({ document, signature: during }, context)).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
      node.clock.now = new Date();
    });

    it('answers TRY_LATER when the CRL held for the seal CA has expired', async () => {
      const signature = await stamp();
      const late = { ...context, now: () => new Date(Date.now() + 2 * DAY) };
      const report = await verifyStamp({ document, signature }, late);
      expect(report).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    });
  });
});
