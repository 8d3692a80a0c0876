// Name constraints (RFC 5280 §4.2.1.10, §6.1.3(b)(c), §6.1.4(g)) and the syntax of the names they
// apply to (§4.2.1.6).
//
// Instead of computing the intersection of permitted subtrees (§6.1.4(g)(i)) the state keeps every
// CA's constraint set; a name must be inside the permitted subtrees of each set that constrains
// its form and outside all excluded subtrees. That is the same acceptance set and avoids the
// subtle intersection arithmetic.
import type { ParsedCert } from './cert.js';
import type { GeneralSubtrees } from './extensions.js';
import { type GeneralName, type GeneralNameKind, type Name, OID_EMAIL_ADDRESS, dnWithinSubtree, isEmptyName } from './names.js';

export interface ConstraintSet {
  /** Which certificate imposed the constraints (for the report). */
  from: string;
  subtrees: GeneralSubtrees;
}

export interface NameConstraintState {
  sets: ConstraintSet[];
  /** Remaining name × subtree comparisons: bounds the quadratic cost (x509-limbo nc-dos cases). */
  budget: number;
}

export const DEFAULT_NC_BUDGET = 250_000;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function validHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const labels = s.toLowerCase().split('.');
  if (!labels.every((l) => LABEL.test(l))) return false;
  // A dotted-decimal address is an iPAddress, not a dNSName (§4.2.1.6; no TLD is all-numeric).
  return !/^[0-9]+$/.test(labels[labels.length - 1]!);
}

/** §4.2.1.6 "preferred name syntax", plus a left-most "*" label covering at least two labels. */
export function dnsNameProblem(name: string): string | undefined {
  if (name.startsWith('*.')) {
    const rest = name.slice(2);
    if (rest.split('.').length < 2 || !validHostname(rest))
      return `dNSName "${name}": a wildcard must be the whole left-most label, above at least two labels`;
    return undefined;
  }
  return validHostname(name) ? undefined : `dNSName "${name}" is not in preferred name syntax (RFC 5280 §4.2.1.6)`;
}

function splitMailbox(s: string): { local: string; domain: string } | undefined {
  const at = s.indexOf('@');
  if (at <= 0 || at !== s.lastIndexOf('@') || at === s.length - 1) return undefined;
  const domain = s.slice(at + 1);
  if (!validHostname(domain)) return undefined;
  return { local: s.slice(0, at), domain };
}

function ipProblem(b: Uint8Array): string | undefined {
  return b.length === 4 || b.length === 16 ? undefined : `iPAddress of ${b.length} octets (4 or 16 required)`;
}

/** Syntax of the names a certificate asserts (SAN and subject emailAddress). */
export function nameSyntaxProblems(c: ParsedCert): string[] {
  const out: string[] = [];
  for (const gn of c.ext.subjectAltName ?? []) {
    if (gn.kind === 'dNSName') {
      const p = dnsNameProblem(gn.text!);
      if (p) out.push(p);
    } else if (gn.kind === 'iPAddress') {
      const p = ipProblem(gn.bytes);
      if (p) out.push(`SAN ${p}`);
    } else if (gn.kind === 'rfc822Name' && !splitMailbox(gn.text!)) {
      out.push(`rfc822Name "${gn.text}" is not a valid mailbox (RFC 5280 §4.2.1.6)`);
    }
  }
  return out;
}

/** §4.2.1.10 syntax of each constraint: a malformed constraint makes the certificate unusable. */
export function constraintSyntaxProblems(nc: GeneralSubtrees): string[] {
  const out: string[] = [];
  for (const gn of [...(nc.permitted ?? []), ...(nc.excluded ?? [])]) {
    if (gn.kind === 'dNSName') {
      // "host.example.com": no wildcards, no leading period (that form exists only for URIs/email).
      if (gn.text !== '' && !validHostname(gn.text!)) out.push(`dNSName constraint "${gn.text}" is malformed`);
    } else if (gn.kind === 'iPAddress') {
      const b = gn.bytes;
      if (b.length !== 8 && b.length !== 32) out.push(`iPAddress constraint of ${b.length} octets (8 or 32 required)`);
      else if (!contiguousMask(b.subarray(b.length / 2))) out.push('iPAddress constraint mask is not a CIDR prefix');
    } else if (gn.kind === 'rfc822Name') {
      const t = gn.text!;
      const ok = t.includes('@') ? !!splitMailbox(t) : validHostname(t.startsWith('.') ? t.slice(1) : t);
      if (!ok) out.push(`rfc822Name constraint "${t}" is malformed`);
    } else if (gn.kind === 'uniformResourceIdentifier') {
      const t = gn.text!;
      if (!validHostname(t.startsWith('.') ? t.slice(1) : t)) out.push(`URI constraint "${t}" is malformed`);
    }
  }
  return out;
}

function contiguousMask(m: Uint8Array): boolean {
  let seenZero = false;
  for (const byte of m)
    for (let bit = 7; bit >= 0; bit--) {
      const set = (byte >> bit) & 1;
      if (set && seenZero) return false;
      if (!set) seenZero = true;
    }
  return true;
}

function dnsWithin(name: string, base: string): boolean {
  return base === '' || name === base || name.endsWith('.' + base);
}

interface Candidate {
  kind: GeneralNameKind;
  text?: string;
  bytes?: Uint8Array;
  dn?: Name;
  label: string;
}

function matches(n: Candidate, c: GeneralName, mode: 'permitted' | 'excluded'): boolean {
  switch (n.kind) {
    case 'dNSName': {
      const name = n.text!.toLowerCase();
      const base = c.text!.toLowerCase();
      if (name.startsWith('*.')) {
        // A wildcard stands for every single-label expansion (RFC 9525 §6.3). Permitted only if
        // all expansions are; excluded if any expansion could be (defensive, CVE-2025-61727).
        const parent = name.slice(2);
        if (mode === 'permitted') return dnsWithin(parent, base);
        return dnsWithin(parent, base) || base.endsWith('.' + parent);
      }
      return dnsWithin(name, base);
    }
    case 'rfc822Name': {
      const mb = splitMailbox(n.text!);
      if (!mb) return mode === 'excluded';
      const t = c.text!;
      if (t.includes('@')) {
        const cm = splitMailbox(t);
        if (!cm) return mode === 'excluded';
        // Local parts are case-sensitive (RFC 5321); every character, "*" included, is literal.
        return mb.local === cm.local && mb.domain.toLowerCase() === cm.domain.toLowerCase();
      }
      const d = mb.domain.toLowerCase();
      const lt = t.toLowerCase();
      return lt.startsWith('.') ? d.endsWith(lt) : d === lt;
    }
    case 'iPAddress': {
      const a = n.bytes!;
      const cb = c.bytes;
      if (cb.length !== a.length * 2) return false;
      for (let i = 0; i < a.length; i++) if ((a[i]! & cb[a.length + i]!) !== (cb[i]! & cb[a.length + i]!)) return false;
      return true;
    }
    case 'directoryName':
      return dnWithinSubtree(n.dn!, c.name!);
    case 'uniformResourceIdentifier': {
      let host: string;
      try {
        host = new URL(n.text!).hostname.toLowerCase();
      } catch {
        return mode === 'excluded';
      }
      if (!host) return mode === 'excluded';
      const base = c.text!.toLowerCase();
      return base.startsWith('.') ? host.endsWith(base) : host === base;
    }
    default:
      return false;
  }
}

const SUPPORTED = new Set<GeneralNameKind>(['dNSName', 'rfc822Name', 'iPAddress', 'directoryName', 'uniformResourceIdentifier']);

function candidates(c: ParsedCert): Candidate[] {
  const out: Candidate[] = [];
  // §4.2.1.10: directoryName constraints apply to a non-empty subject; rfc822Name constraints
  // also apply to emailAddress attributes in the subject DN.
  if (!isEmptyName(c.subject)) out.push({ kind: 'directoryName', dn: c.subject, label: 'subject DN' });
  for (const rdn of c.subject.rdns)
    for (const a of rdn)
      if (a.type === OID_EMAIL_ADDRESS && a.text !== undefined)
        out.push({ kind: 'rfc822Name', text: a.text, label: `subject emailAddress ${a.text}` });
  for (const gn of c.ext.subjectAltName ?? []) {
    const cand: Candidate = { kind: gn.kind, bytes: gn.bytes, label: `SAN ${gn.kind} ${gn.text ?? ''}`.trim() };
    if (gn.text !== undefined) cand.text = gn.text;
    if (gn.name) cand.dn = gn.name;
    out.push(cand);
  }
  return out;
}

/** §6.1.3(b)(c): the certificate's names against every constraint set collected so far. */
export function checkNames(c: ParsedCert, state: NameConstraintState): string | undefined {
  if (state.sets.length === 0) return undefined;
  const names = candidates(c);
  for (const set of state.sets) {
    const cost = names.length * ((set.subtrees.permitted?.length ?? 0) + (set.subtrees.excluded?.length ?? 0));
    state.budget -= cost;
    if (state.budget < 0) return 'name constraint processing limit exceeded (too many names × constraints)';
    for (const n of names) {
      const excl = (set.subtrees.excluded ?? []).filter((s) => s.kind === n.kind);
      const perm = (set.subtrees.permitted ?? []).filter((s) => s.kind === n.kind);
      if (excl.length === 0 && perm.length === 0) continue;
      if (!SUPPORTED.has(n.kind))
        return `${set.from} constrains ${n.kind} names, a form this validator does not process, and the certificate has one (RFC 5280 §4.2.1.10)`;
      if (excl.some((s) => matches(n, s, 'excluded'))) return `${n.label} is in an excluded subtree of ${set.from} (RFC 5280 §6.1.3(b))`;
      if (perm.length > 0 && !perm.some((s) => matches(n, s, 'permitted')))
        return `${n.label} is outside the permitted subtrees of ${set.from} (RFC 5280 §6.1.3(b))`;
    }
  }
  return undefined;
}
