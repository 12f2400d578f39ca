import type { ApiDecoration } from '@polkadot/api/types';

/**
 * What a runtime offers for reading a validator's stake, read off its metadata (never off its spec version). Which of
 * the maps really holds the stake is decided per snapshot by reconciling each with the runtime's own totals
 * (chain/stakeSource.ts): spec 218 carries both a legacy `Stake` map and an early `Alpha` map.
 */
export interface StakeLayout {
  /** `Stake(hotkey, coldkey) -> u64` TAO, and whether `TotalHotkeyStake(hotkey)` adds it up. */
  legacy: { totalHotkeyStake: boolean } | null;
  /**
   * `Alpha(hotkey, coldkey, netuid)` shares with `TotalHotkeyAlpha` / `TotalHotkeyShares`: U64F64 `{ bits }` on
   * mid-2025+ runtimes, plain u64 on early dynamic-TAO ones (spec 218). 2026 runtimes migrate shares lazily to
   * SafeFloat maps (`AlphaV2`, `TotalHotkeySharesV2`).
   */
  dynamic: { shares: 'fixed' | 'integer'; alphaV2: boolean; sharesV2: boolean } | null;
  /**
   * The runtime's own view of a delegate: `get_delegate(AccountId32) -> Option<DelegateInfo>` with per-subnet nominator
   * alpha (mid-2025+), or `get_delegate(Bytes) -> Bytes` wrapping the legacy DelegateInfo read from `Stake`.
   */
  delegateInfo: 'perSubnet' | 'legacyBytes' | null;
  /** `SwapRuntimeApi.current_alpha_price(u16) -> u64` (TAO per alpha, scaled by 10^9). */
  alphaPrice: boolean;
  /** spec 441+: `BasketShares`, `BasketRate`, `BasketClaimed`, by which the escrow's holdings are looked through. */
  basket: boolean;
}

/** The nominators field of a DelegateInfo that already converts shares to alpha per subnet. */
const PER_SUBNET_NOMINATORS = 'Vec<(AccountId32,Vec<(Compact<u16>,Compact<u64>)>)>';

type Api = ApiDecoration<'promise'>;

export function stakeLayout(api: Api): StakeLayout {
  const storage = api.query.subtensorModule as Record<string, { meta?: unknown }> | undefined;
  if (!storage) throw new Error('the node has no SubtensorModule pallet: it is not a subtensor node');
  const has = (item: string) => typeof storage[item] === 'function';
  if (!has('alpha') && !has('stake')) {
    throw new Error('the node has neither SubtensorModule.Alpha nor SubtensorModule.Stake: unknown stake layout');
  }
  return {
    legacy: has('stake') ? { totalHotkeyStake: has('totalHotkeyStake') } : null,
    dynamic: has('alpha')
      ? { shares: valueType(api, 'alpha') === 'u64' ? 'integer' : 'fixed', alphaV2: has('alphaV2'), sharesV2: has('totalHotkeySharesV2') }
      : null,
    delegateInfo: delegateInfoKind(api),
    alphaPrice: declaresMethod(api, 'SwapRuntimeApi', 'current_alpha_price', ['u16'], 'u64'),
    basket: has('basketShares') && has('basketRate') && has('basketClaimed'),
  };
}

/** The metadata's type name of a storage map's value, e.g. "u64" or "{"bits":"u128"}". */
function valueType(api: Api, item: string): string {
  const entry = (api.query.subtensorModule as unknown as Record<string, { creator: { meta: { type: { isMap: boolean; asMap: { value: unknown }; asPlain: unknown } } } }>)[item]!;
  const type = entry.creator.meta.type;
  return api.registry.lookup.getTypeDef((type.isMap ? type.asMap.value : type.asPlain) as never).type;
}

interface RuntimeMethod {
  inputs: string[];
  output: string;
  fields: Map<string, string>;
}

function findMethod(api: Api, apiName: string, methodName: string): RuntimeMethod | null {
  // V14 metadata declares no runtime APIs (its latest view lists none); V15 and V16 list them with their types.
  const { lookup, metadata } = api.registry;
  const runtimeApi = metadata.apis.find((a) => a.name.toString() === apiName);
  const method = runtimeApi?.methods.find((m) => m.name.toString() === methodName);
  if (!method) return null;
  const output = lookup.getTypeDef(method.output);
  const fields = new Map<string, string>();
  const someType = optionInner(api, method.output.toNumber());
  if (someType !== null) {
    const inner = lookup.getTypeDef(someType);
    if (Array.isArray(inner.sub)) for (const field of inner.sub) if (field.name) fields.set(field.name, field.type);
  }
  return { inputs: method.inputs.map((i) => lookup.getTypeDef(i.type).type), output: output.type, fields };
}

function declaresMethod(api: Api, apiName: string, methodName: string, inputs: string[], output: string): boolean {
  const method = findMethod(api, apiName, methodName);
  return !!method && method.output === output && method.inputs.join(',') === inputs.join(',');
}

function delegateInfoKind(api: Api): StakeLayout['delegateInfo'] {
  const method = findMethod(api, 'DelegateInfoRuntimeApi', 'get_delegate');
  if (!method) return null;
  if (method.inputs.join(',') === 'Bytes' && method.output === 'Bytes') return 'legacyBytes';
  const perSubnet =
    method.inputs.join(',') === 'AccountId32' &&
    method.output.startsWith('Option<') &&
    method.fields.get('nominators') === PER_SUBNET_NOMINATORS &&
    method.fields.get('ownerSs58') === 'AccountId32' &&
    method.fields.get('take') === 'Compact<u16>';
  return perSubnet ? 'perSubnet' : null;
}

/** The lookup id inside an `Option<T>`, or null when the type is not an Option. */
function optionInner(api: Api, typeId: number): number | null {
  const si = api.registry.lookup.getSiType(typeId);
  if (!si.def.isVariant || si.path.map((p) => p.toString()).join('::') !== 'Option') return null;
  const some = si.def.asVariant.variants.find((v) => v.name.toString() === 'Some');
  return some && some.fields.length === 1 ? some.fields[0]!.type.toNumber() : null;
}
