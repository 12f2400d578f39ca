import { apportion } from './apportion.js';
import { formatTao } from './tao.js';
import type { Rao, SubnetPrice, SubnetStake } from './types.js';

/** One subnet's part of a payout paid as stake: its TAO value and the alpha sent for it. */
export interface AlphaPart {
  netuid: number;
  tao: Rao;
  alpha: bigint;
}

/**
 * Splits a TAO amount across the owner's subnets in proportion to the TAO value of its alpha on each (largest
 * remainder, so the TAO parts add up to the amount exactly), then converts each part to that subnet's alpha at its
 * price, floored so the owner never sends more value than planned. Parts worth no alpha are left out.
 */
export function splitIntoAlpha(amount: Rao, ownerSubnets: readonly SubnetStake[], prices: readonly SubnetPrice[]): AlphaPart[] {
  const valued = ownerSubnets.filter((s) => s.tao > 0n);
  const total = valued.reduce((sum, s) => sum + s.tao, 0n);
  if (amount <= 0n || total === 0n) return [];
  const taoParts = apportion(
    valued.map((s) => ({ name: String(s.netuid).padStart(5, '0'), numerator: amount * s.tao })),
    total,
  );
  const parts: AlphaPart[] = [];
  for (const s of valued) {
    const tao = taoParts.get(String(s.netuid).padStart(5, '0'))!;
    const price = prices.find((p) => p.netuid === s.netuid);
    if (!price || price.num === 0n) throw new Error(`no price for subnet ${s.netuid}, yet the owner's alpha there has a TAO value`);
    const alpha = (tao * price.den) / price.num;
    if (alpha > 0n) parts.push({ netuid: s.netuid, tao, alpha });
  }
  return parts;
}

/** Sum of alpha per subnet over many payments, to check against the owner's stake. */
export function alphaBySubnet(payments: ReadonlyArray<readonly AlphaPart[]>): Map<number, bigint> {
  const sums = new Map<number, bigint>();
  for (const parts of payments) for (const p of parts) sums.set(p.netuid, (sums.get(p.netuid) ?? 0n) + p.alpha);
  return sums;
}

/**
 * A stake payment that every `transfer_stake` of it can make: the amount split as splitIntoAlpha does, then every part
 * worth less than the runtime's minimum stake move (`minimum`, in TAO; null when not known) merged onto the part on
 * the subnet where the owner holds the most; if even that is below the minimum, the whole amount is paid as TAO.
 */
export function stakeParts(
  amount: Rao,
  ownerSubnets: readonly SubnetStake[],
  prices: readonly SubnetPrice[],
  minimum: Rao | null,
): { parts: AlphaPart[]; tao: Rao } {
  const parts = splitIntoAlpha(amount, ownerSubnets, prices);
  if (minimum === null || parts.every((p) => p.tao >= minimum)) return { parts, tao: 0n };
  const largest = [...ownerSubnets].sort((a, b) => (b.tao > a.tao ? 1 : b.tao < a.tao ? -1 : a.netuid - b.netuid))[0]!;
  const kept = parts.filter((p) => p.tao >= minimum && p.netuid !== largest.netuid);
  const merged = amount - kept.reduce((sum, p) => sum + p.tao, 0n);
  const price = prices.find((p) => p.netuid === largest.netuid)!;
  const alpha = (merged * price.den) / price.num;
  if (merged < minimum || alpha === 0n) return { parts: [], tao: amount };
  return { parts: [...kept, { netuid: largest.netuid, tao: merged, alpha }].sort((a, b) => a.netuid - b.netuid), tao: 0n };
}

/**
 * What one batch's payments are on chain, for the dry run's summary: a TAO payment is one transfer, a stake payment
 * one `transfer_stake` per subnet part plus a transfer for any TAO below the minimum stake move. "4 transfers" for
 * 8 stake moves would mislead someone counting the batch's calls in an explorer.
 */
export function describePayments(payments: ReadonlyArray<{ amount: Rao; parts?: readonly AlphaPart[]; tao?: Rao }>): string {
  const total = formatTao(payments.reduce((sum, p) => sum + p.amount, 0n));
  const moves = payments.reduce((n, p) => n + (p.parts?.length ?? 0), 0);
  const transfers = payments.filter((p) => p.parts === undefined || (p.tao ?? 0n) > 0n).length;
  if (moves === 0) return `${transfers} ${transfers === 1 ? 'transfer' : 'transfers'}, ${total} TAO`;
  const calls = [`${moves} stake ${moves === 1 ? 'move' : 'moves'}`, ...(transfers > 0 ? [`${transfers} ${transfers === 1 ? 'transfer' : 'transfers'}`] : [])];
  return `${payments.length} ${payments.length === 1 ? 'payment' : 'payments'} as ${calls.join(' + ')}, ${total} TAO`;
}
