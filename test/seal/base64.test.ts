import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../src/crypto/base64.js';

describe('strict base64', () => {
  it('decodes RFC 4648 §4 base64, with whitespace between lines', () => {
    expect(decodeBase64('aGVsbG8=')).toEqual(Buffer.from('hello'));
    expect(decodeBase64('aGVs\r\nbG8h\n')).toEqual(Buffer.from('hello!'));
    expect(decodeBase64('')).toEqual(Buffer.alloc(0));
  });

  it('refuses what Buffer.from would silently repair: other alphabets, missing padding, junk', () => {
    for (const text of ['aGVsbG8', 'aGVsbG8-', 'aGVs_G8=', 'aGVsbG8=!', 'a===', 'aGVsbG8=aGVs', 'not base64 at all!']) {
      expect(decodeBase64(text), text).toBeNull();
    }
  });
});
