import { parseCompactJws, parseJsonPayload } from '../../crypto/jws.js';
import { failed, passed, runPipeline, type Check } from '../../verification/pipeline.js';
import type { ValidationReport } from '../../verification/report.js';
import { algorithmCheck } from '../../verification/checks/algorithm.js';
import { issuerKeyCheck } from '../../verification/checks/issuer-key.js';
import { required, type JwsCredentialState } from '../../verification/checks/jws-state.js';
import { signatureCheck } from '../../verification/checks/signature.js';
import { statusCheck } from '../../verification/checks/status.js';
import { validityWindowCheck } from '../../verification/checks/validity-window.js';
import { HEALTH_CODE_COLOURS, HEALTH_CODE_TYP } from './format.js';

export interface HealthCodeState extends JwsCredentialState {
  readonly token: string;
  /** The token already split by the dispatcher (to read its typ), so that it is parsed once. */
  readonly parsed?: ReturnType<typeof parseCompactJws>;
}

const MAX_TOKEN_LENGTH = 16 * 1024;

const formatCheck: Check<HealthCodeState> = {
  name: 'format',
  run(state) {
    if (state.token.length > MAX_TOKEN_LENGTH) return failed('FORMAT_FAILURE', 'credential is too long');
    const jws = state.parsed ?? parseCompactJws(state.token);
    if (typeof jws === 'string') return failed('FORMAT_FAILURE', `not a compact JWS: ${jws}`);
    if (jws.header.typ !== HEALTH_CODE_TYP) return failed('FORMAT_FAILURE', `typ must be ${HEALTH_CODE_TYP}`);
    // RFC 7515 §4.1.11: a recipient must reject a JWS with critical extensions it does not understand.
    if (jws.header.crit !== undefined) return failed('FORMAT_FAILURE', 'unsupported critical header parameters');
    const payload = parseJsonPayload(jws.payloadBytes);
    if (!payload) return failed('FORMAT_FAILURE', 'payload is not a JSON object');
    state.jws = jws;
    state.payload = payload;
    return passed();
  },
};

const typeRulesCheck: Check<HealthCodeState> = {
  name: 'type-rules',
  run(state) {
    const payload = required(state.payload, 'payload');
    const hc = payload.hc as { colour?: unknown; name?: unknown } | undefined;
    if (!hc || typeof hc !== 'object') return failed('FORMAT_FAILURE', 'missing hc claim');
    if (!HEALTH_CODE_COLOURS.includes(hc.colour as never)) return failed('FORMAT_FAILURE', 'hc.colour is not green, yellow or red');
    if (typeof hc.name !== 'string' || typeof payload.sub !== 'string' || typeof payload.jti !== 'string') {
      return failed('FORMAT_FAILURE', 'holder name, subject and id must be strings');
    }
    return passed();
  },
};

/** The health-code pipeline, in the order the issue fixes (format → … → type rules). */
export const HEALTH_CODE_CHECKS: readonly Check<HealthCodeState>[] = [
  formatCheck,
  algorithmCheck,
  issuerKeyCheck('healthcode'),
  signatureCheck,
  validityWindowCheck((state) => state.policy.maxLifetimeSeconds.healthCode),
  statusCheck,
  typeRulesCheck,
];

export async function verifyHealthCode(state: HealthCodeState, trustSource: ValidationReport['trustSource']): Promise<ValidationReport> {
  const outcome = await runPipeline(HEALTH_CODE_CHECKS, state);
  const report: ValidationReport = {
    indication: outcome.indication,
    ...(outcome.subIndication ? { subIndication: outcome.subIndication } : {}),
    credentialType: 'health-code',
    checks: outcome.checks,
    trustSource,
    verifiedAt: state.at.toISOString(),
  };
  if (state.issuer) report.issuer = { region: state.issuer.region, kid: state.issuer.kid, name: state.issuer.name };
  // Claims only for a passed credential: a verifier page must not show "green" beside a revoked or
  // forged code. (Licences follow the same rule.)
  if (outcome.indication === 'TOTAL_PASSED' && state.payload) {
    const p = state.payload;
    const hc = p.hc as { colour?: unknown; name?: unknown };
    report.claims = {
      id: p.jti,
      colour: hc?.colour,
      holderName: hc?.name,
      holderPseudonym: p.sub,
      region: p.region,
      issuedAt: typeof p.iat === 'number' ? new Date(p.iat * 1000).toISOString() : undefined,
      expiresAt: typeof p.exp === 'number' ? new Date(p.exp * 1000).toISOString() : undefined,
    };
  }
  return report;
}
