import { Enclosed } from './enclosed.js';
import { compareNames } from './names.js';

/** One claimant in a largest-remainder apportionment: a name (the tie-break) and its numerator. */
export interface Claim {
  name: string;
  numerator: bigint;
}

/**
 * Splits `floor(Σ numerator / denominator)` whole units among the claims: each gets `floor(numerator / denominator)`,
 * and the units left over go one each to the largest remainders, ties broken by name (code-unit order), so the
 * result is deterministic and adds up exactly.
 */
export function apportion(claims: readonly Claim[], denominator: bigint): Map<string, bigint> {
  if (denominator <= 0n) throw new Error('apportion: denominator must be positive');
  for (const { name, numerator } of claims) if (numerator < 0n) throw new Error(`apportion: negative claim for ${name}`);
  const total = claims.reduce((sum, c) => sum + c.numerator, 0n) / denominator;
  return largestRemainder(claims.map((c) => ({ name: c.name, value: Enclosed.of(c.numerator, denominator) })), total);
}

/**
 * Splits `total` = floor(Σ value) whole units among claims on nonnegative rationals: floor(value) each, and the
 * units left over one each to the largest fractional parts, ties by name (code-unit order).
 *
 * Why the leftover is always fewer than the claims: with vᵢ = floor(vᵢ) + rᵢ, 0 ≤ rᵢ < 1,
 * floor(Σ vᵢ) − Σ floor(vᵢ) = floor(Σ rᵢ) < count, and every claim that receives a unit has rᵢ > 0.
 */
export function largestRemainder(claims: ReadonlyArray<{ name: string; value: Enclosed }>, total: bigint): Map<string, bigint> {
  const result = new Map<string, bigint>();
  for (const { name, value } of claims) {
    if (result.has(name)) throw new Error(`apportion: ${name} claims twice`);
    result.set(name, value.floor());
  }
  let leftover = total - [...result.values()].reduce((sum, v) => sum + v, 0n);
  if (leftover < 0n || (leftover > 0n && leftover >= BigInt(claims.length))) throw new Error('apportion: the total is not the floor of the sum');
  const order = [...claims].sort((a, b) => Enclosed.compareFractionalParts(b.value, a.value) || compareNames(a.name, b.name));
  for (const { name } of order) {
    if (leftover === 0n) break;
    result.set(name, result.get(name)! + 1n);
    leftover -= 1n;
  }
  return result;
}
