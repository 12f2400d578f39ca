export interface Measured<M> {
  /** How full the chunk would make one extrinsic: 1 = exactly at the limit. */
  load: number;
  value: M;
}

/**
 * Splits items into consecutive chunks whose measured load is at most 1 (measured by the chain, not a fixed count).
 * A chunk that is too full is cut into ceil(load) equal parts, each measured again, so a payout that is 2.3 blocks'
 * worth of weight takes a handful of estimates, not one per item. Order is kept.
 */
export async function splitToFit<T, M>(
  items: readonly T[],
  measure: (chunk: readonly T[]) => Promise<Measured<M>>,
): Promise<Array<{ chunk: T[]; value: M }>> {
  if (items.length === 0) return [];
  const measured = await measure(items);
  if (measured.load <= 1) return [{ chunk: [...items], value: measured.value }];
  if (items.length === 1) throw new Error('a single transfer does not fit in a block');
  const parts = Math.min(items.length, Math.max(2, Math.ceil(measured.load)));
  const size = Math.ceil(items.length / parts);
  const result: Array<{ chunk: T[]; value: M }> = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(...(await splitToFit(items.slice(start, start + size), measure)));
  }
  return result;
}
