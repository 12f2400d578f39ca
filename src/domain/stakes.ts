import type { Rao, User } from './types.js';

/** One recorded snapshot as far as users are concerned: each nominator coldkey's stake at a block. */
export interface ColdkeyStakes {
  block: number;
  time: Date;
  stakes: ReadonlyMap<string, Rao>;
}

export interface UserStakePoint {
  user: string;
  block: number;
  time: Date;
  stake: Rao;
}

/** Each user's stake at each snapshot: the sum over their coldkeys (0 when none of them had stake). */
export function userStakeSeries(users: readonly User[], snapshots: readonly ColdkeyStakes[]): UserStakePoint[] {
  const points: UserStakePoint[] = [];
  for (const snapshot of [...snapshots].sort((a, b) => a.block - b.block)) {
    for (const user of users) {
      let stake = 0n;
      for (const address of user.addresses) stake += snapshot.stakes.get(address) ?? 0n;
      points.push({ user: user.name, block: snapshot.block, time: snapshot.time, stake });
    }
  }
  return points;
}
