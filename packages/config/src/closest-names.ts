/**
 * The known names closest to `wanted`, closest first, for "did you mean" hints in errors (a topic,
 * a DAG id, a config key). A known name that holds `wanted` or is held by it (`order` and
 * `order-events`) counts as closest; the others must be within a third of `wanted`'s length in
 * edits (Levenshtein, at least 2), so a hint is never a stranger. Case is ignored.
 */
export function closestNames(wanted: string, known: readonly string[], max = 3): string[] {
  const w = wanted.toLowerCase();
  const limit = Math.max(2, Math.floor(w.length / 3));
  return known
    .map((name) => {
      const n = name.toLowerCase();
      const holds = w.length >= 3 && (n.includes(w) || w.includes(n));
      return { name, distance: holds ? 0 : editDistance(w, n) };
    })
    .filter((c) => c.distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((c) => c.name);
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}
