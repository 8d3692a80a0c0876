import { describe, expect, it } from 'vitest';
import { placeholderAuthorityCode } from '../../src/credentials/licence/authority.js';
import { formatLicenceIdentifier, parseLicenceIdentifier, serialFor } from '../../src/credentials/licence/identifier.js';
import { MOD37_36_ALPHABET, mod37_36CheckCharacter, mod37_36Verify } from '../../src/credentials/licence/iso7064.js';

describe('ISO 7064 MOD 37,36', () => {
  it('computes the check character of a hand-worked example', () => {
    // "TBR": T=29, B=11, R=27, M=36, P1=36.
    //   S1 = 36+29 = 65, ‖65‖ = 29, P2 = 58 mod 37 = 21
    //   S2 = 21+11 = 32, ‖32‖ = 32, P3 = 64 mod 37 = 27
    //   S3 = 27+27 = 54, ‖54‖ = 18, P4 = 36 mod 37 = 36
    //   c = (37 - 36) mod 36 = 1  → "1"
    expect(mod37_36CheckCharacter('TBR')).toBe('1');
    expect(mod37_36Verify('TBR', '1')).toBe(true);
  });

  it('agrees with check characters published by an independent implementation', () => {
    // Vectors from the cdigit project's MOD 37,36 test suite.
    const vectors: [string, string][] = [
      ['9', 'J'],
      ['OW', 'N'],
      ['1M', 'Q'],
      ['X0H', 'X'],
      ['KM', 'O'],
      ['B7Q3SFTUSH2QN7BIXBPMNZAM', 'I'],
      ['EFWW032G2TI', 'U'],
    ];
    for (const [data, check] of vectors) expect(mod37_36CheckCharacter(data), data).toBe(check);
  });

  it('refuses characters outside 0-9A-Z', () => {
    expect(() => mod37_36CheckCharacter('ab')).toThrow(RangeError);
    expect(mod37_36Verify('ab', '1')).toBe(false);
    expect(mod37_36Verify('TBR', '*')).toBe(false);
  });
});

describe('GB/T 36904 licence identifiers', () => {
  const parts = { typeCode: 'BL0001', authorityCode: '114400000000000000', serial: serialFor(42), version: '001' };
  const sample = formatLicenceIdentifier(parts);

  it('carries the root arc, the parts and a correct check character', () => {
    expect(sample.startsWith('1.2.156.3005.2.BL0001.114400000000000000.0000000042.001.')).toBe(true);
    const data = sample.slice(0, -2).replaceAll('.', '');
    expect(sample.at(-1)).toBe(mod37_36CheckCharacter(data));
    const parsed = parseLicenceIdentifier(sample);
    expect(parsed).toEqual({ ok: true, identifier: { ...parts, check: sample.at(-1) } });
  });

  it('detects every single-character substitution in an identifier', () => {
    let tried = 0;
    for (let i = 0; i < sample.length; i++) {
      for (const replacement of `${MOD37_36_ALPHABET}.`) {
        if (replacement === sample[i]) continue;
        const altered = sample.slice(0, i) + replacement + sample.slice(i + 1);
        tried++;
        expect(parseLicenceIdentifier(altered).ok, altered).toBe(false);
      }
    }
    expect(tried).toBe(sample.length * 36);
  });

  it('detects swapped adjacent characters, including a moved separator', () => {
    for (let i = 0; i + 1 < sample.length; i++) {
      if (sample[i] === sample[i + 1]) continue;
      const swapped = sample.slice(0, i) + sample[i + 1] + sample[i] + sample.slice(i + 2);
      expect(parseLicenceIdentifier(swapped).ok, swapped).toBe(false);
    }
  });

  it.each([
    ['', 'does not start'],
    ['1.2.156.3005.3.BL0001.114400000000000000.0000000042.001.0', 'does not start'],
    ['1.2.156.3005.2.BL0001.114400000000000000.0000000042.001', 'must have'],
    ['1.2.156.3005.2.BL0001.114400000000000000.0000000042.001.0.0', 'must have'],
    ['1.2.156.3005.2.bl0001.114400000000000000.0000000042.001.0', 'type code'],
    ['1.2.156.3005.2.BL0001..0000000042.001.0', 'authority code'],
    ['1.2.156.3005.2.BL0001.4400000.0000000042.001.0', 'authority code'],
    ['1.2.156.3005.2.BL0001.114400000000000000.42.001.0', 'serial'],
    ['1.2.156.3005.2.BL0001.114400000000000000.00-42.001.0', 'serial'],
    ['1.2.156.3005.2.BL0001.114400000000000000.0000000042.1.0', 'version'],
    ['1.2.156.3005.2.BL0001.114400000000000000.0000000042.001.ab', 'check character'],
  ])('rejects the malformed identifier %j', (text, reason) => {
    const result = parseLicenceIdentifier(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('rejects non-strings and over-long input without throwing', () => {
    expect(parseLicenceIdentifier(42).ok).toBe(false);
    expect(parseLicenceIdentifier(`${sample}${'0'.repeat(300)}`).ok).toBe(false);
  });

  it('pads serials to ten digits and refuses sequences that do not fit', () => {
    expect(serialFor(1)).toBe('0000000001');
    expect(() => serialFor(0)).toThrow();
    expect(() => serialFor(10_000_000_000)).toThrow();
  });

  it('refuses to format parts outside the format', () => {
    expect(() => formatLicenceIdentifier({ ...parts, typeCode: 'bl.1' })).toThrow(/type code/);
    expect(() => formatLicenceIdentifier({ ...parts, version: '1' })).toThrow(/version/);
  });
});

describe('issuing authority codes', () => {
  it('derives an 18-character development placeholder from the region', () => {
    expect(placeholderAuthorityCode('CN-GD')).toBe('114400000000000000');
    expect(placeholderAuthorityCode('CN-HK')).toBe('118100000000000000');
    expect(() => placeholderAuthorityCode('XX-YY')).toThrow();
    expect(parseLicenceIdentifier(formatLicenceIdentifier({ typeCode: 'TB0001', authorityCode: placeholderAuthorityCode('CN-SC'), serial: serialFor(1), version: '001' })).ok).toBe(true);
  });
});
