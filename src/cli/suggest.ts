/**
 * "Did you mean …?" for mistyped commands and flags: the candidate with the
 * smallest edit distance, when it is close enough to be a likely typo.
 */

/**
 * Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of two neighbouring characters each cost 1 (`--dryrun` → 1,
 * `--fial-on` → 1).
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The nearest candidate, or null when none is plausibly meant: within a third
 * of the word's length (at least 2 edits), or one being the start of the
 * other (`--out` for `--output-dir`). Ties go to the earlier candidate.
 */
export function nearest(word: string, candidates: readonly string[]): string | null {
  const typed = word.toLowerCase();
  const limit = Math.max(2, Math.floor(typed.length / 3));
  let best: { candidate: string; distance: number } | null = null;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.toLowerCase());
    if (best === null || distance < best.distance) best = { candidate, distance };
  }
  if (best !== null && best.distance <= limit) return best.candidate;
  const prefixed = candidates.find((candidate) => typed.length >= 2 && (candidate.startsWith(typed) || typed.startsWith(candidate)));
  return prefixed ?? null;
}
