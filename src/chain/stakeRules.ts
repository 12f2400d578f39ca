import type { ApiPromise } from '@polkadot/api';
import type { Codec } from '@polkadot/types/types';
import type { Rao } from '../domain/types.js';

export interface SubnetStakeRule {
  allowed: boolean;
  why: string;
}

/**
 * Whether the owner's alpha may be moved to another coldkey on each subnet, read from the runtime's own switches where
 * it has them: `TransferToggle(netuid)` (stake transfers enabled) and `SubtokenEnabled(netuid)` (the subnet's token
 * started). A runtime without a switch has no such restriction.
 */
export async function subnetStakeRules(api: ApiPromise, netuids: readonly number[]): Promise<Map<number, SubnetStakeRule>> {
  const sm = api.query.subtensorModule as unknown as Record<string, ((n: number) => Promise<Codec>) | undefined>;
  const read = async (item: string, netuid: number) => (sm[item] ? (await sm[item]!(netuid)).toString() !== 'false' : true);
  const rules = new Map<number, SubnetStakeRule>();
  for (const netuid of netuids) {
    const [transfers, subtoken] = await Promise.all([read('transferToggle', netuid), read('subtokenEnabled', netuid)]);
    const why = !transfers ? 'stake transfers are disabled there (TransferToggle)' : !subtoken ? "its token has not started (SubtokenEnabled)" : '';
    rules.set(netuid, { allowed: transfers && subtoken, why });
  }
  return rules;
}

/** The runtime's minimum stake move in TAO, where its metadata declares it (`InitialMinStake`, 2026 runtimes). */
export function declaredMinimumStake(api: ApiPromise): Rao | null {
  const value = (api.consts.subtensorModule as Record<string, { toString(): string }> | undefined)?.initialMinStake;
  return value === undefined ? null : BigInt(value.toString());
}
