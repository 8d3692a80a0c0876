import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signer } from '../../src/crypto/signer.js';
import { fromQrText } from '../../src/credentials/qr-text.js';
import { present, presentationQrText } from '../../src/credentials/licence/present.js';
import { licenceTextVerifier } from '../../src/credentials/licence/text-verifier.js';
import { verifyLicence } from '../../src/credentials/licence/verify-licence.js';
import { TongbanError } from '../../src/errors.js';
import { DEFAULT_POLICY } from '../../src/verification/policy.js';
import { businessFields, decodeSegment, issueBusinessLicence, keyStore, MemoryStatusList, STATUS_URI, trustedIssuer, trustOf } from './helpers.js';

let signer: Signer;
let licence: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const ks = await keyStore();
  cleanup = ks.cleanup;
  signer = await ks.store.generate('licence-issuer');
  licence = await issueBusinessLicence(signer);
});
afterAll(() => cleanup());

const disclosedNames = (sdJwt: string) => sdJwt.split('~').slice(1, -1).map((d) => (decodeSegment(d) as unknown[])[1]);

describe('presenting a licence (holder side)', () => {
  it('keeps only the disclosures of the chosen claims and paths', async () => {
    const presentation = await present(licence, { disclose: ['companyName', 'holder.name'] });
    expect(disclosedNames(presentation).sort()).toEqual(['companyName', 'name']);
    expect(presentation.endsWith('~')).toBe(true);
  });

  it('discloses every holder claim when asked for "holder"', async () => {
    expect(disclosedNames(await present(licence, { disclose: ['holder'] })).sort()).toEqual(['idNumber', 'idType', 'name']);
  });

  it('refuses a claim the licence cannot disclose instead of showing less than asked', async () => {
    await expect(present(licence, { disclose: ['companyName', 'shoeSize'] })).rejects.toMatchObject({ code: 'UNKNOWN_CLAIM' });
  });

  it('refuses something that is not an SD-JWT', async () => {
    await expect(present('a.b.c', { disclose: [] })).rejects.toBeInstanceOf(TongbanError);
  });

  it('starts from the issued SD-JWT even when handed an earlier presentation with key binding', async () => {
    const again = await present(`${await present(licence, { disclose: ['address'] })}`, { disclose: ['address'] });
    expect(disclosedNames(again)).toEqual(['address']);
  });

  it('gives QR text that decodes to the presentation and verifies through the dispatcher adapter', async () => {
    const presentation = await present(licence, { disclose: ['companyName', 'legalRepresentative'] });
    const qr = presentationQrText(presentation);
    expect(qr.startsWith('TB1:')).toBe(true);
    expect(fromQrText(qr)).toBe(presentation);
    const report = await licenceTextVerifier(fromQrText(qr)!, {
      at: new Date(),
      trust: trustOf(trustedIssuer(signer)),
      status: new MemoryStatusList(STATUS_URI, signer.kid),
      policy: DEFAULT_POLICY,
      trustSource: 'federation',
    });
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.claims).toMatchObject({ companyName: businessFields.companyName, legalRepresentative: businessFields.legalRepresentative });
  });

  it('refuses QR text for a presentation too large for one QR code', () => {
    const huge = `${licence.split('~')[0]}~${randomBytes(6000).toString('base64url')}~`;
    expect(() => presentationQrText(huge)).toThrow(/does not fit/);
  });
});

describe('verification policy', () => {
  it('does not pass a licence living longer than the policy allows', async () => {
    const issuedAt = new Date();
    const longLived = await issueBusinessLicence(signer, { issuedAt, expiresAt: new Date(issuedAt.getTime() + 30 * 365 * 86400_000) });
    const report = await verifyLicence(longLived, {
      trust: trustOf(trustedIssuer(signer)),
      status: new MemoryStatusList(STATUS_URI, signer.kid),
      maxLifetimeSeconds: DEFAULT_POLICY.maxLifetimeSeconds.licence,
    });
    expect(report.subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
  });
});
