import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Seal } from '../../src/credentials/seal/seal-types.js';
import { PathCache } from '../../src/credentials/seal/verification/path-cache.js';
import { verifyCertificate } from '../../src/credentials/seal/verification/verify-certificate.js';
import type { SealVerificationContext } from '../../src/credentials/seal/verification/verify-stamp.js';
import { DAY, derToPem, localSealTrust, peerSealTrust, regionPki, sealNode, tempDir } from './fixtures.js';

describe('verifying a certificate', () => {
  const tmp = tempDir();
  let node: Awaited<ReturnType<typeof sealNode>>;
  let seal: Seal;
  let context: SealVerificationContext;
  let anchorPem: string;
  let sealCaPem: string;

  beforeAll(async () => {
    node = await sealNode(tmp.dir);
    seal = await node.service.create({ name: '公章', agency: '证书验证局', type: 'official' }, 'admin');
    await node.service.crl();
    context = { trust: await localSealTrust(node.pki), revocation: node.service.crlPublisher, pathCache: new PathCache() };
    anchorPem = derToPem(node.pki.anchor.certificateChain[0]!);
    sealCaPem = derToPem(node.pki.sealCa.certificateChain[0]!);
  });
  afterAll(async () => {
    await node.db.close();
    tmp.cleanup();
  });

  it('passes a seal certificate against the federated seal CAs', async () => {
    const report = await verifyCertificate({ certificate: seal.certificatePem, usage: 'seal' }, context);
    expect(report).toMatchObject({ indication: 'TOTAL_PASSED', credentialType: 'certificate', trustSource: 'federation', issuer: { region: 'CN-GD', kid: node.pki.sealCa.kid } });
    expect(report.claims).toMatchObject({ sealId: seal.id, agency: '证书验证局' });
  });

  it('answers TRY_LATER for a partner seal CA whose trust list is stale or has no freshness bound', async () => {
    for (const freshUntil of [new Date(Date.now() - 60_000), undefined]) {
      const peer = { ...context, trust: await peerSealTrust(node.pki, freshUntil), pathCache: new PathCache() };
      const report = await verifyCertificate({ certificate: seal.certificatePem, usage: 'seal' }, peer);
      expect(report, String(freshUntil)).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    }
    const fresh = { ...context, trust: await peerSealTrust(node.pki, new Date(Date.now() + DAY)), pathCache: new PathCache() };
    expect((await verifyCertificate({ certificate: seal.certificatePem, usage: 'seal' }, fresh)).indication).toBe('TOTAL_PASSED');
  });

  it('passes a seal certificate through its seal CA to caller-supplied anchors', async () => {
    const report = await verifyCertificate({ certificate: seal.certificatePem, intermediates: [sealCaPem], trustAnchors: [anchorPem], usage: 'seal' }, context);
    expect(report).toMatchObject({ indication: 'TOTAL_PASSED', trustSource: 'caller' });
  });

  it('finds no chain when the intermediate is missing or the anchor is unrelated', async () => {
    const foreign = derToPem((await regionPki(tmp.dir, 'CN-HK')).pki.anchor.certificateChain[0]!);
    expect((await verifyCertificate({ certificate: seal.certificatePem, trustAnchors: [anchorPem] }, context)).subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
    expect((await verifyCertificate({ certificate: seal.certificatePem, intermediates: [sealCaPem], trustAnchors: [foreign] }, context)).subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
  });

  it('fails a certificate judged after it expired, or before it was valid', async () => {
    const later = new Date(Date.now() + 4 * 365 * DAY).toISOString();
    expect(await verifyCertificate({ certificate: seal.certificatePem, at: later }, context)).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'EXPIRED' });
    const earlier = new Date(Date.now() - 30 * DAY).toISOString();
    expect((await verifyCertificate({ certificate: seal.certificatePem, at: earlier }, context)).subIndication).toBe('NOT_YET_VALID');
  });

  it('fails a revoked seal certificate with REVOKED', async () => {
    const revoked = await node.service.create({ name: '公章', agency: '证书吊销局', type: 'official' }, 'admin');
    await node.service.revoke(revoked.id, 'admin', 'superseded');
    const report = await verifyCertificate({ certificate: revoked.certificatePem, at: new Date(Date.now() + 60_000).toISOString() }, context);
    expect(report).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'REVOKED' });
  });

  it('reports FORMAT_FAILURE for input that is not certificates, a bad time or a bad usage', async () => {
    for (const input of [
      { certificate: 'hello' },
      { certificate: 42 },
      { certificate: seal.certificatePem, intermediates: ['nope'] },
      { certificate: seal.certificatePem, intermediates: 'nope' },
      { certificate: seal.certificatePem, at: 'yesterday' },
      { certificate: seal.certificatePem, usage: 'tls' },
      { certificate: seal.certificatePem, trustAnchors: [] },
    ]) {
      expect((await verifyCertificate(input, context)).subIndication, JSON.stringify(input).slice(0, 80)).toBe('FORMAT_FAILURE');
    }
  });
});
