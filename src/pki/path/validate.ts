// Entry point: RFC 5280 §6.1 certification path validation on parsed certificates, with path
// building, §6.3 CRL checking and the seal profile. Never throws; fails closed.
import type { CheckResult } from '../../verification/report.js';
import type { x509 } from '../x509.js';
import { checkBasicConstraints } from './basic-constraints.js';
import { type BuildStats, type SignatureCache, buildPaths } from './build-paths.js';
import { type ParsedCert, parseCertificate } from './cert.js';
import { type CrlSlot, checkRevocation, parseCrls } from './crl.js';
import { checkSignatures } from './crypto-policy.js';
import { checkKeyIdentifiers } from './key-identifiers.js';
import { checkKeyUsage, checkLeafPurpose } from './key-usage.js';
import { DEFAULT_NC_BUDGET, type NameConstraintState, checkNames } from './name-constraints.js';
import { nameToString } from './names.js';
import { checkPolicies } from './policies.js';
import { checkProfile, role } from './profile.js';
import { DEFAULT_LIMITS, type PathFailure, type PathValidationInput, type PathValidationResult } from './types.js';
import { checkValidity } from './validity.js';

export type { PathValidationInput, PathValidationResult, PathValidationLimits } from './types.js';

/** §6.1.3(b)(c) and §6.1.4(g) over the whole path, anchor first. */
function checkNameConstraints(path: ParsedCert[]): PathFailure | undefined {
  const n = path.length;
  const state: NameConstraintState = { sets: [], budget: DEFAULT_NC_BUDGET };
  for (let i = n - 1; i >= 0; i--) {
    const c = path[i]!;
    // Self-issued intermediates are exempt; the leaf never is (§6.1.3(b)).
    if (i < n - 1 && (i === 0 || !c.selfIssued)) {
      const v = checkNames(c, state);
      if (v) return { subIndication: 'CHAIN_CONSTRAINTS_FAILURE', detail: `${role(i, n)}: ${v}`, check: 'name constraints' };
    }
    if (i > 0 && c.ext.nameConstraints) state.sets.push({ from: `${role(i, n)} (${nameToString(c.subject)})`, subtrees: c.ext.nameConstraints });
  }
  return undefined;
}

interface Rule {
  name: string;
  run: () => PathFailure | undefined;
}

interface CandidateOutcome {
  failure?: PathFailure;
  checks: CheckResult[];
}

function validateCandidate(
  path: ParsedCert[],
  input: PathValidationInput,
  maxDepth: number,
  cache: SignatureCache,
  crls: CrlSlot[],
): CandidateOutcome {
  const checks: CheckResult[] = [];
  let revocationNotes: string[] = [];
  const rules: Rule[] = [
    { name: 'certificate profile', run: () => checkProfile(path) },
    { name: 'key identifiers', run: () => checkKeyIdentifiers(path) },
    { name: 'signatures', run: () => checkSignatures(path, cache) },
    { name: 'validity', run: () => checkValidity(path, input.at) },
    { name: 'basic constraints', run: () => checkBasicConstraints(path, maxDepth) },
    { name: 'key usage', run: () => checkKeyUsage(path) },
    { name: 'name constraints', run: () => checkNameConstraints(path) },
    { name: 'certificate policies', run: () => checkPolicies(path) },
    { name: 'leaf purpose', run: () => checkLeafPurpose(path[0]!, input.purpose, input.requiredEku) },
    {
      name: 'revocation',
      run: () => {
        if (!input.crls?.length && !input.requireRevocation) return undefined;
        const r = checkRevocation(path, { crls, at: input.at, require: !!input.requireRevocation });
        revocationNotes = r.notes;
        return r.failure;
      },
    },
  ];
  for (const rule of rules) {
    let failure: PathFailure | undefined;
    try {
      failure = rule.run();
    } catch (err) {
      failure = { subIndication: 'FORMAT_FAILURE', detail: `${rule.name}: ${(err as Error).message}`, check: rule.name };
    }
    if (failure) {
      checks.push({ name: `path.${rule.name}`, result: failure.subIndication === 'TRY_LATER' || failure.subIndication === 'CERTIFICATE_CHAIN_GENERAL_FAILURE' ? 'INDETERMINATE' : 'FAILED', detail: failure.detail, subIndication: failure.subIndication });
      return { failure, checks };
    }
    const detail = rule.name === 'revocation' ? (revocationNotes.join('; ') || (input.crls?.length ? 'no CRL covers the path' : 'not checked')) : undefined;
    checks.push(detail ? { name: `path.${rule.name}`, result: 'PASSED', detail } : { name: `path.${rule.name}`, result: 'PASSED' });
  }
  return { checks };
}

function sources(path: ParsedCert[]): x509.X509Certificate[] {
  return path.map((c) => c.source!).filter(Boolean);
}

export async function validatePath(input: PathValidationInput): Promise<PathValidationResult> {
  try {
    return validatePathSync(input);
  } catch (err) {
    // Defence in depth: every rule already reports instead of throwing.
    return { valid: false, subIndication: 'CERTIFICATE_CHAIN_GENERAL_FAILURE', detail: `internal error: ${(err as Error).message}`, checks: [] };
  }
}

function validatePathSync(input: PathValidationInput): PathValidationResult {
  const started = Date.now();
  const limits = { ...DEFAULT_LIMITS, ...stripUndefined(input.limits ?? {}) };
  const checks: CheckResult[] = [];
  if (!(input.at instanceof Date) || Number.isNaN(input.at.getTime()))
    return { valid: false, subIndication: 'FORMAT_FAILURE', detail: 'invalid validation time', checks };
  const leafParsed = parseCertificate(input.leaf);
  if (!leafParsed.ok) {
    const detail = `leaf certificate cannot be parsed: ${leafParsed.error}`;
    checks.push({ name: 'path.parse', result: 'FAILED', detail, subIndication: 'FORMAT_FAILURE' });
    return { valid: false, subIndication: 'FORMAT_FAILURE', detail, checks };
  }
  const leaf = leafParsed.cert;
  const dropped: string[] = [];
  const parseAll = (list: x509.X509Certificate[], what: string): ParsedCert[] =>
    list.flatMap((c, i) => {
      const r = parseCertificate(c);
      if (r.ok) return [r.cert];
      dropped.push(`${what} #${i}: ${r.error}`);
      return [];
    });
  const anchors = parseAll(input.trustAnchors ?? [], 'trust anchor');
  const intermediates = parseAll(input.intermediates ?? [], 'intermediate');
  checks.push(dropped.length ? { name: 'path.parse', result: 'PASSED', detail: `ignored unparseable: ${dropped.join('; ')}` } : { name: 'path.parse', result: 'PASSED' });
  const crls = parseCrls(input.crls ?? []);

  const stats: BuildStats = { candidates: 0, depthExhausted: false, badSignatures: [] };
  const cache: SignatureCache = new Map();
  let best: { path: ParsedCert[]; outcome: CandidateOutcome } | undefined;
  for (const path of buildPaths(leaf, { anchors, intermediates, maxDepth: limits.maxDepth, maxCandidates: limits.maxCandidates, deadline: started + limits.deadlineMs }, stats, cache)) {
    const outcome = validateCandidate(path, input, limits.maxDepth, cache, crls);
    if (!outcome.failure) {
      const anchor = path[path.length - 1]!;
      return {
        valid: true,
        detail: `valid path of ${path.length} certificates to trust anchor ${nameToString(anchor.subject)} (RFC 5280 §6.1)`,
        path: sources(path),
        checks: [...checks, { name: 'path.build', result: 'PASSED', detail: `${stats.candidates} candidate path(s) examined` }, ...outcome.checks],
      };
    }
    best ??= { path, outcome };
  }
  if (best) {
    const f = best.outcome.failure!;
    return {
      valid: false,
      subIndication: f.subIndication,
      detail: f.detail,
      path: sources(best.path),
      checks: [...checks, { name: 'path.build', result: 'PASSED', detail: `${stats.candidates} candidate path(s) examined, none valid` }, ...best.outcome.checks],
    };
  }
  const reasons: string[] = [];
  if (stats.stoppedBy === 'candidates') reasons.push(`stopped after ${limits.maxCandidates} candidate paths`);
  if (stats.stoppedBy === 'deadline') reasons.push(`stopped after ${limits.deadlineMs} ms`);
  if (stats.depthExhausted) reasons.push(`paths longer than ${limits.maxDepth} intermediates were not followed`);
  if (stats.badSignatures.length) reasons.push(`rejected issuers: ${stats.badSignatures.join('; ')}`);
  const detail = `no certification path from ${nameToString(leaf.subject)} to a trust anchor (RFC 5280 §6.1)${reasons.length ? ': ' + reasons.join('; ') : ''}`;
  checks.push({ name: 'path.build', result: 'INDETERMINATE', detail, subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
  return { valid: false, subIndication: 'NO_CERTIFICATE_CHAIN_FOUND', detail, checks };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The interval in which every certificate of the path is within its validity period. */
export function pathValidityWindow(path: x509.X509Certificate[]): { notBefore: Date; notAfter: Date } {
  let nb = -Infinity;
  let na = Infinity;
  for (const c of path) {
    nb = Math.max(nb, c.notBefore.getTime());
    na = Math.min(na, c.notAfter.getTime());
  }
  return { notBefore: new Date(nb), notAfter: new Date(na) };
}
