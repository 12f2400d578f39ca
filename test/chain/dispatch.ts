import type { Call } from '@polkadot/types/interfaces';
import { blake2AsHex } from '@polkadot/util-crypto';
import type { Accounts, Emit } from './accounts.js';
import { DispatchFailure } from './events.js';
import type { EventCodec } from './events.js';
import { innerCalls } from './fees.js';
import type { StakeLedger } from './stake.js';
import type { StorageCodec } from './storageCodec.js';
import type { Overlay } from './storage.js';

/** The calls a payout needs, applied the way the runtime does, on a transactional overlay. */
export class Dispatcher {
  constructor(
    private readonly accounts: Accounts,
    private readonly stake: StakeLedger,
    private readonly codec: StorageCodec,
    private readonly events: EventCodec,
  ) {}

  /** True when the test chain implements this call (others are refused at submission). */
  supports(call: Call): boolean {
    const name = `${call.section}.${call.method}`;
    if (['utility.batch', 'utility.batchAll', 'utility.forceBatch'].includes(name)) return innerCalls(call).every((c) => this.supports(c));
    return [
      'balances.transferKeepAlive',
      'balances.transferAllowDeath',
      'balances.transferAll',
      'system.remark',
      'system.remarkWithEvent',
      'subtensorModule.transferStake',
    ].includes(name);
  }

  /** Applies `call` for `origin`; a failure throws DispatchFailure and the caller drops the overlay. */
  dispatch(state: Overlay, origin: string, call: Call, emit: Emit): void {
    const a = call.args as unknown as Array<{ toString(): string; toBigInt?(): bigint; isTrue?: boolean }>;
    switch (`${call.section}.${call.method}`) {
      case 'balances.transferKeepAlive':
        return this.accounts.transfer(state, origin, dest(a[0]), (a[1] as unknown as { unwrap(): { toBigInt(): bigint } }).unwrap().toBigInt(), true, emit);
      case 'balances.transferAllowDeath':
        return this.accounts.transfer(state, origin, dest(a[0]), (a[1] as unknown as { unwrap(): { toBigInt(): bigint } }).unwrap().toBigInt(), false, emit);
      case 'balances.transferAll': {
        const keepAlive = Boolean(a[1].isTrue);
        const free = this.accounts.read(state, origin).free;
        const amount = keepAlive ? free - this.accounts.existentialDeposit : free;
        if (amount <= 0n) return;
        return this.accounts.transfer(state, origin, dest(a[0]), amount, keepAlive, emit);
      }
      case 'system.remark':
        return;
      case 'system.remarkWithEvent':
        emit('System', 'Remarked', [origin, blake2AsHex((call.args[0] as unknown as { toU8a(bare: boolean): Uint8Array }).toU8a(true))]);
        return;
      case 'utility.batch':
        return this.batch(state, origin, call, emit, 'interrupt');
      case 'utility.batchAll':
        return this.batch(state, origin, call, emit, 'atomic');
      case 'utility.forceBatch':
        return this.batch(state, origin, call, emit, 'force');
      case 'subtensorModule.transferStake':
        return this.transferStake(state, origin, call, emit);
      default:
        throw new DispatchFailure('CannotLookup');
    }
  }

  private batch(state: Overlay, origin: string, call: Call, emit: Emit, mode: 'interrupt' | 'atomic' | 'force'): void {
    const calls = innerCalls(call);
    let failed = false;
    for (let index = 0; index < calls.length; index++) {
      const layer = state.child();
      const buffered: Array<Parameters<Emit>> = [];
      try {
        this.dispatch(layer, origin, calls[index], (...e) => buffered.push(e));
      } catch (e) {
        if (!(e instanceof DispatchFailure)) throw e;
        if (mode === 'atomic') throw e;
        const error = this.events.dispatchError(e.error);
        if (mode === 'interrupt') {
          emit('Utility', 'BatchInterrupted', [index, error]);
          return;
        }
        emit('Utility', 'ItemFailed', [error]);
        failed = true;
        continue;
      }
      state.absorb(layer);
      for (const e of buffered) emit(...e);
      emit('Utility', 'ItemCompleted', []);
    }
    emit('Utility', failed ? 'BatchCompletedWithErrors' : 'BatchCompleted', []);
  }

  private transferStake(state: Overlay, origin: string, call: Call, emit: Emit): void {
    const [destColdkey, hotkey, originNetuid, destNetuid, alphaAmount] = call.args.map((x) => x.toString());
    if (originNetuid !== destNetuid) throw new DispatchFailure('Other');
    const netuid = Number(originNetuid);
    const alpha = BigInt(alphaAmount);
    if (state.get(this.codec.key('SubtensorModule', 'Owner', [hotkey])) === null) {
      throw new DispatchFailure({ Module: ['SubtensorModule', 'HotKeyAccountNotExists'] });
    }
    if (alpha === 0n || !this.stake.moveAlpha(state, hotkey, origin, destColdkey, netuid, alpha)) {
      throw new DispatchFailure({ Module: ['SubtensorModule', 'NotEnoughStakeToWithdraw'] });
    }
    const tao = netuid === 0 ? alpha : this.valueInTao(state, netuid, alpha);
    // As the runtime reports it: the alpha leaving the origin, the alpha arriving (no swap here), then the transfer.
    const fee = this.events.fields('SubtensorModule', 'StakeAdded') === 6 ? [0n] : [];
    if (this.events.fields('SubtensorModule', 'StakeAdded') >= 5) {
      emit('SubtensorModule', 'StakeRemoved', [origin, hotkey, tao, alpha, netuid, ...fee]);
      emit('SubtensorModule', 'StakeAdded', [destColdkey, hotkey, tao, alpha, netuid, ...fee]);
    }
    emit('SubtensorModule', 'StakeTransferred', [origin, destColdkey, hotkey, netuid, netuid, tao]);
  }

  private valueInTao(state: Overlay, netuid: number, alpha: bigint): bigint {
    const tao = BigInt(this.codec.read(state, 'SubtensorModule', 'SubnetTAO', [netuid])?.toString() ?? '0');
    const alphaIn = BigInt(this.codec.read(state, 'SubtensorModule', 'SubnetAlphaIn', [netuid])?.toString() ?? '0');
    return alphaIn === 0n ? 0n : (alpha * tao) / alphaIn;
  }
}

function dest(address: { toString(): string }): string {
  return address.toString();
}
