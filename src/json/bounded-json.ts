/**
 * Whether JSON text nests deeper than `maxDepth`, found in one linear pass before parsing, so that a
 * hostile body or partner list cannot make us build (or recurse through) a deeply nested structure.
 * Strings are skipped honouring escapes.
 */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Parses JSON within a nesting depth; null for anything that is not JSON within the depth. */
export function parseBoundedJson(text: string, maxDepth: number): unknown {
  if (jsonDepthExceeds(text, maxDepth)) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
