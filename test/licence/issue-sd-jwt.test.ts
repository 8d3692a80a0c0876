import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signer } from '../../src/crypto/signer.js';
import { disclosureDigest } from '../../src/credentials/licence/disclosures.js';
import { issuerIdentifier } from '../../src/credentials/licence/sd-jwt-issue.js';
import { parseSdJwt } from '../../src/credentials/licence/sd-jwt-format.js';
import { businessFields, decodeSegment, holder, issueBusinessLicence, keyStore, STATUS_URI } from './helpers.js';

let signer: Signer;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const ks = await keyStore();
  cleanup = ks.cleanup;
  signer = await ks.store.generate('licence-issuer');
});
afterAll(() => cleanup());

describe('issuing a licence as an SD-JWT VC', () => {
  it('has the SD-JWT VC header: typ dc+sd-jwt, the signer alg and kid', async () => {
    const parsed = parseSdJwt(await issueBusinessLicence(signer));
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(parsed.issuerJwt.header).toEqual({ typ: 'dc+sd-jwt', alg: 'ES256', kid: signer.kid });
  });

  it('keeps every field and holder claim out of the signed payload, behind digests and decoys', async () => {
    const parsed = parseSdJwt(await issueBusinessLicence(signer));
    if (typeof parsed === 'string') throw new Error(parsed);
    const payload = parsed.payload as Record<string, any>;
    expect(payload).toMatchObject({ iss: 'tongban:CN-GD', region: 'CN-GD', vct: 'urn:tongban:licence:business-licence', _sd_alg: 'sha-256' });
    expect(payload.status).toEqual({ status_list: { idx: 7, uri: STATUS_URI } });
    expect(payload.exp - payload.iat).toBe(365 * 86400);
    for (const name of Object.keys(businessFields)) expect(payload).not.toHaveProperty(name);
    expect(Object.keys(payload.holder)).toEqual(['_sd']);
    expect(JSON.stringify(payload)).not.toContain('张三');
    // One digest per field plus at least one decoy; likewise for the holder.
    expect(payload._sd.length).toBeGreaterThan(Object.keys(businessFields).length);
    expect(payload.holder._sd.length).toBeGreaterThan(3);
    expect(parsed.disclosures).toHaveLength(Object.keys(businessFields).length + 3);
  });

  it('writes each disclosure as [salt, name, value] with a 128-bit salt, referenced by its SHA-256 digest', async () => {
    const parsed = parseSdJwt(await issueBusinessLicence(signer));
    if (typeof parsed === 'string') throw new Error(parsed);
    const payload = parsed.payload as Record<string, any>;
    const digests = new Set<string>([...payload._sd, ...payload.holder._sd]);
    const disclosed: Record<string, unknown> = {};
    for (const d of parsed.disclosures) {
      const [salt, name, value] = decodeSegment(d) as [string, string, unknown];
      expect(Buffer.from(salt, 'base64url').length).toBe(16);
      expect(digests.has(disclosureDigest(d))).toBe(true);
      disclosed[name] = value;
    }
    expect(disclosed).toEqual({ ...businessFields, ...holder });
  });

  it('puts the holder key in cnf when one is given', async () => {
    const holderJwk = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
    const parsed = parseSdJwt(await issueBusinessLicence(signer, { holderKey: holderJwk }));
    if (typeof parsed === 'string') throw new Error(parsed);
    expect(parsed.payload.cnf).toEqual({ jwk: holderJwk });
  });

  it('uses the public URL as issuer identifier when the node has one', () => {
    expect(issuerIdentifier('CN-HK', 'https://hk.tongban.example/')).toBe('https://hk.tongban.example');
    expect(issuerIdentifier('CN-HK')).toBe('tongban:CN-HK');
  });
});
