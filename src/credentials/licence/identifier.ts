import { TongbanError } from '../../errors.js';
import { mod37_36CheckCharacter, mod37_36Verify } from './iso7064.js';

/**
 * GB/T 36904-2018 electronic licence identifier:
 *   1.2.156.3005.2.{type code}.{issuing authority code}.{serial}.{version}.{check character}
 * `1.2.156.3005.2` is the OID arc for electronic licences under China's national arc (1.2.156).
 *
 * Choices Tongban makes where the identifier leaves room (docs/licences.md):
 * - every segment uses upper-case alphanumerics (0-9A-Z), the MOD 37,36 alphabet;
 * - the issuing authority code is the authority's 18-character unified social credit code (GB 32100);
 * - the serial is ten characters (a zero-padded decimal sequence per type and authority);
 * - the version is three digits (`001` for a first issue; a re-issue of the same licence bumps it);
 * - the check character is MOD 37,36 over every character before it with the dots left out
 *   (the dots are separators, outside the check alphabet), so the fixed root is covered too.
 *   Because authority code, serial and version have fixed lengths, a moved dot is caught by the
 *   shape check even though the check character does not see it.
 */
export const LICENCE_ID_ROOT = '1.2.156.3005.2';
export const MAX_IDENTIFIER_LENGTH = 200;

export interface LicenceIdentifierParts {
  typeCode: string;
  authorityCode: string;
  serial: string;
  version: string;
}

export interface ParsedLicenceIdentifier extends LicenceIdentifierParts {
  check: string;
}

const TYPE_CODE = /^[0-9A-Z]{1,40}$/;
const AUTHORITY_CODE = /^[0-9A-Z]{18}$/;
const SERIAL = /^[0-9A-Z]{10}$/;
const VERSION = /^[0-9]{3}$/;

function checkInput(parts: LicenceIdentifierParts): string | null {
  if (!TYPE_CODE.test(parts.typeCode)) return 'type code must be 1-40 characters 0-9A-Z';
  if (!AUTHORITY_CODE.test(parts.authorityCode)) return 'issuing authority code must be 18 characters 0-9A-Z';
  if (!SERIAL.test(parts.serial)) return 'serial must be 10 characters 0-9A-Z';
  if (!VERSION.test(parts.version)) return 'version must be three digits';
  return null;
}

function body(parts: LicenceIdentifierParts): string {
  return `${LICENCE_ID_ROOT}.${parts.typeCode}.${parts.authorityCode}.${parts.serial}.${parts.version}`;
}

/** Builds an identifier with its check character; throws TongbanError for parts outside the format. */
export function formatLicenceIdentifier(parts: LicenceIdentifierParts): string {
  const problem = checkInput(parts);
  if (problem) throw new TongbanError('INVALID_LICENCE_IDENTIFIER', problem, 400);
  const withoutCheck = body(parts);
  return `${withoutCheck}.${mod37_36CheckCharacter(withoutCheck.replaceAll('.', ''))}`;
}

/** A serial number as the identifier carries it: decimal, zero-padded to ten digits. */
export function serialFor(sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > 9_999_999_999) {
    throw new TongbanError('LICENCE_SERIAL_EXHAUSTED', 'licence serial sequence is out of range', 500);
  }
  return sequence.toString().padStart(10, '0');
}

export type IdentifierCheck = { ok: true; identifier: ParsedLicenceIdentifier } | { ok: false; reason: string };

/** Parses and checks an identifier: shape first, then the check character. Never throws. */
export function parseLicenceIdentifier(text: unknown): IdentifierCheck {
  if (typeof text !== 'string') return { ok: false, reason: 'identifier is not a string' };
  if (text.length > MAX_IDENTIFIER_LENGTH) return { ok: false, reason: 'identifier is too long' };
  if (!text.startsWith(`${LICENCE_ID_ROOT}.`)) return { ok: false, reason: `identifier does not start with ${LICENCE_ID_ROOT}` };
  const segments = text.slice(LICENCE_ID_ROOT.length + 1).split('.');
  if (segments.length !== 5) return { ok: false, reason: 'identifier must have type code, authority code, serial, version and check character' };
  const [typeCode, authorityCode, serial, version, check] = segments as [string, string, string, string, string];
  const parts = { typeCode, authorityCode, serial, version };
  const problem = checkInput(parts);
  if (problem) return { ok: false, reason: problem };
  if (!/^[0-9A-Z]$/.test(check)) return { ok: false, reason: 'check character must be one character 0-9A-Z' };
  if (!mod37_36Verify(body(parts).replaceAll('.', ''), check)) return { ok: false, reason: 'check character does not match (ISO 7064 MOD 37,36)' };
  return { ok: true, identifier: { ...parts, check } };
}
