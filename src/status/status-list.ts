import { deflateSync, inflateSync } from 'node:zlib';
import { decodeBase64Url, encodeBase64Url } from '../crypto/base64url.js';

/**
 * The status array of IETF Token Status List (draft-ietf-oauth-status-list §4.1): `bits` per token,
 * token i at byte ⌊i·bits/8⌋, least-significant bits first; serialised as base64url of the array
 * compressed with DEFLATE in the ZLIB format (RFC 1950).
 */
export type StatusBits = 1 | 2 | 4 | 8;

export function statusAt(statuses: Uint8Array, bits: StatusBits, index: number): number | undefined {
  const bitOffset = index * bits;
  const byte = statuses[bitOffset >> 3];
  if (byte === undefined || index < 0 || !Number.isInteger(index)) return undefined;
  return (byte >> (bitOffset & 7)) & ((1 << bits) - 1);
}

export function setStatusAt(statuses: Uint8Array, bits: StatusBits, index: number, value: number): void {
  const bitOffset = index * bits;
  const mask = ((1 << bits) - 1) << (bitOffset & 7);
  const at = bitOffset >> 3;
  statuses[at] = (statuses[at]! & ~mask) | ((value << (bitOffset & 7)) & mask);
}

export function encodeStatusList(statuses: Uint8Array, bits: StatusBits): { bits: StatusBits; lst: string } {
  return { bits, lst: encodeBase64Url(deflateSync(statuses, { level: 9 })) };
}

/** Decodes `status_list` with a cap on the inflated size (a zip bomb must not exhaust memory). */
export function decodeStatusList(value: unknown, maxBytes = 16 * 1024 * 1024): { bits: StatusBits; statuses: Buffer } | null {
  if (!value || typeof value !== 'object') return null;
  const { bits, lst } = value as { bits?: unknown; lst?: unknown };
  if (bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8) return null;
  if (typeof lst !== 'string') return null;
  const compressed = decodeBase64Url(lst);
  if (!compressed) return null;
  try {
    return { bits, statuses: inflateSync(compressed, { maxOutputLength: maxBytes }) };
  } catch {
    return null;
  }
}
