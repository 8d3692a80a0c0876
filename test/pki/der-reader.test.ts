import { describe, expect, it } from 'vitest';
import {
  DerError,
  TAG,
  childrenOf,
  decodeBoolean,
  decodeInteger,
  decodeOid,
  decodeTime,
  readElement,
  sequenceOf,
} from '../../src/pki/der/reader.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const utcTime = (s: string) => bytes(0x17, s.length, ...new TextEncoder().encode(s));
const generalizedTime = (s: string) => bytes(0x18, s.length, ...new TextEncoder().encode(s));

describe('strict DER reader', () => {
  it('parses a nested structure and keeps the encoded bytes', () => {
    // SEQUENCE { OID 1.2.840.113549, SEQUENCE { INTEGER 5, BOOLEAN TRUE } }
    const der = bytes(0x30, 0x12, 0x06, 0x06, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x30, 0x06, 0x02, 0x01, 0x05, 0x01, 0x01, 0xff, 0x05, 0x00);
    const [oid, inner, nul] = sequenceOf(readElement(der), 'outer');
    expect(decodeOid(oid)).toBe('1.2.840.113549');
    const [n, flag] = sequenceOf(inner, 'inner');
    expect(decodeInteger(n, 'n')).toBe(5n);
    expect(decodeBoolean(flag)).toBe(true);
    expect(nul!.tag).toBe(TAG.NULL);
    expect(inner!.raw).toEqual(der.subarray(10, 18));
  });

  it('accepts the long form exactly when the length needs it', () => {
    const contents = new Uint8Array(200);
    const der = bytes(0x04, 0x81, 200, ...contents);
    expect(readElement(der).contents.length).toBe(200);
  });

  it('refuses indefinite lengths (X.690 §10.1)', () => {
    expect(() => readElement(bytes(0x30, 0x80, 0x05, 0x00, 0x00, 0x00))).toThrow(DerError);
  });

  it('refuses non-minimal lengths', () => {
    // 3 in the long form, and 200 with a leading zero octet.
    expect(() => readElement(bytes(0x04, 0x81, 0x03, 1, 2, 3))).toThrow(/non-minimal length/);
    expect(() => readElement(bytes(0x04, 0x82, 0x00, 200, ...new Uint8Array(200)))).toThrow(/non-minimal length/);
  });

  it('refuses lengths of more than 4 octets', () => {
    expect(() => readElement(bytes(0x04, 0x85, 1, 0, 0, 0, 0))).toThrow(DerError);
  });

  it('refuses trailing bytes after the top-level value', () => {
    expect(() => readElement(bytes(0x05, 0x00, 0x00))).toThrow(/trailing/);
  });

  it('refuses truncated input', () => {
    expect(() => readElement(bytes(0x30))).toThrow(DerError);
    expect(() => readElement(bytes(0x04, 0x05, 1, 2))).toThrow(/truncated/);
    expect(() => readElement(bytes(0x04, 0x82, 0x01))).toThrow(/truncated/);
    // A child running past the end of its parent.
    expect(() => childrenOf(readElement(bytes(0x30, 0x03, 0x04, 0x05, 0x00)))).toThrow(/truncated/);
  });

  it('refuses high tag numbers and reading a primitive as constructed', () => {
    expect(() => readElement(bytes(0x1f, 0x81, 0x00, 0x00))).toThrow(DerError);
    expect(() => childrenOf(readElement(bytes(0x04, 0x00)))).toThrow(/constructed/);
  });

  it('refuses non-DER primitive contents', () => {
    expect(() => decodeInteger(readElement(bytes(0x02, 0x02, 0x00, 0x05)))).toThrow(/non-minimal INTEGER/);
    expect(() => decodeBoolean(readElement(bytes(0x01, 0x01, 0x01)))).toThrow(DerError);
    expect(() => decodeOid(readElement(bytes(0x06, 0x02, 0x2a, 0x81)))).toThrow(/truncated OID/);
    expect(() => decodeOid(readElement(bytes(0x06, 0x03, 0x2a, 0x80, 0x01)))).toThrow(/non-minimal OID arc/);
  });

  it('decodes OID arcs beyond 2^53 exactly', () => {
    // 2.25.<2^64>: the arc 2^64 is 0x82 0x80 .. 0x80 0x00 (ten octets).
    const arc = [0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00];
    expect(decodeOid(readElement(bytes(0x06, 1 + arc.length, 0x69, ...arc)))).toBe(`2.25.${2n ** 64n}`);
  });

  it('refuses OIDs longer than 128 content bytes and arcs wider than 128 bits, quickly', () => {
    const oid = (...contents: number[]) => {
      const n = contents.length;
      const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
      return readElement(bytes(0x06, ...len, ...contents));
    };
    // 128 bytes of small arcs still decode; one more byte does not.
    expect(decodeOid(oid(0x2a, ...new Array<number>(127).fill(0x01)))).toBe(`1.2${'.1'.repeat(127)}`);
    expect(() => decodeOid(oid(0x2a, ...new Array<number>(128).fill(0x01)))).toThrow(/OID longer than 128 bytes/);
    // A 60 KB arc is refused without decoding it.
    const huge = [0x2a, ...new Array<number>(60_000).fill(0xff), 0x7f];
    const started = performance.now();
    expect(() => decodeOid(oid(...huge))).toThrow(DerError);
    expect(performance.now() - started).toBeLessThan(50);
    // 2.25.<2^128 - 1> (the widest UUID arc) decodes; 2^128 does not.
    const arc = (value: bigint) => {
      const out = [Number(value & 0x7fn)];
      for (let v = value >> 7n; v > 0n; v >>= 7n) out.unshift(Number(v & 0x7fn) | 0x80);
      return out;
    };
    expect(decodeOid(oid(0x69, ...arc(2n ** 128n - 1n)))).toBe(`2.25.${2n ** 128n - 1n}`);
    expect(() => decodeOid(oid(0x69, ...arc(2n ** 128n)))).toThrow(/OID arc wider than 128 bits/);
  });

  it('reads RFC 5280 times and refuses fractions and out-of-range fields', () => {
    expect(decodeTime(readElement(utcTime('491231235959Z'))).toISOString()).toBe('2049-12-31T23:59:59.000Z');
    expect(decodeTime(readElement(utcTime('500101000000Z'))).toISOString()).toBe('1950-01-01T00:00:00.000Z');
    expect(decodeTime(readElement(generalizedTime('20500101000000Z'))).toISOString()).toBe('2050-01-01T00:00:00.000Z');
    expect(() => decodeTime(readElement(generalizedTime('20500101000000.5Z')))).toThrow(DerError);
    expect(() => decodeTime(readElement(utcTime('490230000000Z')))).toThrow(/invalid time/);
    expect(() => decodeTime(readElement(utcTime('491231240000Z')))).toThrow(/invalid time/);
    expect(() => decodeTime(undefined, 'signing-time')).toThrow(/signing-time: missing/);
  });
});
