/**
 * Parses JSON after checking its nesting depth, so a hostile peer cannot make us build (or recurse
 * through) a deeply nested structure. One linear pass over the text; strings are skipped honouring
 * escapes. Returns null for anything that is not JSON within the depth.
 */
export function parseBoundedJson(text: string, maxDepth: number): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return null;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
