/** One claimant in a largest-remainder apportionment: a name (the tie-break) and its numerator. */
export interface Claim {
  name: string;
  numerator: bigint;
}

/**
 * Splits `floor(Σ numerator / denominator)` whole units among the claims: each gets `floor(numerator / denominator)`,
 * and the units left over go one each to the largest remainders, ties broken by name (code-unit order), so the
 * result is deterministic and adds up exactly.
 *
 * Why the leftover is always fewer than the claims: Σ floor(nᵢ/d) = (Σ nᵢ − Σ rᵢ)/d with 0 ≤ rᵢ < d, so
 * floor(Σ nᵢ/d) − Σ floor(nᵢ/d) = floor(Σ rᵢ/d) < count. Every claim that receives a unit has rᵢ > 0.
 */
export function apportion(claims: readonly Claim[], denominator: bigint): Map<string, bigint> {
  if (denominator <= 0n) throw new Error('apportion: denominator must be positive');
  const result = new Map<string, bigint>();
  let total = 0n;
  let floors = 0n;
  const remainders: { name: string; remainder: bigint }[] = [];
  for (const { name, numerator } of claims) {
    if (numerator < 0n) throw new Error(`apportion: negative claim for ${name}`);
    if (result.has(name)) throw new Error(`apportion: ${name} claims twice`);
    const share = numerator / denominator;
    result.set(name, share);
    remainders.push({ name, remainder: numerator % denominator });
    total += numerator;
    floors += share;
  }
  let leftover = total / denominator - floors;
  remainders.sort((a, b) =>
    a.remainder !== b.remainder ? (a.remainder > b.remainder ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const { name } of remainders) {
    if (leftover === 0n) break;
    result.set(name, result.get(name)! + 1n);
    leftover -= 1n;
  }
  return result;
}
