/**
 * ISO/IEC 7064:2003 hybrid check character system MOD 37,36 (GB/T 17710 is the identical Chinese
 * standard), used for the check character of GB/T 36904 licence identifiers.
 *
 * Hybrid system, M = 36, alphabet 0-9A-Z with values 0..35 (ISO 7064 §7 / Annex on hybrid systems):
 *   P₁ = M
 *   for each character aⱼ, left to right:  Sⱼ = Pⱼ + aⱼ;  Pⱼ₊₁ = (‖Sⱼ‖_M × 2) mod (M + 1)
 *     where ‖S‖_M is S mod M, except that 0 is replaced by M
 *   the check character c makes ‖P_{n+1} + c‖_M = 1, i.e. c = (M + 1 − P_{n+1}) mod M.
 * A hybrid system detects every single substitution and every adjacent transposition.
 */
export const MOD37_36_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const M = 36;

function valueOf(character: string): number {
  const value = MOD37_36_ALPHABET.indexOf(character);
  // indexOf('') is 0, so guard the length too.
  if (character.length !== 1 || value < 0) throw new RangeError(`character ${JSON.stringify(character)} is outside 0-9A-Z`);
  return value;
}

/** P_{n+1} after running the data characters through the recurrence. */
function remainder(data: string): number {
  let p = M;
  for (const character of data) {
    const s = (p + valueOf(character)) % M || M;
    p = (s * 2) % (M + 1);
  }
  return p;
}

/** The check character for `data` (characters 0-9A-Z only; throws RangeError otherwise). */
export function mod37_36CheckCharacter(data: string): string {
  return MOD37_36_ALPHABET[(M + 1 - remainder(data)) % M]!;
}

/** Whether `data` followed by `check` satisfies MOD 37,36; false (never throws) for foreign characters. */
export function mod37_36Verify(data: string, check: string): boolean {
  if (!/^[0-9A-Z]*$/.test(data) || !/^[0-9A-Z]$/.test(check)) return false;
  return (remainder(data) + valueOf(check)) % M === 1;
}
