import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { presentCommand } from '../../src/cli/present.js';
import { publicJwkOf } from '../../src/crypto/jwk.js';
import { fromQrText } from '../../src/credentials/qr-text.js';
import { verifyLicence } from '../../src/credentials/licence/verify-licence.js';
import { businessFields, issueBusinessLicence, keyStore, MemoryStatusList, STATUS_URI, trustedIssuer, trustOf } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let verify: (text: string, extra?: object) => ReturnType<typeof verifyLicence>;
const holderKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

beforeAll(async () => {
  const ks = await keyStore();
  cleanup = ks.cleanup;
  dir = ks.store.directory;
  const signer = await ks.store.generate('licence-issuer');
  const licence = await issueBusinessLicence(signer, { holderKey: publicJwkOf(holderKeys.publicKey) });
  await writeFile(path.join(dir, 'licence.txt'), licence);
  await writeFile(path.join(dir, 'licence.json'), JSON.stringify({ id: 'x', identifier: 'y', credential: licence }));
  await writeFile(path.join(dir, 'holder.pem'), holderKeys.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
  verify = (text, extra = {}) => verifyLicence(text, { trust: trustOf(trustedIssuer(signer)), status: new MemoryStatusList(STATUS_URI, signer.kid), ...extra });
});
afterAll(() => cleanup());
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function run(...args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  await presentCommand().parseAsync(args, { from: 'user' });
  vi.restoreAllMocks();
  return { out, err };
}

describe('tongban present', () => {
  const kbArgs = () => ['--holder-key', path.join(dir, 'holder.pem'), '--nonce', 'n-1', '--audience', 'https://agency.example'];
  const kbExpect = { nonce: 'n-1', audience: 'https://agency.example' };
  it('prints a presentation that discloses only the chosen claims', async () => {
    // The licence is bound to a holder key, so it verifies only with key binding (an unbound presentation is not the holder's).
    const { out } = await run('--credential', path.join(dir, 'licence.json'), '--disclose', 'companyName,address', ...kbArgs());
    const report = await verify(out.trim(), kbExpect);
    expect(report.indication).toBe('TOTAL_PASSED');
    const { vct: _v, identifier: _i, iat: _a, exp: _e, ...disclosed } = report.claims!;
    expect(disclosed).toEqual({ companyName: businessFields.companyName, address: businessFields.address });
  });

  it('prints QR text and a terminal QR code with --qr', async () => {
    const { out } = await run('--credential', path.join(dir, 'licence.txt'), '--disclose', 'companyName', '--qr', ...kbArgs());
    const [qrText] = out.split('\n');
    expect((await verify(fromQrText(qrText!)!, kbExpect)).indication).toBe('TOTAL_PASSED');
    expect(out.split('\n').length).toBeGreaterThan(10);
  });

  it('adds key binding for a verifier nonce and audience', async () => {
    const { out } = await run('--credential', path.join(dir, 'licence.txt'), '--disclose', 'companyName', '--holder-key', path.join(dir, 'holder.pem'), '--nonce', 'abc', '--audience', 'https://agency.example');
    expect((await verify(out.trim(), { nonce: 'abc', audience: 'https://agency.example' })).indication).toBe('TOTAL_PASSED');
  });

  it('fails with a message and exit code 1 for an unknown claim', async () => {
    const { out, err } = await run('--credential', path.join(dir, 'licence.txt'), '--disclose', 'shoeSize');
    expect(out).toBe('');
    expect(err).toContain('UNKNOWN_CLAIM');
    expect(process.exitCode).toBe(1);
  });
});
