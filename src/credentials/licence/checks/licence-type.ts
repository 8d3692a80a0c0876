import { failed, passed, type Check } from '../../../verification/pipeline.js';
import { holderSchema, licenceTypeByVct } from '../catalogue.js';
import { parseLicenceIdentifier } from '../identifier.js';
import { required } from '../../../verification/checks/jws-state.js';
import type { LicenceState } from '../verification-state.js';

/** Claims the issuer-signed JWT carries in the clear; everything else must belong to the licence type. */
const ENVELOPE_CLAIMS = new Set(['iss', 'region', 'vct', 'iat', 'exp', 'nbf', 'status', 'identifier', 'cnf', 'holder']);

/**
 * Type rules: the `vct` is a licence type we know, the identifier's type code is that type's, and
 * every disclosed claim is a field of the type with a value its schema accepts — a credential
 * carrying claims the catalogue does not define is not one of our licences.
 */
export const licenceTypeCheck: Check<LicenceState> = {
  name: 'type-rules',
  run(state) {
    const envelope = required(state.envelope, 'envelope');
    const claims = required(state.claims, 'claims');
    const licenceType = licenceTypeByVct(envelope.vct);
    if (!licenceType) return failed('SIG_CONSTRAINTS_FAILURE', `unknown licence type ${envelope.vct}`);
    const id = parseLicenceIdentifier(envelope.identifier);
    if (!id.ok || id.identifier.typeCode !== licenceType.typeCode) return failed('SIG_CONSTRAINTS_FAILURE', 'identifier type code does not match the licence type');
    const shape = licenceType.fields.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
    for (const [name, value] of Object.entries(claims)) {
      if (ENVELOPE_CLAIMS.has(name)) continue;
      const schema = shape[name];
      if (!schema) return failed('SIG_CONSTRAINTS_FAILURE', `claim "${name}" is not a field of ${licenceType.type}`);
      if (!schema.safeParse(value).success) return failed('SIG_CONSTRAINTS_FAILURE', `claim "${name}" does not match the ${licenceType.type} schema`);
    }
    const holder = claims.holder;
    if (holder !== undefined) {
      if (holder === null || typeof holder !== 'object' || Array.isArray(holder)) return failed('SIG_CONSTRAINTS_FAILURE', 'holder is not an object');
      const partial = holderSchema.partial().safeParse(holder);
      if (!partial.success) return failed('SIG_CONSTRAINTS_FAILURE', 'holder claims do not match the holder schema');
    }
    state.licenceType = licenceType;
    return passed(licenceType.type);
  },
};
