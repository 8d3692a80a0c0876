// x509-limbo cases the seal-certificate validator does not claim, each with its reason.
// A case is skipped when its id is listed here or when it matches a rule below.

export interface LimboCaseMeta {
  id: string;
  features?: string[] | null;
}

/** Skipped by id: the expected result depends only on a feature the validator does not have. */
export const SKIP_BY_ID: Readonly<Record<string, string>> = {};

/** Skipped by rule, checked in order; the first matching rule gives the reason. */
export const SKIP_RULES: ReadonlyArray<{ reason: string; matches: (c: LimboCaseMeta) => boolean }> = [];

export function skipReason(c: LimboCaseMeta): string | undefined {
  if (c.id in SKIP_BY_ID) return SKIP_BY_ID[c.id];
  return SKIP_RULES.find((r) => r.matches(c))?.reason;
}
