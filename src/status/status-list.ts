import { deflateSync, inflateSync } from 'node:zlib';
import { decodeBase64Url, encodeBase64Url } from '../crypto/base64url.js';

/**
 * The status array of IETF Token Status List (draft-ietf-oauth-status-list §4.1): `bits` per token,
 * token i at byte ⌊i·bits/8⌋, least-significant bits first; serialised as base64url of the array
 * compressed with DEFLATE in the ZLIB format (RFC 1950).
 */
export type StatusBits = 1 | 2 | 4 | 8;

/** How many statuses a list of this size holds; an index at or past it is outside the list. */
export function statusCapacity(statuses: Uint8Array, bits: StatusBits): number {
  return (statuses.length * 8) / bits;
}

// Index arithmetic stays in plain numbers: `>>` would truncate to 32 bits, and an index of 2^31 + k
// would then read entry k — another credential's status.
function position(statuses: Uint8Array, bits: StatusBits, index: number): { byte: number; shift: number } | undefined {
  if (!Number.isSafeInteger(index) || index < 0 || index >= statusCapacity(statuses, bits)) return undefined;
  const bitOffset = index * bits;
  return { byte: Math.floor(bitOffset / 8), shift: bitOffset % 8 };
}

export function statusAt(statuses: Uint8Array, bits: StatusBits, index: number): number | undefined {
  const at = position(statuses, bits, index);
  if (!at) return undefined;
  return (statuses[at.byte]! >> at.shift) & ((1 << bits) - 1);
}

export function setStatusAt(statuses: Uint8Array, bits: StatusBits, index: number, value: number): void {
  const at = position(statuses, bits, index);
  if (!at) throw new RangeError(`status index ${index} is outside the list`);
  const mask = ((1 << bits) - 1) << at.shift;
  statuses[at.byte] = (statuses[at.byte]! & ~mask) | ((value << at.shift) & mask);
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
