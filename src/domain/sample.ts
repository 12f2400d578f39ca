/**
 * At most `max` items, evenly spaced, always keeping the first and the last: a year of hourly snapshots is drawn from
 * a few hundred of them, which a chart cannot tell apart from all 8,760.
 */
export function evenlySpaced<T>(items: readonly T[], max: number): T[] {
  if (max < 2) throw new Error(`evenlySpaced needs room for the first and last item, not max ${max}`);
  if (items.length <= max) return [...items];
  const picked: T[] = [];
  // index i*(n-1)/(max-1), in integers so the pick is the same on every machine
  for (let i = 0; i < max; i++) picked.push(items[Math.floor((i * (items.length - 1)) / (max - 1))]!);
  return picked;
}
