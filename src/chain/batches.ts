/**
 * Splits transfers into consecutive chunks, each of which `fits` (estimated by the chain, not by a fixed count):
 * the whole list if it fits, else each half, recursively. Order is kept, so batch k always holds the same rows
 * for the same plan.
 */
export async function splitToFit<T>(items: readonly T[], fits: (chunk: readonly T[]) => Promise<boolean>): Promise<T[][]> {
  if (items.length === 0) return [];
  if (await fits(items)) return [[...items]];
  if (items.length === 1) throw new Error('a single transfer does not fit in a block');
  const middle = Math.ceil(items.length / 2);
  return [...(await splitToFit(items.slice(0, middle), fits)), ...(await splitToFit(items.slice(middle), fits))];
}
