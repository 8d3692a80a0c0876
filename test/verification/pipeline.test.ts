import { describe, expect, it } from 'vitest';
import { passed, runPipeline, type Check } from '../../src/verification/pipeline.js';

describe('the verification pipeline', () => {
  it('is never TOTAL_PASSED when a check returns no verdict (a missing return), and does not throw', async () => {
    const forgetful: Check<object> = { name: 'forgetful', run: () => undefined as never };
    const outcome = await runPipeline([{ name: 'first', run: () => passed() }, forgetful], {});
    expect(outcome.indication).toBe('INDETERMINATE');
    expect(outcome.checks.map((c) => c.result)).toEqual(['PASSED', 'INDETERMINATE']);
  });

  it('is never TOTAL_PASSED when a check throws, or when there are no checks', async () => {
    expect((await runPipeline([{ name: 'boom', run: () => { throw new Error('x'); } }], {})).indication).toBe('INDETERMINATE');
    expect((await runPipeline([], {})).indication).toBe('INDETERMINATE');
  });
});
