import { blake2AsHex } from '@polkadot/util-crypto';
import type { RuntimeShapes } from './runtimeShapes.js';

/**
 * Everything ValTrac reads from and signs for a subtensor runtime, and the shapes it was verified with: ONE table.
 * A runtime whose metadata differs from it (an item gone or retyped, a new version of a map ValTrac reads, a new
 * transaction extension) may pay wrong amounts without any error, so `plan`, `confirm` and `fund` refuse it until the
 * owner accepts its spec (Settings "Accepted runtime spec"), and `doctor`, `status` and `snapshot` say so.
 *
 * Keys: `storage Pallet.Item`, `constant Pallet.Name`, `call Pallet.name`, `api Api.method`, `extension Identifier`.
 * Shapes: see runtimeShapes.ts (longer than 200 characters: `blake2:` and a 64-bit hash of the shape). Each shape
 * lists the specs whose metadata showed it; an empty list is a shape read in subtensor's source
 * (RaoFoundation/subtensor: `pallets/subtensor/src/lib.rs`, `rpc_info/stake_info.rs`) for items no verified runtime
 * has yet. `required`: present on every verified runtime, so its absence is a difference. `any`: read for presence only.
 *
 * To verify a new runtime: run `valtrac doctor` against it, check each difference in ValTrac's code, and add the shape
 * and the spec here (test/guard/knownRuntime.test.ts checks the table against every verified runtime's metadata).
 */

/** The spec versions whose metadata this table was checked against: real runtimes 103, 218, 300 and the metadata files. */
export const VERIFIED_SPECS: readonly number[] = [103, 218, 219, 224, 240, 300, 346, 381];

export interface KnownItem {
  need: 'required' | 'optional';
  /** What ValTrac uses it for, printed beside a difference. */
  why: string;
  shapes: Readonly<Record<string, readonly number[]>> | 'any';
}

export const KNOWN_RUNTIME: Readonly<Record<string, KnownItem>> = {
  "storage System.Account": {
    need: 'required',
    why: "free balance, nonce and existence of the payer and the recipients",
    shapes: { "Default Blake2_128Concat:([u8;32])->{nonce:u32,consumers:u32,providers:u32,sufficients:u32,data:{free:u64,reserved:u64,misc_frozen:u64,fee_frozen:u64}}": [103], "Default Blake2_128Concat:([u8;32])->{nonce:u32,consumers:u32,providers:u32,sufficients:u32,data:{free:u64,reserved:u64,frozen:u64,flags:(u128)}}": [218, 219, 224, 240, 300, 346, 381] },
  },
  "storage System.Events": {
    need: 'required',
    why: "what each block did: the payment's events, the plan remark",
    shapes: { "Default Vec<{phase:enum{0:ApplyExtrinsic(u32)|1:Finalization|2:Initialization},event:#RuntimeEvent,topics:Vec<([u8;32])>}>": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "storage Timestamp.Now": {
    need: 'required',
    why: "each snapshot's time",
    shapes: { "Default u64": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "storage SubtensorModule.Owner": {
    need: 'required',
    why: "the validator hotkey's owner",
    shapes: { "Default Blake2_128Concat:([u8;32])->([u8;32])": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "storage SubtensorModule.Delegates": {
    need: 'required',
    why: "the validator's take",
    shapes: { "Default Blake2_128Concat:([u8;32])->u16": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "storage SubtensorModule.Stake": {
    need: 'optional',
    why: "stake per nominator (legacy runtimes)",
    shapes: { "Default Blake2_128Concat,Identity:(([u8;32]),([u8;32]))->u64": [103, 218, 219, 224, 240] },
  },
  "storage SubtensorModule.TotalHotkeyStake": {
    need: 'optional',
    why: "the hotkey's total stake (legacy runtimes)",
    shapes: { "Default Identity:([u8;32])->u64": [103, 219] },
  },
  "storage SubtensorModule.Alpha": {
    need: 'optional',
    why: "alpha shares per nominator and subnet",
    shapes: { "Default Blake2_128Concat,Blake2_128Concat,Identity:(([u8;32]),([u8;32]),u16)->u64": [218], "Default Blake2_128Concat,Blake2_128Concat,Identity:(([u8;32]),([u8;32]),u16)->{bits:u128}": [224, 240, 300, 346, 381] },
  },
  "storage SubtensorModule.AlphaV2": {
    need: 'optional',
    why: "alpha shares per nominator and subnet, SafeFloat (2026)",
    shapes: { "Default Blake2_128Concat,Blake2_128Concat,Identity:(([u8;32]),([u8;32]),u16)->{mantissa:u128,exponent:i64}": [] },
  },
  "storage SubtensorModule.TotalHotkeyAlpha": {
    need: 'optional',
    why: "the hotkey's alpha per subnet",
    shapes: { "Default Blake2_128Concat,Identity:(([u8;32]),u16)->u64": [218, 224, 240, 300, 346, 381] },
  },
  "storage SubtensorModule.TotalHotkeyShares": {
    need: 'optional',
    why: "the hotkey's shares per subnet",
    shapes: { "Default Blake2_128Concat,Identity:(([u8;32]),u16)->u64": [218], "Default Blake2_128Concat,Identity:(([u8;32]),u16)->{bits:u128}": [224, 240, 300, 346, 381] },
  },
  "storage SubtensorModule.TotalHotkeySharesV2": {
    need: 'optional',
    why: "the hotkey's shares per subnet, SafeFloat (2026)",
    shapes: { "Default Blake2_128Concat,Identity:(([u8;32]),u16)->{mantissa:u128,exponent:i64}": [] },
  },
  "storage SubtensorModule.SubnetTAO": {
    need: 'optional',
    why: "subnet prices (TAO reserve)",
    shapes: { "Default Identity:u16->u64": [218, 224, 240, 300, 346, 381] },
  },
  "storage SubtensorModule.SubnetAlphaIn": {
    need: 'optional',
    why: "subnet prices (alpha reserve)",
    shapes: { "Default Identity:u16->u64": [218, 224, 240, 300, 346, 381] },
  },
  "storage SubtensorModule.TransferToggle": {
    need: 'optional',
    why: "whether stake may be transferred on a subnet",
    shapes: { "Default Identity:u16->bool": [224, 240, 300, 346, 381] },
  },
  "storage SubtensorModule.SubtokenEnabled": {
    need: 'optional',
    why: "whether a subnet's token started",
    shapes: { "Default Identity:u16->bool": [300, 346, 381] },
  },
  "storage SubtensorModule.RootStakeUnlockInterval": {
    need: 'optional',
    why: "the root stake hold window (spec 441+)",
    shapes: { "Default u64": [] },
  },
  "storage SubtensorModule.LastColdkeyHotkeyStakeBlock": {
    need: 'optional',
    why: "when the owner's root stake last changed (the hold window's start)",
    shapes: { "Optional Twox64Concat,Twox64Concat:(([u8;32]),([u8;32]))->u64": [240, 300, 346, 381] },
  },
  "storage SubtensorModule.SeedBetaBasketV2Migration": { need: 'optional', why: "a basket migration in progress (read for presence only)", shapes: 'any' },
  "storage SubtensorModule.DeferredRootAlphaDividends": { need: 'optional', why: "root dividends waiting to enter a basket (read for presence only)", shapes: 'any' },
  "storage SubtensorModule.BasketShares": {
    need: 'optional',
    why: "a validator's basket fund shares outstanding (spec 441+)",
    shapes: { "Default Blake2_128Concat:([u8;32])->u64": [] },
  },
  "storage SubtensorModule.BasketRate": {
    need: 'optional',
    why: "fund shares per unit of root stake (spec 441+)",
    shapes: { "Default Blake2_128Concat:([u8;32])->{bits:i128}": [] },
  },
  "storage SubtensorModule.BasketClaimed": {
    need: 'optional',
    why: "each root staker's claim watermark (spec 441+)",
    shapes: { "Default Blake2_128Concat,Blake2_128Concat:(([u8;32]),([u8;32]))->i128": [] },
  },
  "storage SubtensorModule.Lock": { need: 'optional', why: "whether the runtime locks stake (read for presence only)", shapes: 'any' },
  "constant Balances.ExistentialDeposit": {
    need: 'required',
    why: "the smallest new account a payment may create",
    shapes: { "u64": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "constant System.BlockWeights": {
    need: 'required',
    why: "how much one batch may weigh",
    shapes: { "blake2:8b293400233f1a3a": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "constant System.BlockLength": {
    need: 'required',
    why: "how long one batch may be",
    shapes: { "{max:{normal:u32,operational:u32,mandatory:u32}}": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "constant SubtensorModule.InitialMinStake": {
    need: 'optional',
    why: "the minimum stake move",
    shapes: { "u64": [] },
  },
  "constant SubtensorModule.InitialMinTransfer": {
    need: 'optional',
    why: "the minimum stake transfer",
    shapes: { "u64": [] },
  },
  "call Balances.transfer_keep_alive": {
    need: 'required',
    why: "a TAO payment",
    shapes: { "5.3(dest:enum{0:Id(([u8;32]))|1:Index(Compact<()>)|2:Raw(Vec<u8>)|3:Address32([u8;32])|4:Address20([u8;20])},value:Compact<u64>)": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "call SubtensorModule.transfer_stake": {
    need: 'optional',
    why: "a payment in stake (--as-stake)",
    shapes: { "7.86(destination_coldkey:([u8;32]),hotkey:([u8;32]),origin_netuid:u16,destination_netuid:u16,alpha_amount:u64)": [224, 240, 300, 346, 381] },
  },
  "call Utility.batch_all": {
    need: 'optional',
    why: "one atomic batch of payments",
    shapes: { "11.2(calls:Vec<#RuntimeCall>)": [218, 219, 224, 240, 300, 346, 381] },
  },
  "call System.remark": {
    need: 'required',
    why: "the plan id on chain (runtimes without remark_with_event)",
    shapes: { "0.0(remark:Vec<u8>)": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "call System.remark_with_event": {
    need: 'required',
    why: "the plan id on chain",
    shapes: { "0.7(remark:Vec<u8>)": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "api DelegateInfoRuntimeApi.get_delegate": {
    need: 'optional',
    why: "the runtime's own view of the validator",
    shapes: { "(Vec<u8>)->Vec<u8>": [218], "blake2:b0c3f3a94c158c4e": [240], "blake2:3d78cd869d695c8b": [300, 346, 381] },
  },
  "api SwapRuntimeApi.current_alpha_price": {
    need: 'optional',
    why: "subnet prices",
    shapes: { "(u16)->u64": [300, 346, 381] },
  },
  "api StakeInfoRuntimeApi.get_stake_availability_for_coldkeys": {
    need: 'optional',
    why: "stake free of locks per subnet (2026)",
    shapes: { "(Vec<([u8;32])>,enum{0:None|1:Some(Vec<u16>)})->(Vec<(([u8;32]),(Vec<(u16,{total:Compact<u64>,locked:Compact<u64>,available:Compact<u64>})>))>)": [] },
  },
  "api TransactionPaymentApi.query_info": {
    need: 'required',
    why: "fees and weights of a batch",
    shapes: { "(((Vec<u8>)),u32)->{weight:{ref_time:Compact<u64>,proof_size:Compact<u64>},class:enum{0:Normal|1:Operational|2:Mandatory},partial_fee:u64}": [218, 240, 300, 346, 381] },
  },
  "api AccountNonceApi.account_nonce": {
    need: 'required',
    why: "the payer's next nonce",
    shapes: { "(([u8;32]))->u32": [218, 240, 300, 346, 381] },
  },
  "extension ChargeTransactionPayment": {
    need: 'required',
    why: "signed for: see chain/extensions.ts",
    shapes: { "(Compact<u64>)+()": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "extension CheckGenesis": {
    need: 'required',
    why: "signed for: see chain/extensions.ts",
    shapes: { "()+([u8;32])": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "extension CheckMetadataHash": {
    need: 'optional',
    why: "signed for: see chain/extensions.ts",
    shapes: { "{mode:enum{0:Disabled|1:Enabled}}+enum{0:None|1:Some([u8;32])}": [218, 219, 224, 240, 300, 346, 381] },
  },
  "extension CheckMortality": {
    need: 'required',
    why: "signed for: see chain/extensions.ts",
    shapes: { "blake2:e120bc1dfdf2bdd7": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "extension CheckNonZeroSender": {
    need: 'required',
    why: "signed for: see chain/extensions.ts",
    shapes: { "()+()": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "extension CheckNonce": {
    need: 'required',
    why: "signed for: see chain/extensions.ts",
    shapes: { "(Compact<u32>)+()": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "extension CheckSpecVersion": {
    need: 'required',
    why: "signed for: see chain/extensions.ts",
    shapes: { "()+u32": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "extension CheckTxVersion": {
    need: 'required',
    why: "signed for: see chain/extensions.ts",
    shapes: { "()+u32": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "extension CheckWeight": {
    need: 'required',
    why: "signed for: see chain/extensions.ts",
    shapes: { "()+()": [103, 218, 219, 224, 240, 300, 346, 381] },
  },
  "extension CommitmentsSignedExtension": {
    need: 'optional',
    why: "signed for: see chain/extensions.ts",
    shapes: { "()+()": [218, 219, 224, 240] },
  },
  "extension DrandPriority": {
    need: 'optional',
    why: "signed for: see chain/extensions.ts",
    shapes: { "()+()": [346, 381] },
  },
  "extension SubtensorSignedExtension": {
    need: 'optional',
    why: "signed for: see chain/extensions.ts",
    shapes: { "()+()": [218, 219, 224, 240] },
  },
  "extension SubtensorTransactionExtension": {
    need: 'optional',
    why: "signed for: see chain/extensions.ts",
    shapes: { "()+()": [300, 346, 381] },
  },
  "extension SudoTransactionExtension": {
    need: 'optional',
    why: "signed for: see chain/extensions.ts",
    shapes: { "()+()": [381] },
  },
  "extension CheckShieldedTxValidity": {
    need: 'optional',
    why: "MEV shield (pallet_shield), carries no data",
    shapes: { "()+()": [] },
  },
};

/** A shape as the table writes it. */
export function shapeKey(shape: string): string {
  return shape.length > 200 ? `blake2:${blake2AsHex(shape, 64).slice(2)}` : shape;
}

export interface RuntimeDifference {
  key: string;
  kind: 'gone' | 'changed' | 'new';
  /** One line for the owner, e.g. "`SubtensorModule.AlphaV3` is new (a new version of `SubtensorModule.Alpha`)". */
  text: string;
}

const label = (key: string) => {
  const [kind, name] = key.split(' ');
  return kind === 'storage' ? `\`${name}\`` : `${kind} \`${name}\``;
};

/** A storage map's family name without its version suffix: `AlphaV3` and `AlphaV2` are versions of `Alpha`. */
const family = (item: string) => item.replace(/V\d+$/, '');

/**
 * How a runtime differs from the table: a required item gone, a known item with a shape never verified, a new version
 * of a storage map ValTrac reads (`AlphaV3` beside `Alpha`/`AlphaV2`: a migration may empty the maps ValTrac reads),
 * a transaction extension the table does not know. Pure: the shapes come from the runtime's metadata.
 */
export function runtimeDifferences(runtime: RuntimeShapes): RuntimeDifference[] {
  const out: RuntimeDifference[] = [];
  for (const [key, known] of Object.entries(KNOWN_RUNTIME)) {
    const shape = runtime.shapes.get(key);
    if (shape === undefined) {
      // Runtime APIs are declared in metadata V15 and later only: an older metadata says nothing about them.
      if (known.need === 'required' && !(key.startsWith('api ') && !runtime.hasApis)) out.push({ key, kind: 'gone', text: `${label(key)} is gone (${known.why})` });
      continue;
    }
    if (known.shapes === 'any' || Object.hasOwn(known.shapes, shapeKey(shape))) continue;
    out.push({ key, kind: 'changed', text: `${label(key)} changed shape to ${shapeKey(shape)} (${known.why})` });
  }
  const families = new Map<string, string>();
  for (const key of Object.keys(KNOWN_RUNTIME)) {
    if (!key.startsWith('storage ')) continue;
    const [pallet, item] = key.slice('storage '.length).split('.') as [string, string];
    // the family's first item is its unversioned name (`Alpha` before `AlphaV2`)
    if (!families.has(`${pallet}.${family(item)}`)) families.set(`${pallet}.${family(item)}`, key);
  }
  for (const [pallet, items] of runtime.storageNames) {
    for (const item of items) {
      const key = `storage ${pallet}.${item}`;
      const kin = families.get(`${pallet}.${family(item)}`);
      if (kin && !KNOWN_RUNTIME[key]) out.push({ key, kind: 'new', text: `${label(key)} is new (a new version of ${label(kin)})` });
    }
  }
  for (const key of runtime.shapes.keys()) {
    if (key.startsWith('extension ') && !KNOWN_RUNTIME[key]) out.push({ key, kind: 'new', text: `${label(key)} is new` });
  }
  return out;
}

/** The newest spec ValTrac was verified on. */
export function newestVerifiedSpec(): number {
  return Math.max(...VERIFIED_SPECS);
}
