import { createHmac } from 'node:crypto';

/**
 * A stable pseudonym for a holder: HMAC-SHA256 under the region's pseudonym key of the normalised ID
 * number. The ID number itself never appears in a credential, the registry or the audit log.
 */
export function holderPseudonym(key: Buffer, idNumber: string): string {
  const normalised = idNumber.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  return createHmac('sha256', key).update(normalised, 'utf8').digest('base64url');
}

/**
 * A masked name as shown on health codes in China: the first character kept, the rest starred
 * ("张三丰" → "张**"); for Latin names each word keeps its initial ("Chan Tai Man" → "C*** T** M**").
 */
export function maskName(name: string): string {
  const trimmed = name.normalize('NFC').trim();
  if (/\s/.test(trimmed)) {
    return trimmed
      .split(/\s+/)
      .map((word) => { const [first = '', ...rest] = [...word]; return first + '*'.repeat(rest.length); })
      .join(' ');
  }
  const [first = '', ...rest] = [...trimmed];
  return first + '*'.repeat(Math.max(rest.length, 1));
}
