import type { Call } from '@polkadot/types/interfaces';

export interface Weight { refTime: bigint; proofSize: bigint; }

/**
 * A deterministic stand-in for the runtime's benchmarks and fee curve. The same numbers answer
 * `TransactionPaymentApi_query_info` and the charge at inclusion, so an estimate equals the fee paid.
 */
export const BASE_FEE = 50_000n;
export const FEE_PER_BYTE = 100n;
export const REF_TIME_PER_RAO = 10_000n;

const CALL_WEIGHTS: Record<string, Weight> = {
  'balances.transferKeepAlive': { refTime: 200_000_000n, proofSize: 3_593n },
  'balances.transferAllowDeath': { refTime: 210_000_000n, proofSize: 3_593n },
  'balances.transferAll': { refTime: 250_000_000n, proofSize: 3_593n },
  'subtensorModule.transferStake': { refTime: 400_000_000n, proofSize: 12_000n },
  'system.remark': { refTime: 10_000_000n, proofSize: 0n },
  'system.remarkWithEvent': { refTime: 12_000_000n, proofSize: 0n },
};
const BATCH_BASE: Weight = { refTime: 10_000_000n, proofSize: 0n };
const BATCH_PER_ITEM: Weight = { refTime: 5_000_000n, proofSize: 0n };

function isBatch(call: Call): boolean {
  return call.section === 'utility' && ['batch', 'batchAll', 'forceBatch'].includes(call.method);
}

export function innerCalls(call: Call): Call[] {
  return [...(call.args[0] as unknown as Call[])];
}

/** `undefined` when the test chain does not implement the call. */
export function callWeight(call: Call): Weight | undefined {
  if (isBatch(call)) {
    let total: Weight = { ...BATCH_BASE };
    for (const inner of innerCalls(call)) {
      const w = callWeight(inner);
      if (!w) return undefined;
      total = { refTime: total.refTime + w.refTime + BATCH_PER_ITEM.refTime, proofSize: total.proofSize + w.proofSize };
    }
    return total;
  }
  return CALL_WEIGHTS[`${call.section}.${call.method}`];
}

export interface FeeParts { baseFee: bigint; lenFee: bigint; adjustedWeightFee: bigint; }

export function feeParts(weight: Weight, length: number): FeeParts {
  return { baseFee: BASE_FEE, lenFee: FEE_PER_BYTE * BigInt(length), adjustedWeightFee: weight.refTime / REF_TIME_PER_RAO };
}

/** The partial fee (no tip): what `paymentInfo` reports. */
export function partialFee(weight: Weight, length: number): bigint {
  const p = feeParts(weight, length);
  return p.baseFee + p.lenFee + p.adjustedWeightFee;
}
