// The optional seal image (印章图像, GB/T 38540 SES_ESPictrueInfo): only PNG or SVG, recognised by
// content rather than by what the caller claims, and small enough to sit in a database row.
import { invalidRequest } from '../../errors.js';
import type { ImageType } from './seal-types.js';

export const MAX_IMAGE_BYTES = 256 * 1024;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // PNG spec §5.2

/** Identifies a PNG or SVG image, or throws INVALID_REQUEST. */
export function checkSealImage(image: Uint8Array): ImageType {
  if (image.length === 0) throw invalidRequest('the seal image is empty');
  if (image.length > MAX_IMAGE_BYTES) throw invalidRequest(`the seal image exceeds ${MAX_IMAGE_BYTES} bytes`);
  const bytes = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    // The first chunk must be IHDR (PNG spec §5.6), so a PNG signature glued onto anything else fails.
    if (bytes.length < 33 || bytes.subarray(12, 16).toString('latin1') !== 'IHDR') throw invalidRequest('the seal image is not a valid PNG');
    return 'png';
  }
  if (isSvg(bytes)) return 'svg';
  throw invalidRequest('the seal image must be PNG or SVG');
}

function isSvg(bytes: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  // An XML prolog, comments or a doctype may precede the root; the root element must be <svg>.
  const head = text.replace(/^\uFEFF/, '').replace(/^\s*(<\?xml[\s\S]*?\?>\s*)?((<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)\s*)*/i, '');
  if (!/^<svg[\s>]/.test(head)) return false;
  // Scripts and external references in a seal image are an attack surface for every viewer that renders it.
  if (/<script[\s>]|\son[a-z]+\s*=|<!ENTITY/i.test(text)) throw invalidRequest('the seal SVG must not contain scripts, event handlers or entities');
  return true;
}
