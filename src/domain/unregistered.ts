import { formatTao } from './tao.js';
import type { NominatorStake, Rao, User } from './types.js';

/** A nominator who is not a registered user: someone the owner could invite. */
export interface UnregisteredNominator {
  coldkey: string;
  stake: Rao;
  /** The coldkey's on-chain identity name, where its owner set one and the node was asked. */
  name: string | null;
}

/** Every nominator whose coldkey belongs to no user, largest stake first (ties in coldkey order, so runs agree). */
export function unregisteredNominators(nominators: readonly NominatorStake[], users: readonly User[]): Omit<UnregisteredNominator, 'name'>[] {
  const registered = new Set(users.flatMap((u) => u.addresses));
  return nominators
    .filter((n) => !registered.has(n.coldkey) && n.stake > 0n)
    .map((n) => ({ coldkey: n.coldkey, stake: n.stake }))
    .sort((a, b) => (b.stake > a.stake ? 1 : b.stake < a.stake ? -1 : a.coldkey < b.coldkey ? -1 : a.coldkey > b.coldkey ? 1 : 0));
}

/** The list as `stats --unregistered` prints it. */
export function unregisteredReport(block: number, nominatorStake: Rao, list: readonly UnregisteredNominator[], namesRead: boolean): string {
  if (list.length === 0) return `Every nominator at block ${block} is a registered user.`;
  const total = list.reduce((sum, n) => sum + n.stake, 0n);
  const width = String(list.length).length;
  const stakeWidth = Math.max(...list.map((n) => formatTao(n.stake).length));
  return [
    `Nominators who are not registered users at block ${block}: ${list.length}, holding ${formatTao(total)} of ${formatTao(nominatorStake)} TAO of nominator stake (largest first)` +
      (namesRead ? '' : '; identity names not read (the node could not be reached)'),
    ...list.map((n, i) => `  ${String(i + 1).padStart(width)}. ${n.coldkey}  ${formatTao(n.stake).padStart(stakeWidth)} TAO${n.name ? `  ${n.name}` : ''}`),
  ].join('\n');
}
