import { ISSUER_ROLES, type IssuerRole } from '../roles.js';
import type { IssuerStatus, IssuerStatusChange } from '../trust-material.js';

/** JWS `typ` of a region's trust list (RFC 7515 §4.1.9; RFC 8725 §3.11 explicit typing). */
export const TRUST_LIST_TYP = 'tongban-trust-list+jwt';
export const TRUST_LIST_MEDIA_TYPE = 'application/tongban-trust-list+jwt';

/** One issuer key in a trust list. Entries are never removed: retirement and revocation are tombstones. */
export interface TrustListIssuerEntry {
  kid: string;
  roles: IssuerRole[];
  name: string;
  publicJwk: JsonWebKey;
  /** Standard base64 DER of the key's certificate (the CA certificate for role `seal`). */
  certificate?: string;
  validFrom?: string;
  validTo?: string;
  status: IssuerStatus;
  statusHistory: IssuerStatusChange[];
}

export interface TrustListPayload {
  region: string;
  sequence: number;
  issuedAt: string;
  nextUpdate: string;
  issuers: TrustListIssuerEntry[];
}

/** Bounds on what we accept; docs/federation.md §"Limits". */
export interface TrustListLimits {
  maxBytes: number;
  maxIssuers: number;
  maxDepth: number;
}

export const DEFAULT_TRUST_LIST_LIMITS: TrustListLimits = {
  maxBytes: 16 * 1024 * 1024,
  maxIssuers: 100_000,
  maxDepth: 8,
};

const MAX_NAME = 200;
const MAX_CERTIFICATE_B64 = 16 * 1024;
const MAX_HISTORY = 64;
const STATUSES: readonly IssuerStatus[] = ['active', 'retired', 'revoked'];
export const REGION_PATTERN = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;
// RFC 3339 §5.6 in UTC only: one spelling per instant keeps lists comparable.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Curve → base64url length of one coordinate (RFC 7518 §6.2.1.2: full length, leading zeros kept). */
const COORDINATE_LENGTH: Record<string, number> = { 'P-256': 43, 'P-384': 64, Ed25519: 43 };

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const bad = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value));
}

export function isSequence(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/** A public JWK with exactly the members we use, with coordinates of the curve's length. */
function checkPublicJwk(value: unknown): Checked<JsonWebKey> {
  if (!isObject(value)) return bad('publicJwk is not an object');
  if ('d' in value) return bad('publicJwk contains a private key');
  const { kty, crv, x, y } = value;
  if (typeof crv !== 'string' || typeof x !== 'string') return bad('publicJwk lacks crv or x');
  const length = COORDINATE_LENGTH[crv];
  if (length === undefined || x.length !== length || !B64URL.test(x)) return bad('publicJwk has an unsupported curve or bad x');
  if (kty === 'EC' && crv !== 'Ed25519') {
    if (typeof y !== 'string' || y.length !== length || !B64URL.test(y)) return bad('publicJwk has a bad y');
    return { ok: true, value: { kty, crv, x, y } };
  }
  if (kty === 'OKP' && crv === 'Ed25519' && y === undefined) return { ok: true, value: { kty, crv, x } };
  return bad('publicJwk has an unsupported kty');
}

function checkHistory(value: unknown, status: IssuerStatus): Checked<IssuerStatusChange[]> {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_HISTORY) return bad('statusHistory must list 1..64 changes');
  const history: IssuerStatusChange[] = [];
  let previous = -Infinity;
  for (const change of value) {
    if (!isObject(change) || !STATUSES.includes(change.status as IssuerStatus) || !isInstant(change.at)) return bad('statusHistory has a malformed change');
    const at = Date.parse(change.at);
    if (at < previous) return bad('statusHistory is not in time order');
    previous = at;
    history.push({ status: change.status as IssuerStatus, at: change.at });
  }
  // The current status is the last change: a list cannot say "active" while its history ends "revoked".
  if (history[history.length - 1]!.status !== status) return bad('status differs from the last statusHistory change');
  // ETSI TS 119 612 §5.5.4 lets a withdrawn service come back; we do not: a revoked key stays revoked.
  const revokedAt = history.findIndex((c) => c.status === 'revoked');
  if (revokedAt >= 0 && revokedAt !== history.length - 1) return bad('statusHistory leaves the revoked status');
  return { ok: true, value: history };
}

/**
 * Checks one issuer entry's shape. The kid/thumbprint binding is checked by the caller (it hashes),
 * unknown roles refuse the whole list (fail closed: a role we do not understand is never guessed).
 */
export function checkIssuerEntry(value: unknown): Checked<TrustListIssuerEntry> {
  if (!isObject(value)) return bad('issuer entry is not an object');
  const { kid, roles, name, certificate, validFrom, validTo, status } = value;
  if (typeof kid !== 'string' || kid.length !== 43 || !B64URL.test(kid)) return bad('kid is not an RFC 7638 SHA-256 thumbprint');
  if (!Array.isArray(roles) || roles.length === 0 || roles.length > ISSUER_ROLES.length) return bad(`issuer ${kid}: roles must be a non-empty list`);
  for (const role of roles) if (!(ISSUER_ROLES as readonly unknown[]).includes(role)) return bad(`issuer ${kid}: unknown role ${String(role).slice(0, 40)}`);
  if (new Set(roles).size !== roles.length) return bad(`issuer ${kid}: duplicate role`);
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME) return bad(`issuer ${kid}: name must be 1..${MAX_NAME} characters`);
  if (certificate !== undefined && (typeof certificate !== 'string' || certificate.length > MAX_CERTIFICATE_B64 || !B64.test(certificate))) return bad(`issuer ${kid}: certificate is not base64 DER`);
  if (validFrom !== undefined && !isInstant(validFrom)) return bad(`issuer ${kid}: validFrom is not an RFC 3339 UTC instant`);
  if (validTo !== undefined && !isInstant(validTo)) return bad(`issuer ${kid}: validTo is not an RFC 3339 UTC instant`);
  if (typeof validFrom === 'string' && typeof validTo === 'string' && Date.parse(validTo) < Date.parse(validFrom)) return bad(`issuer ${kid}: validTo precedes validFrom`);
  if (!STATUSES.includes(status as IssuerStatus)) return bad(`issuer ${kid}: unknown status`);
  const jwk = checkPublicJwk(value.publicJwk);
  if (!jwk.ok) return bad(`issuer ${kid}: ${jwk.reason}`);
  const history = checkHistory(value.statusHistory, status as IssuerStatus);
  if (!history.ok) return bad(`issuer ${kid}: ${history.reason}`);
  const entry: TrustListIssuerEntry = {
    kid,
    roles: roles as IssuerRole[],
    name,
    publicJwk: jwk.value,
    status: status as IssuerStatus,
    statusHistory: history.value,
  };
  if (certificate !== undefined) entry.certificate = certificate as string;
  if (validFrom !== undefined) entry.validFrom = validFrom as string;
  if (validTo !== undefined) entry.validTo = validTo as string;
  return { ok: true, value: entry };
}
