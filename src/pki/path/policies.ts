// Certificate policy processing, RFC 5280 §6.1.2(a)(d)(e)(f)(j), §6.1.3(d)(e)(f), §6.1.4(a)(b)(h)(i)(j),
// §6.1.5(a)(b)(g), with the initial inputs user-initial-policy-set = {anyPolicy} and
// initial-explicit-policy = initial-policy-mapping-inhibit = initial-any-policy-inhibit = false.
// With those inputs only the deepest level of valid_policy_tree matters for the outcome, so the
// tree is represented by its leaves: valid_policy → expected_policy_set.
import type { ParsedCert } from './cert.js';
import { OID } from './extensions.js';
import { role } from './profile.js';
import type { PathFailure } from './types.js';

const ANY = OID.anyPolicy;
const fail = (detail: string): PathFailure => ({ subIndication: 'CHAIN_CONSTRAINTS_FAILURE', detail, check: 'certificate policies' });

export function checkPolicies(path: ParsedCert[]): PathFailure | undefined {
  const certs = path.slice(0, -1).reverse(); // certificate 1 .. n of §6.1 (anchor excluded)
  const n = certs.length;
  let tree: Map<string, Set<string>> | null = new Map([[ANY, new Set([ANY])]]);
  let explicitPolicy = n + 1;
  let policyMapping = n + 1;
  let inhibitAny = n + 1;
  for (let i = 1; i <= n; i++) {
    const c = certs[i - 1]!;
    const who = role(n - i, n + 1);
    const policies = c.ext.certificatePolicies;
    if (policies && tree) {
      // §6.1.3(d)
      const next = new Map<string, Set<string>>();
      for (const p of policies) {
        if (p === ANY) continue;
        const matched = [...tree.values()].some((exp) => exp.has(p));
        if (matched || tree.has(ANY)) next.set(p, new Set([p]));
      }
      if (policies.includes(ANY) && (inhibitAny > 0 || (i < n && c.selfIssued))) {
        for (const exp of tree.values()) for (const p of exp) if (!next.has(p)) next.set(p, new Set([p]));
      }
      tree = next.size ? next : null;
    } else tree = null; // §6.1.3(e)
    // §6.1.3(f)
    if (explicitPolicy <= 0 && !tree) return fail(`${who}: no valid certificate policy while an explicit policy is required (RFC 5280 §6.1.3(f))`);
    if (i === n) break;
    const mappings = c.ext.policyMappings ?? [];
    if (mappings.some(([a, b]) => a === ANY || b === ANY)) return fail(`${who}: policyMappings must not map anyPolicy (RFC 5280 §6.1.4(a))`);
    if (mappings.length && tree) {
      const byIssuer = new Map<string, Set<string>>();
      for (const [a, b] of mappings) (byIssuer.get(a) ?? byIssuer.set(a, new Set()).get(a)!).add(b);
      if (policyMapping > 0) {
        // §6.1.4(b)(1)
        for (const [p, subjects] of byIssuer) {
          if (tree.has(p)) tree.set(p, new Set(subjects));
          else if (tree.has(ANY)) tree.set(p, new Set(subjects));
        }
      } else {
        // §6.1.4(b)(2)
        for (const p of byIssuer.keys()) tree.delete(p);
        if (tree.size === 0) tree = null;
      }
    }
    if (!c.selfIssued) {
      // §6.1.4(h)
      if (explicitPolicy > 0) explicitPolicy--;
      if (policyMapping > 0) policyMapping--;
      if (inhibitAny > 0) inhibitAny--;
    }
    const pc = c.ext.policyConstraints;
    if (pc?.requireExplicitPolicy !== undefined) explicitPolicy = Math.min(explicitPolicy, pc.requireExplicitPolicy);
    if (pc?.inhibitPolicyMapping !== undefined) policyMapping = Math.min(policyMapping, pc.inhibitPolicyMapping);
    if (c.ext.inhibitAnyPolicy !== undefined) inhibitAny = Math.min(inhibitAny, c.ext.inhibitAnyPolicy);
  }
  // §6.1.5(a)(b)
  const leaf = path[0]!;
  if (explicitPolicy > 0) explicitPolicy--;
  if (leaf.ext.policyConstraints?.requireExplicitPolicy === 0) explicitPolicy = 0;
  // §6.1.5(g): with user-initial-policy-set = {anyPolicy} the intersection is the tree itself.
  if (explicitPolicy <= 0 && !tree) return fail('no valid certificate policy for the path while an explicit policy is required (RFC 5280 §6.1.5)');
  return undefined;
}
