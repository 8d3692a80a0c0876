import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSignedData } from '../../src/pki/cms/parse-signed-data.js';
import { OID } from '../../src/pki/cms/oids.js';
import type { RegionPki } from '../../src/pki/region-pki.js';
import { derToPem, issueTestSeal, openssl, regionPki, stampWith, tempDir, writeFiles, type TestSeal } from './fixtures.js';

describe('CMS stamps and OpenSSL', () => {
  const tmp = tempDir();
  let pki: RegionPki;
  let seal: TestSeal;
  const document = Buffer.from('关于同意设立分公司的批复\n第 2024-17 号\n');

  beforeAll(async () => {
    ({ pki } = await regionPki(tmp.dir));
    seal = await issueTestSeal(pki);
    writeFiles(tmp.dir, { 'anchor.pem': derToPem(pki.anchor.certificateChain[0]!), 'doc.txt': document });
  });
  afterAll(() => tmp.cleanup());

  it('makes a detached SignedData with one SignerInfo and the seal chain', async () => {
    const parsed = parseSignedData(await stampWith(seal, document));
    expect(parsed.eContent).toBeUndefined();
    expect(parsed.eContentType).toBe(OID.data);
    expect(parsed.signerInfos).toHaveLength(1);
    expect(parsed.certificates.map((c) => Buffer.from(c))).toEqual(seal.chain);
  });

  it('is accepted by openssl cms -verify against the region anchor', async () => {
    writeFiles(tmp.dir, { 'stamp.der': await stampWith(seal, document) });
    const result = openssl(['cms', '-verify', '-binary', '-content', 'doc.txt', '-inform', 'DER', '-in', 'stamp.der', '-CAfile', 'anchor.pem', '-purpose', 'any', '-cades', '-out', '/dev/null'], tmp.dir);
    expect(result.output).toContain('Verification successful');
    expect(result.ok).toBe(true);
  });

  it('is rejected by openssl cms -verify when the document was changed', async () => {
    writeFiles(tmp.dir, { 'stamp.der': await stampWith(seal, document), 'changed.txt': Buffer.concat([document, Buffer.from(' ')]) });
    const result = openssl(['cms', '-verify', '-binary', '-content', 'changed.txt', '-inform', 'DER', '-in', 'stamp.der', '-CAfile', 'anchor.pem', '-purpose', 'any', '-out', '/dev/null'], tmp.dir);
    expect(result.ok).toBe(false);
  });
});
