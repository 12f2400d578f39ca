/** Alpha (or legacy TAO) per coldkey per netuid, as read from the chain before valuation. */
export type RawStake = Map<string, Map<number, bigint>>;

export function addStake(raw: RawStake, coldkey: string, netuid: number, alpha: bigint): void {
  if (alpha === 0n) return;
  let subnets = raw.get(coldkey);
  if (!subnets) raw.set(coldkey, (subnets = new Map()));
  subnets.set(netuid, (subnets.get(netuid) ?? 0n) + alpha);
}

export function netuidsOf(raw: RawStake): number[] {
  const all = new Set<number>();
  for (const subnets of raw.values()) for (const netuid of subnets.keys()) all.add(netuid);
  return [...all].sort((a, b) => a - b);
}
