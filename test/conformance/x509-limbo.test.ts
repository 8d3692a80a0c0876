// x509-limbo conformance harness for the RFC 5280 path validator (src/pki/path).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validatePath } from '../../src/pki/path/validate.js';
import { x509 } from '../../src/pki/x509.js';
import { skipReason } from './limbo-skips.js';

const LIMBO = path.resolve(process.cwd(), '../shared/conformance/x509-limbo/limbo.json');

interface LimboCase {
  id: string;
  features: string[] | null;
  description: string;
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  key_usage: string[];
  extended_key_usage: string[];
  expected_result: 'SUCCESS' | 'FAILURE';
  max_chain_depth: number | null;
  crls: string[] | null;
}

const EKU_OIDS: Record<string, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
};

interface Outcome {
  result: 'SUCCESS' | 'FAILURE';
  why: string;
  ms: number;
}

async function runCase(c: LimboCase): Promise<Outcome> {
  const t0 = performance.now();
  const done = (result: Outcome['result'], why: string): Outcome => ({ result, why, ms: performance.now() - t0 });
  // The API takes parsed certificates; one the x509 library cannot even parse is a format failure.
  let leaf: x509.X509Certificate;
  try {
    leaf = new x509.X509Certificate(c.peer_certificate);
  } catch (err) {
    return done('FAILURE', `FORMAT_FAILURE: leaf not parseable by @peculiar/x509: ${(err as Error).message}`);
  }
  const parseList = (pems: string[]) =>
    pems.flatMap((p) => {
      try {
        return [new x509.X509Certificate(p)];
      } catch {
        return [];
      }
    });
  const unsupportedKu = c.key_usage.filter((k) => k !== 'digitalSignature' && k !== 'contentCommitment');
  if (unsupportedKu.length) throw new Error(`harness: key_usage ${unsupportedKu.join(',')} has no mapping`);
  const requiredEku = c.extended_key_usage.map((e) => {
    const oid = EKU_OIDS[e];
    if (!oid) throw new Error(`harness: unknown EKU name ${e}`);
    return oid;
  });
  const r = await validatePath({
    leaf,
    intermediates: parseList(c.untrusted_intermediates),
    trustAnchors: parseList(c.trusted_certs),
    at: c.validation_time ? new Date(c.validation_time) : new Date(),
    purpose: c.key_usage.length ? 'seal' : 'any',
    ...(requiredEku.length ? { requiredEku } : {}),
    ...(c.crls?.length ? { crls: c.crls.map((p) => new x509.X509Crl(p)) } : {}),
    ...(c.max_chain_depth !== null ? { limits: { maxDepth: c.max_chain_depth } } : {}),
  });
  return done(r.valid ? 'SUCCESS' : 'FAILURE', r.valid ? r.detail : `${r.subIndication}: ${r.detail}`);
}

const present = existsSync(LIMBO);
const cases: LimboCase[] = present ? (JSON.parse(readFileSync(LIMBO, 'utf8')) as { testcases: LimboCase[] }).testcases : [];

describe.skipIf(!present)('x509-limbo', () => {
  let matched = 0;
  let ran = 0;
  const skipped: string[] = [];
  const mismatches: string[] = [];

  afterAll(() => {
    console.log(`x509-limbo: ${matched}/${ran} matched, ${skipped.length} skipped`);
    if (mismatches.length) console.log(`mismatches:\n  ${mismatches.join('\n  ')}`);
  });

  for (const c of cases) {
    const reason = skipReason(c);
    if (reason) {
      skipped.push(c.id);
      it.skip(`${c.id} (${reason})`, () => {});
      continue;
    }
    it(c.id, async () => {
      ran++;
      const out = await runCase(c);
      if (out.result === c.expected_result) matched++;
      else mismatches.push(`${c.id}: expected ${c.expected_result}, got ${out.result} — ${out.why}`);
      expect(out.result, `${c.id}: ${out.why}`).toBe(c.expected_result);
      // Denial-of-service guard: no single case may take more than a couple of seconds.
      expect(out.ms).toBeLessThan(2500);
    });
  }
});
