/**
 * The expected stake of a seeded validator, computed from the scenario alone: the rules the scenario states
 * (shares minted at the pool's ratio, emission split into the owner's take staked as new shares and the rest
 * raising every holder's alpha; legacy: the rest split pro rata, rounded down), with exact integers.
 * Tests compare what ValTrac recorded against this, never against ValTrac's own reader.
 */
import type { ValidatorScenario } from './chain/testChain.js';

const PPM = 1_000_000n;
const ONE = 1n << 64n;

export interface ExpectedStake {
  /** coldkey → netuid → alpha (legacy: TAO on netuid 0). */
  alpha: Map<string, Map<number, bigint>>;
  /** coldkey → netuid → TAO value. */
  tao: Map<string, Map<number, bigint>>;
  total: bigint;
  delegate: bigint;
  /** coldkey → stake in TAO (owner excluded). */
  nominators: Map<string, bigint>;
}

interface Pool {
  alpha: bigint;
  shares: bigint;
  holders: Map<string, bigint>;
}

export class StakeModel {
  private readonly pools = new Map<number, Pool>();
  private readonly legacy = new Map<string, bigint>();

  constructor(
    private readonly s: ValidatorScenario,
    private readonly era: 'dynamic' | 'legacy',
    /** true where the runtime prices alpha with SwapRuntimeApi.current_alpha_price (10^9-scaled). */
    private readonly swapPrice: boolean,
  ) {
    for (const st of s.stakes) {
      if (era === 'legacy') this.legacy.set(st.coldkey, (this.legacy.get(st.coldkey) ?? 0n) + st.alpha);
      else this.stake(st.netuid, st.coldkey, st.alpha);
    }
  }

  private pool(netuid: number): Pool {
    let p = this.pools.get(netuid);
    if (!p) this.pools.set(netuid, (p = { alpha: 0n, shares: 0n, holders: new Map() }));
    return p;
  }

  private stake(netuid: number, coldkey: string, amount: bigint): void {
    const p = this.pool(netuid);
    const minted = p.shares === 0n || p.alpha === 0n ? amount * ONE : (amount * p.shares) / p.alpha;
    p.holders.set(coldkey, (p.holders.get(coldkey) ?? 0n) + minted);
    p.shares += minted;
    p.alpha += amount;
  }

  /** One block of emission. */
  emit(): void {
    const amount = this.s.emissionPerBlock ?? 0n;
    if (amount === 0n) return;
    const take = (amount * this.s.takePpm) / PPM;
    const rest = amount - take;
    if (this.era === 'legacy') {
      const total = [...this.legacy.values()].reduce((a, b) => a + b, 0n);
      if (total > 0n) for (const [ck, v] of [...this.legacy]) this.legacy.set(ck, v + (rest * v) / total);
      this.legacy.set(this.s.owner, (this.legacy.get(this.s.owner) ?? 0n) + take);
      return;
    }
    for (const netuid of new Set(this.s.stakes.map((x) => x.netuid))) {
      this.pool(netuid).alpha += rest;
      this.stake(netuid, this.s.owner, take);
    }
  }

  private price(netuid: number): { num: bigint; den: bigint } {
    const sn = this.s.subnets.find((x) => x.netuid === netuid)!;
    if (netuid === 0 || this.era === 'legacy') return { num: 1n, den: 1n };
    if (this.swapPrice) return { num: (sn.subnetTao * 1_000_000_000n) / sn.subnetAlphaIn, den: 1_000_000_000n };
    return { num: sn.subnetTao, den: sn.subnetAlphaIn };
  }

  expected(): ExpectedStake {
    const alpha = new Map<string, Map<number, bigint>>();
    const put = (ck: string, netuid: number, v: bigint) => {
      if (v === 0n) return;
      if (!alpha.has(ck)) alpha.set(ck, new Map());
      alpha.get(ck)!.set(netuid, v);
    };
    if (this.era === 'legacy') for (const [ck, v] of this.legacy) put(ck, 0, v);
    else for (const [netuid, p] of this.pools) for (const [ck, sh] of p.holders) put(ck, netuid, (sh * p.alpha) / p.shares);
    const tao = new Map<string, Map<number, bigint>>();
    let total = 0n;
    let delegate = 0n;
    const nominators = new Map<string, bigint>();
    for (const [ck, subnets] of alpha) {
      const row = new Map<number, bigint>();
      let sum = 0n;
      for (const [netuid, a] of subnets) {
        const p = this.price(netuid);
        const t = (a * p.num) / p.den;
        row.set(netuid, t);
        sum += t;
      }
      tao.set(ck, row);
      total += sum;
      if (ck === this.s.owner) delegate = sum;
      else nominators.set(ck, sum);
    }
    return { alpha, tao, total, delegate, nominators };
  }
}
