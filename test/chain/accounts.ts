import type { Codec } from '@polkadot/types/types';
import { DispatchFailure } from './events.js';
import type { StorageCodec } from './storageCodec.js';
import type { Overlay, StateView } from './storage.js';

export interface AccountState {
  nonce: number; consumers: number; providers: number; sufficients: number;
  free: bigint; reserved: bigint; frozen: bigint; flags: bigint;
}

/** Emits an event into the block being built. */
export type Emit = (pallet: string, name: string, values: unknown[]) => void;

type Int = Codec & { toNumber(): number; toBigInt(): bigint };
type AccountInfoCodec = Record<'nonce' | 'consumers' | 'providers' | 'sufficients', Int> & { data: Record<string, Int | undefined> };

/** `System.Account` and the balance rules of pallet_balances' fungible impl (ED, keep-alive, reaping). */
export class Accounts {
  readonly existentialDeposit: bigint;

  constructor(private readonly codec: StorageCodec, ed: bigint) {
    this.existentialDeposit = ed;
  }

  read(view: StateView, address: string): AccountState {
    const info = this.codec.read(view, 'System', 'Account', [address]) as unknown as AccountInfoCodec;
    const balance = (name: string) => info.data[name]?.toBigInt() ?? 0n;
    return {
      nonce: info.nonce.toNumber(), consumers: info.consumers.toNumber(), providers: info.providers.toNumber(), sufficients: info.sufficients.toNumber(),
      free: balance('free'), reserved: balance('reserved'), frozen: balance('frozen') || balance('miscFrozen'), flags: balance('flags'),
    };
  }

  write(state: Overlay, address: string, a: AccountState): void {
    const gone = a.providers === 0 && a.consumers === 0 && a.sufficients === 0;
    this.codec.write(state, 'System', 'Account', [address], gone ? null : {
      nonce: a.nonce, consumers: a.consumers, providers: a.providers, sufficients: a.sufficients,
      data: { free: a.free, reserved: a.reserved, frozen: a.frozen, miscFrozen: a.frozen, feeFrozen: a.frozen, flags: a.flags },
    });
  }

  private adjustIssuance(state: Overlay, delta: bigint): void {
    const current = (this.codec.read(state, 'Balances', 'TotalIssuance') as unknown as { toBigInt(): bigint }).toBigInt();
    this.codec.write(state, 'Balances', 'TotalIssuance', [], current + delta);
  }

  /** Test seeding: sets free balance outright (creating the account), keeping TotalIssuance consistent. */
  setFree(state: Overlay, address: string, free: bigint): void {
    const a = this.read(state, address);
    this.adjustIssuance(state, free - a.free);
    this.write(state, address, { ...a, free, providers: free > 0n ? Math.max(a.providers, 1) : a.providers });
  }

  /** Credits `amount` to `dest`; creating an account needs at least the ED (TokenError::BelowMinimum). */
  credit(state: Overlay, dest: string, amount: bigint, emit: Emit): void {
    const a = this.read(state, dest);
    const isNew = a.providers === 0;
    if (isNew && amount < this.existentialDeposit) throw new DispatchFailure({ Token: 'BelowMinimum' });
    this.write(state, dest, { ...a, free: a.free + amount, providers: isNew ? 1 : a.providers });
    if (isNew) {
      emit('System', 'NewAccount', [dest]);
      emit('Balances', 'Endowed', [dest, amount]);
    }
  }

  /**
   * Debits `amount` from `source`. keepAlive: the rest must stay >= ED (TokenError::NotExpendable);
   * otherwise a rest below the ED is lost as dust and the account is reaped.
   */
  debit(state: Overlay, source: string, amount: bigint, keepAlive: boolean, emit: Emit): void {
    const a = this.read(state, source);
    if (amount > a.free) throw new DispatchFailure({ Token: 'FundsUnavailable' });
    const rest = a.free - amount;
    if (rest < this.existentialDeposit && keepAlive) throw new DispatchFailure({ Token: 'NotExpendable' });
    if (rest < this.existentialDeposit) {
      this.write(state, source, { ...a, free: 0n, providers: 0 });
      if (rest > 0n) {
        this.adjustIssuance(state, -rest);
        emit('Balances', 'DustLost', [source, rest]);
      }
      emit('System', 'KilledAccount', [source]);
      return;
    }
    this.write(state, source, { ...a, free: rest });
  }

  transfer(state: Overlay, from: string, to: string, amount: bigint, keepAlive: boolean, emit: Emit): void {
    if (from === to) return;
    const toBefore = this.read(state, to);
    if (toBefore.providers === 0 && amount < this.existentialDeposit) throw new DispatchFailure({ Token: 'BelowMinimum' });
    this.debit(state, from, amount, keepAlive, emit);
    this.credit(state, to, amount, emit);
    emit('Balances', 'Transfer', [from, to, amount]);
  }

  /** Takes a transaction fee; the fee must leave at least the ED (the payment adapter withdraws KeepAlive). */
  canPayFee(view: StateView, who: string, fee: bigint): boolean {
    const a = this.read(view, who);
    return a.providers > 0 && a.free >= fee && a.free - fee >= this.existentialDeposit;
  }

  chargeFee(state: Overlay, who: string, fee: bigint, emit: Emit): void {
    const a = this.read(state, who);
    this.write(state, who, { ...a, free: a.free - fee });
    this.adjustIssuance(state, -fee);
    emit('Balances', 'Withdraw', [who, fee]);
  }

  bumpNonce(state: Overlay, who: string): void {
    const a = this.read(state, who);
    this.write(state, who, { ...a, nonce: a.nonce + 1 });
  }
}
