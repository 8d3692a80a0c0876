import { statusReferenceOf } from '../../../verification/checks/status.js';
import { failed, passed, type Check } from '../../../verification/pipeline.js';
import { parseLicenceIdentifier } from '../identifier.js';
import { SD_JWT_VC_TYP } from '../sd-jwt-issue.js';
import { parseSdJwt } from '../sd-jwt-format.js';
import type { LicenceEnvelope, LicenceState } from '../verification-state.js';

const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function envelopeOf(header: Record<string, unknown>, payload: Record<string, unknown>): LicenceEnvelope | string {
  // draft-ietf-oauth-sd-jwt-vc §3.2.1: an SD-JWT VC is typed dc+sd-jwt (explicit typing, RFC 8725 §3.11).
  if (header.typ !== SD_JWT_VC_TYP) return `header typ must be ${SD_JWT_VC_TYP}`;
  // RFC 7515 §4.1.11: we understand no critical extensions, so any `crit` makes the JWS unacceptable.
  if (header.crit !== undefined) return 'header has crit extensions Tongban does not understand';
  if (typeof header.kid !== 'string' || header.kid.length === 0) return 'header has no kid';
  const { iss, region, vct, iat, exp, nbf, identifier, status, cnf } = payload;
  if (typeof iss !== 'string' || iss.length === 0) return 'payload has no iss';
  if (typeof region !== 'string' || !/^[A-Z]{2}-[A-Z0-9]{1,3}$/.test(region)) return 'payload has no ISO 3166-2 region';
  if (typeof vct !== 'string' || vct.length === 0) return 'payload has no vct';
  if (!isNumericDate(iat)) return 'payload iat is not a NumericDate';
  if (!isNumericDate(exp)) return 'payload exp is not a NumericDate';
  if (nbf !== undefined && !isNumericDate(nbf)) return 'payload nbf is not a NumericDate';
  const id = parseLicenceIdentifier(identifier);
  if (!id.ok) return `payload identifier: ${id.reason}`;
  // draft-ietf-oauth-status-list §6.2, read by the rule every JWS credential shares (http(s) uri, ≤ 2048 chars).
  const reference = statusReferenceOf({ status });
  if (!reference) return 'payload has no valid status_list reference';
  const envelope: LicenceEnvelope = {
    kid: header.kid,
    iss,
    region,
    vct,
    iat,
    exp,
    identifier: identifier as string,
    status: reference,
  };
  if (nbf !== undefined) envelope.nbf = nbf as number;
  if (cnf !== undefined) {
    // RFC 7800 §3.2: the holder's key as a JWK; we accept no other confirmation method.
    if (!isObject(cnf) || !isObject(cnf.jwk)) return 'payload cnf is not {"jwk": {...}}';
    envelope.cnfJwk = cnf.jwk as JsonWebKey;
  }
  return envelope;
}

/** Splits the SD-JWT and checks the issuer-signed JWT carries what a licence must carry. */
export const formatCheck: Check<LicenceState> = {
  name: 'format',
  run(state) {
    const parsed = parseSdJwt(state.credential);
    if (typeof parsed === 'string') return failed('FORMAT_FAILURE', parsed);
    const envelope = envelopeOf(parsed.issuerJwt.header, parsed.payload);
    if (typeof envelope === 'string') return failed('FORMAT_FAILURE', envelope);
    state.parsed = parsed;
    // What the shared JWS checks (algorithm, issuer-key, signature, validity-window, status) read.
    state.jws = parsed.issuerJwt;
    state.payload = parsed.payload;
    state.envelope = envelope;
    return passed(`SD-JWT with ${parsed.disclosures.length} disclosure(s)${parsed.keyBindingJwt ? ' and a key-binding JWT' : ''}`);
  },
};
