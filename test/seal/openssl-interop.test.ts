// Interop in both directions with the OpenSSL command line: OpenSSL verifies stamps made by the seal
// service, and Tongban verifies stamps OpenSSL made with its own P-256 keys and certificate chain.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathCache } from '../../src/credentials/seal/verification/path-cache.js';
import { verifyStamp, type SealVerificationContext } from '../../src/credentials/seal/verification/verify-stamp.js';
import { IssuerIndex } from '../../src/trust/trust-material.js';
import { derToPem, openssl, sealNode, tempDir, writeFiles } from './fixtures.js';

const noRevocationSource = { revocationListFor: () => undefined };

/** Makes root CA → intermediate CA → leaf (all P-256) with openssl, in `dir`. */
function opensslChain(dir: string, leafKeyUsage = 'critical,digitalSignature,nonRepudiation'): void {
  const run = (args: string[]) => {
    const result = openssl(args, dir);
    if (!result.ok) throw new Error(`openssl ${args.join(' ')}: ${result.output}`);
  };
  writeFiles(dir, {
    'ca.ext': 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n',
    'leaf.ext': `basicConstraints=critical,CA:FALSE\nkeyUsage=${leafKeyUsage}\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n`,
  });
  for (const name of ['root', 'inter', 'leaf']) run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
  run(['req', '-x509', '-new', '-key', 'root.key', '-subj', '/C=HK/O=OpenSSL Interop/CN=Interop Root', '-days', '30', '-sha256', '-out', 'root.pem',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', '-new', '-key', 'inter.key', '-subj', '/C=HK/O=OpenSSL Interop/CN=Interop Seal CA', '-out', 'inter.csr']);
  run(['x509', '-req', '-in', 'inter.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-set_serial', '0x1001', '-days', '20', '-sha256', '-extfile', 'ca.ext', '-out', 'inter.pem']);
  run(['req', '-new', '-key', 'leaf.key', '-subj', '/C=HK/O=Interop Agency/CN=Interop Seal', '-out', 'leaf.csr']);
  run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'inter.pem', '-CAkey', 'inter.key', '-set_serial', '0x2002', '-days', '10', '-sha256', '-extfile', 'leaf.ext', '-out', 'leaf.pem']);
}

describe('OpenSSL interop', () => {
  const tmp = tempDir();
  const document = Buffer.from('%PDF-1.7 pretend this is a contract\n'.repeat(100));
  let node: Awaited<ReturnType<typeof sealNode>>;
  let context: SealVerificationContext;

  beforeAll(async () => {
    node = await sealNode(tmp.dir);
    context = { trust: new IssuerIndex([]), revocation: noRevocationSource, pathCache: new PathCache() };
    writeFiles(tmp.dir, { 'doc.bin': document, 'anchor.pem': derToPem(node.pki.anchor.certificateChain[0]!) });
    opensslChain(tmp.dir);
  });
  afterAll(async () => {
    await node.db.close();
    tmp.cleanup();
  });

  it('openssl cms -verify accepts a stamp made by the seal service', async () => {
    const seal = await node.service.create({ name: '公章', agency: '互通测试局', type: 'official' }, 'admin');
    const { signature } = await node.service.stamp(seal.id, { document }, 'clerk');
    writeFiles(tmp.dir, { 'service-stamp.der': signature });
    const result = openssl(['cms', '-verify', '-binary', '-content', 'doc.bin', '-inform', 'DER', '-in', 'service-stamp.der', '-CAfile', 'anchor.pem', '-purpose', 'any', '-cades', '-out', '/dev/null'], tmp.dir);
    expect(result.output).toContain('Verification successful');
  });

  it('verifies a CAdES stamp made by openssl cms -sign with an OpenSSL P-256 chain', async () => {
    const sign = openssl(['cms', '-sign', '-binary', '-md', 'sha256', '-cades', '-outform', 'DER', '-in', 'doc.bin', '-signer', 'leaf.pem', '-inkey', 'leaf.key', '-certfile', 'inter.pem', '-out', 'openssl-stamp.der'], tmp.dir);
    expect(sign.ok, sign.output).toBe(true);
    const report = await verifyStamp(
      { document, signature: readFileSync(path.join(tmp.dir, 'openssl-stamp.der')).toString('base64'), trustAnchors: [readFileSync(path.join(tmp.dir, 'root.pem'), 'utf8')] },
      context,
    );
    expect(report.checks.filter((c) => c.result !== 'PASSED')).toEqual([]);
    expect(report).toMatchObject({ indication: 'TOTAL_PASSED', trustSource: 'caller', issuer: { region: 'HK', name: 'Interop Seal CA' }, claims: { agency: 'Interop Agency', sealName: 'Interop Seal' } });
  });

  it('fails an OpenSSL stamp over a changed document with HASH_FAILURE', async () => {
    const report = await verifyStamp(
      { document: Buffer.concat([document, Buffer.from('x')]), signature: readFileSync(path.join(tmp.dir, 'openssl-stamp.der')), trustAnchors: [readFileSync(path.join(tmp.dir, 'root.pem'), 'utf8')] },
      context,
    );
    expect(report).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
  });

  it('does not pass an OpenSSL stamp with two signers (a stamp is one seal)', async () => {
    const sign = openssl(['cms', '-sign', '-binary', '-md', 'sha256', '-cades', '-outform', 'DER', '-in', 'doc.bin', '-signer', 'leaf.pem', '-inkey', 'leaf.key', '-signer', 'inter.pem', '-inkey', 'inter.key', '-out', 'two-signers.der'], tmp.dir);
    expect(sign.ok, sign.output).toBe(true);
    const report = await verifyStamp({ document, signature: readFileSync(path.join(tmp.dir, 'two-signers.der')), trustAnchors: [readFileSync(path.join(tmp.dir, 'root.pem'), 'utf8')] }, context);
    expect(report.indication).toBe('TOTAL_FAILED');
    expect(report.subIndication).toBe('FORMAT_FAILURE');
  });

  it('does not pass an OpenSSL stamp whose digests are SHA-1', async () => {
    const sign = openssl(['cms', '-sign', '-binary', '-md', 'sha1', '-cades', '-outform', 'DER', '-in', 'doc.bin', '-signer', 'leaf.pem', '-inkey', 'leaf.key', '-certfile', 'inter.pem', '-out', 'sha1-stamp.der'], tmp.dir);
    expect(sign.ok, sign.output).toBe(true);
    const report = await verifyStamp({ document, signature: readFileSync(path.join(tmp.dir, 'sha1-stamp.der')), trustAnchors: [readFileSync(path.join(tmp.dir, 'root.pem'), 'utf8')] }, context);
    expect(report.indication).not.toBe('TOTAL_PASSED');
  });

  it('does not pass an OpenSSL stamp without signing-certificate-v2 (not CAdES baseline B)', async () => {
    const sign = openssl(['cms', '-sign', '-binary', '-md', 'sha256', '-outform', 'DER', '-in', 'doc.bin', '-signer', 'leaf.pem', '-inkey', 'leaf.key', '-certfile', 'inter.pem', '-out', 'plain-stamp.der'], tmp.dir);
    expect(sign.ok, sign.output).toBe(true);
    const report = await verifyStamp(
      { document, signature: readFileSync(path.join(tmp.dir, 'plain-stamp.der')), trustAnchors: [readFileSync(path.join(tmp.dir, 'root.pem'), 'utf8')] },
      context,
    );
    expect(report).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'NO_SIGNING_CERTIFICATE_FOUND' });
  });

  it('does not pass an OpenSSL stamp whose signer certificate lacks a signing key usage', async () => {
    const dir = tempDir();
    try {
      opensslChain(dir.dir, 'critical,keyEncipherment');
      writeFiles(dir.dir, { 'doc.bin': document });
      const sign = openssl(['cms', '-sign', '-binary', '-md', 'sha256', '-cades', '-outform', 'DER', '-in', 'doc.bin', '-signer', 'leaf.pem', '-inkey', 'leaf.key', '-certfile', 'inter.pem', '-out', 'stamp.der'], dir.dir);
      expect(sign.ok, sign.output).toBe(true);
      const report = await verifyStamp(
        { document, signature: readFileSync(path.join(dir.dir, 'stamp.der')), trustAnchors: [readFileSync(path.join(dir.dir, 'root.pem'), 'utf8')] },
        context,
      );
      expect(report.indication).not.toBe('TOTAL_PASSED');
      expect(report.checks.find((c) => c.name === 'certificate-path')?.result).not.toBe('PASSED');
    } finally {
      dir.cleanup();
    }
  });
});
