/**
 * "Did you mean": the candidate a slip of the keyboard away from `word`, compared ignoring case. A slip is at most
 * one edit (insert, delete, replace or swap two neighbours) for words of up to five letters, two for longer ones, so
 * `finny` finds `finney` and `carl` finds `carol`, while unrelated words find nothing. Ties go to the first candidate.
 */
export function closest(word: string, candidates: readonly string[]): string | null {
  const typed = word.trim().toLocaleLowerCase('en-US');
  if (typed === '') return null;
  const allowed = typed.length <= 5 ? 1 : 2;
  let best: { candidate: string; distance: number } | null = null;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.toLocaleLowerCase('en-US'));
    if (distance <= allowed && (best === null || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate ?? null;
}

/** Optimal string alignment distance: Levenshtein plus the swap of two adjacent characters as one edit. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[x.length]![y.length]!;
}
