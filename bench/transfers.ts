import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { connect } from '../src/chain/connect.js';
import { finalizedHead } from '../src/chain/blocks.js';
import { submitAndFollow } from '../src/chain/submit.js';
import { blockLimits, nextNonce, planBatches, signBatch, type Transfer } from '../src/chain/transfer.js';
import type { Scenario } from './scenario.js';


/** 500 payouts of at least the existential deposit, from the bench chain's funded dev account. */
function payouts(scenario: Scenario): Transfer[] {
  return scenario.users.map((u, i) => ({ user: u.name, address: u.addresses[0]!, amount: 10_000_000n + BigInt(i) }));
}

/** The bench chains' funded dev account (its key is public: //Alice). */
async function payer() {
  await cryptoWaitReady();
  return new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
}

async function bestNumber(api: Awaited<ReturnType<typeof connect>>): Promise<number> {
  return (await api.rpc.chain.getHeader()).number.toNumber();
}

export interface ConfirmMeasured {
  ms: number;
  extrinsics: number;
  blocks: number;
  /** Blocks from the best block at sending to the one that included the last batch. */
  blocksUntilIncluded: number;
  perBatch: string[];
  fee: string;
}

/**
 * ValTrac's payout path (src/chain/transfer.ts, what `confirm` sends): batches sized by the runtime's weight and length
 * limits, each signed with a mortal era and followed to finality.
 */
export async function measureConfirm(scenario: Scenario, url: string): Promise<ConfirmMeasured> {
  const api = await connect(url, { log: () => undefined });
  try {
    const pair = await payer();
    const transfers = payouts(scenario);
    const limits = blockLimits(api);
    const start = performance.now();
    const plans = await planBatches(api, pair.address, transfers);
    let nonce = await nextNonce(api, pair.address);
    let firstBlock: number | null = null;
    let lastBlock = 0;
    let fees = 0n;
    const blocks = new Set<number>();
    const perBatch: string[] = [];
    for (const plan of plans) {
      const signed = await signBatch(api, pair, plan.transfers, nonce++, await finalizedHead(api));
      // Counted from the best block when the first batch is sent: the blocks it takes the chain to include them.
      firstBlock ??= await bestNumber(api);
      const inclusion = await submitAndFollow(api, signed.hex);
      if (inclusion.error) throw new Error(`bench batch failed on the test chain: ${inclusion.error}`);
      lastBlock = inclusion.blockNumber;
      blocks.add(inclusion.blockNumber);
      fees += plan.fee;
      perBatch.push(
        `${plan.transfers.length} transfers, ${signed.hex.length / 2 - 1} bytes, weight ${plan.refTime} ref / ${plan.proofSize} proof ` +
          `(${((Number(plan.refTime) / Number(limits.refTime)) * 100).toFixed(1)}% of the extrinsic limit), fee ${plan.fee} RAO`,
      );
    }
    return { ms: performance.now() - start, extrinsics: plans.length, blocks: blocks.size, blocksUntilIncluded: lastBlock - firstBlock!, perBatch, fee: fees.toString() };
  } finally {
    await api.disconnect();
  }
}

/**
 * The original Python ValTrac's way: one `transfer_keep_alive` per user, each sent and waited for until it is in a
 * block before the next (as bittensor's transfer with wait_for_inclusion does).
 */
export async function measurePythonTransfers(scenario: Scenario, url: string, log: (line: string) => void): Promise<{ ms: number; extrinsics: number; blocks: number; fee: string }> {
  const api = await connect(url, { log: () => undefined });
  try {
    const pair = await payer();
    const transfers = payouts(scenario);
    const start = performance.now();
    const firstBlock = await bestNumber(api);
    let lastBlock = firstBlock;
    let fees = 0n;
    for (const [i, t] of transfers.entries()) {
      const tx = api.tx.balances!.transferKeepAlive!(t.address, t.amount);
      fees += (await tx.paymentInfo(pair.address)).partialFee.toBigInt();
      lastBlock = await new Promise<number>((resolve, reject) => {
        let unsubscribe: (() => void) | null = null;
        const stuck = setTimeout(() => reject(new Error(`transfer ${i + 1} to ${t.user}: no block after 60 s`)), 60_000);
        tx.signAndSend(pair, async (result) => {
          // A fast test chain may report the block as finalized without an in-block status first.
          const block = result.status.isInBlock ? result.status.asInBlock : result.status.isFinalized ? result.status.asFinalized : null;
          if (block) {
            clearTimeout(stuck);
            unsubscribe?.();
            resolve((await api.rpc.chain.getHeader(block)).number.toNumber());
          } else if (result.isError) reject(new Error(`transfer to ${t.user} failed: ${result.status.type}`));
        })
          .then((u) => (unsubscribe = u))
          .catch(reject);
      });
      if (i % 100 === 99) log(`bench:   ${i + 1} transfers included, block ${lastBlock}`);
    }
    return { ms: performance.now() - start, extrinsics: transfers.length, blocks: lastBlock - firstBlock, fee: fees.toString() };
  } finally {
    await api.disconnect();
  }
}
