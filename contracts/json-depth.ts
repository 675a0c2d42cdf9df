/**
 * The nesting limit of the JSON this platform parses, and the check for it. A JSON value nested
 * thousands of levels deep is small (2 bytes a level) but overflows the stack of every recursive
 * reader after the parse (`JSON.stringify`, a tree walk, a located parser). The router refuses such
 * a request body (functions/router/http.ts) and the validator such a catalog or environment file
 * (catalog/json-file.ts), both before parsing, with the limit in the message.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The offset of the first `[` or `{` that opens a level beyond `max`, or undefined when the text
 * nests no deeper. One pass, no recursion, strings skipped (a bracket inside a string does not count).
 */
export function nestingBeyond(text: string, max: number = MAX_JSON_DEPTH): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}
