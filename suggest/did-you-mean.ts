/**
 * "Did you mean" for a mistyped name: the closest of the valid names when one is close enough to
 * be a plausible typo, else the list of valid names. Catalog and environment validation, model
 * selection, the commands in cli/ and the router's answers all suggest names this one way.
 */

/** Edit distance (Levenshtein), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return prev[b.length];
}

/** Longest value a suggestion is looked for: no name here is longer, and the cost grows with length times candidates. */
export const MAX_SUGGESTION_INPUT = 200;

/**
 * The closest candidate to a mistyped value, if one is close enough to be a plausible typo. Bounded:
 * a value longer than MAX_SUGGESTION_INPUT gets none, and a candidate shorter than the value by more
 * than the allowed distance is not measured (its distance cannot be small enough).
 */
export function closest(value: string, candidates: Iterable<string>): string | undefined {
  if (value.length > MAX_SUGGESTION_INPUT) return undefined;
  const limit = Math.max(2, Math.floor(value.length / 3));
  const v = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (value.length - c.length > limit) continue;
    const lower = c.toLowerCase();
    // A truncated or mistyped start of a longer name ("contextWindw") counts as close too.
    const d = Math.min(editDistance(v, lower), editDistance(v, lower.slice(0, v.length)) + 1);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  return bestDistance <= limit ? best : undefined;
}

export function didYouMean(value: string, candidates: Iterable<string>): string | undefined {
  const c = closest(value, candidates);
  return c === undefined ? undefined : `did you mean "${c}"?`;
}

/** A short list for messages: `a, b, c` or `a, b, c ... (12 in all)`. */
export function listOf(values: readonly string[], most = 12): string {
  const shown = values
    .slice(0, most)
    .map((v) => `"${v}"`)
    .join(', ');
  return values.length > most ? `${shown} ... (${values.length} in all)` : shown;
}
