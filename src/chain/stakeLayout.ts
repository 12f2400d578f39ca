import type { ApiDecoration } from '@polkadot/api/types';

/** What a runtime offers for reading a validator's stake, read off its metadata (never off its spec version). */
export interface StakeLayout {
  /** `Alpha` in SubtensorModule → dynamic TAO (stake per subnet in alpha shares); otherwise legacy `Stake`. */
  era: 'dynamic' | 'legacy';
  /** `DelegateInfoRuntimeApi.get_delegate(AccountId32) -> Option<DelegateInfo>` with per-subnet nominator alpha. */
  delegateInfo: boolean;
  /** `SwapRuntimeApi.current_alpha_price(u16) -> u64` (TAO per alpha, scaled by 10^9). */
  alphaPrice: boolean;
  /** 2026 runtimes migrate shares lazily to SafeFloat maps. */
  alphaV2: boolean;
  sharesV2: boolean;
}

/** The nominators field of a DelegateInfo that already converts shares to alpha per subnet. */
const PER_SUBNET_NOMINATORS = 'Vec<(AccountId32,Vec<(Compact<u16>,Compact<u64>)>)>';

export function stakeLayout(api: ApiDecoration<'promise'>): StakeLayout {
  const storage = api.query.subtensorModule as Record<string, unknown> | undefined;
  if (!storage) throw new Error('the node has no SubtensorModule pallet: it is not a subtensor node');
  const has = (item: string) => typeof storage[item] === 'function';
  if (!has('alpha') && !has('stake')) {
    throw new Error('the node has neither SubtensorModule.Alpha nor SubtensorModule.Stake: unknown stake layout');
  }
  return {
    era: has('alpha') ? 'dynamic' : 'legacy',
    delegateInfo: declaresDelegateInfo(api),
    alphaPrice: declaresMethod(api, 'SwapRuntimeApi', 'current_alpha_price', ['u16'], 'u64'),
    alphaV2: has('alphaV2'),
    sharesV2: has('totalHotkeySharesV2'),
  };
}

interface RuntimeMethod {
  inputs: string[];
  output: string;
  fields: Map<string, string>;
}

function findMethod(api: ApiDecoration<'promise'>, apiName: string, methodName: string): RuntimeMethod | null {
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

function declaresMethod(api: ApiDecoration<'promise'>, apiName: string, methodName: string, inputs: string[], output: string): boolean {
  const method = findMethod(api, apiName, methodName);
  return !!method && method.output === output && method.inputs.join(',') === inputs.join(',');
}

function declaresDelegateInfo(api: ApiDecoration<'promise'>): boolean {
  const method = findMethod(api, 'DelegateInfoRuntimeApi', 'get_delegate');
  return (
    !!method &&
    method.inputs.join(',') === 'AccountId32' &&
    method.output.startsWith('Option<') &&
    method.fields.get('nominators') === PER_SUBNET_NOMINATORS &&
    method.fields.get('ownerSs58') === 'AccountId32' &&
    method.fields.get('take') === 'Compact<u16>'
  );
}

/** The lookup id inside an `Option<T>`, or null when the type is not an Option. */
function optionInner(api: ApiDecoration<'promise'>, typeId: number): number | null {
  const si = api.registry.lookup.getSiType(typeId);
  if (!si.def.isVariant || si.path.map((p) => p.toString()).join('::') !== 'Option') return null;
  const some = si.def.asVariant.variants.find((v) => v.name.toString() === 'Some');
  return some && some.fields.length === 1 ? some.fields[0]!.type.toNumber() : null;
}
