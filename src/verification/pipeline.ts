import { indicationOf, type CheckResult, type Indication, type SubIndication } from './report.js';

/** What a check concludes. `NOT_APPLICABLE` is allowed only from checks declared optional. */
export type CheckVerdict =
  | { result: 'PASSED'; detail?: string }
  | { result: 'FAILED' | 'INDETERMINATE'; subIndication: SubIndication; detail: string }
  | { result: 'NOT_APPLICABLE'; detail?: string };

export const passed = (detail?: string): CheckVerdict => (detail === undefined ? { result: 'PASSED' } : { result: 'PASSED', detail });

/** A failure: the indication (TOTAL_FAILED or INDETERMINATE) follows from the sub-indication. */
export const failed = (subIndication: SubIndication, detail: string): CheckVerdict => ({
  result: indicationOf(subIndication) === 'TOTAL_FAILED' ? 'FAILED' : 'INDETERMINATE',
  subIndication,
  detail,
});

export const notApplicable = (detail?: string): CheckVerdict =>
  detail === undefined ? { result: 'NOT_APPLICABLE' } : { result: 'NOT_APPLICABLE', detail };

/**
 * One named step of a verification pipeline. A check reads and extends the pipeline's state `S`
 * (e.g. the format check parses, the issuer-key check puts the key there for the signature check).
 */
export interface Check<S> {
  readonly name: string;
  /** Optional checks may answer NOT_APPLICABLE (reported as SKIPPED); all others must PASS. */
  readonly optional?: boolean;
  run(state: S): CheckVerdict | Promise<CheckVerdict>;
}

export interface PipelineOutcome {
  indication: Indication;
  subIndication?: SubIndication;
  checks: CheckResult[];
}

/**
 * Runs checks in order and stops at the first that does not pass; the rest are reported SKIPPED.
 * Fail closed: TOTAL_PASSED only when every check ran and PASSED (or, if optional, was not
 * applicable). A check that throws is INDETERMINATE, never passed.
 */
export async function runPipeline<S>(checks: readonly Check<S>[], state: S): Promise<PipelineOutcome> {
  const results: CheckResult[] = [];
  let outcome: { indication: Indication; subIndication?: SubIndication } | undefined;
  for (const check of checks) {
    if (outcome) {
      results.push({ name: check.name, result: 'SKIPPED', detail: 'not run: an earlier check did not pass' });
      continue;
    }
    let verdict: CheckVerdict;
    try {
      verdict = await check.run(state);
      // A check that forgot to answer has not passed.
      if (!verdict || typeof verdict.result !== 'string') throw new Error('the check returned no verdict');
    } catch (error) {
      verdict = failed('GENERIC', `check raised an error: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (verdict.result === 'NOT_APPLICABLE' && !check.optional) {
      verdict = failed('GENERIC', 'a mandatory check reported itself not applicable');
    }
    if (verdict.result === 'PASSED') {
      results.push(verdict.detail === undefined ? { name: check.name, result: 'PASSED' } : { name: check.name, result: 'PASSED', detail: verdict.detail });
    } else if (verdict.result === 'NOT_APPLICABLE') {
      results.push({ name: check.name, result: 'SKIPPED', detail: verdict.detail ?? 'not applicable' });
    } else {
      results.push({ name: check.name, result: verdict.result, subIndication: verdict.subIndication, detail: verdict.detail });
      outcome = { indication: indicationOf(verdict.subIndication), subIndication: verdict.subIndication };
    }
  }
  if (outcome) return { ...outcome, checks: results };
  if (results.length === 0) return { indication: 'INDETERMINATE', subIndication: 'GENERIC', checks: results };
  return { indication: 'TOTAL_PASSED', checks: results };
}
