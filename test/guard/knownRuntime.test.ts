import { readFileSync } from 'node:fs';
import { Metadata, TypeRegistry } from '@polkadot/types';
import { describe, expect, it } from 'vitest';
import { KNOWN_RUNTIME, runtimeDifferences, VERIFIED_SPECS } from '../../src/chain/knownRuntime.js';
import { runtimeShapes } from '../../src/chain/runtimeShapes.js';
import { addExtension, alterMetadata, copyStorage, dropStorage, retypeStorage } from '../chain/alteredMetadata.js';
import { loadRuntime } from '../chain/metadataFiles.js';
import { ALL_METADATA, metadataPath } from '../chain/testChain.js';
import { realRuntimeMetadata } from './realRuntimes.js';

const load = (bytes: Uint8Array) => new Metadata(new TypeRegistry(), bytes);
const SPEC: Record<string, number> = { 'finney-219': 219, 'testnet-224': 224, 'devnet-240': 240, 'devnet-346': 346, 'devnet-381': 381 };
const differences = (bytes: Uint8Array, spec: number) => runtimeDifferences(runtimeShapes(load(bytes), spec)).map((d) => d.text);

describe('the known-runtime table', () => {
  it.each(ALL_METADATA)('matches %s, a verified runtime, with no difference', (name) => {
    expect(differences(readFileSync(metadataPath(name)), SPEC[name]!)).toEqual([]);
  });

  it.each([103, 218, 300] as const)('matches the real spec %i runtime (its own metadata, from its wasm)', async (spec) => {
    const metadata = await realRuntimeMetadata(spec);
    expect(runtimeDifferences(runtimeShapes(metadata, spec)).map((d) => d.text)).toEqual([]);
  }, 120_000);

  it("knows the 2026 layout the simulator reads from subtensor's source (AlphaV2, TotalHotkeySharesV2, the basket maps)", () => {
    expect(differences(loadRuntime('devnet-381+2026').metadata.toU8a(), 381)).toEqual([]);
  });

  it('lists exactly the specs it was verified on', () => {
    const seen = new Set(Object.values(KNOWN_RUNTIME).flatMap((k) => (k.shapes === 'any' ? [] : Object.values(k.shapes).flat())));
    expect([...seen].sort((a, b) => a - b)).toEqual(VERIFIED_SPECS);
  });

  it('names every difference of an altered runtime: an item gone, retyped, a new version of a map, a new extension', () => {
    const bytes = alterMetadata('devnet-381', (m) => {
      dropStorage(m, 'SubtensorModule', 'Owner');
      retypeStorage(m, 'SubtensorModule', 'TotalHotkeyAlpha', 'U128');
      copyStorage(m, 'SubtensorModule', 'Alpha', 'AlphaV3');
      addExtension(m, 'FutureTip', 'U64');
    });
    expect(differences(bytes, 470)).toEqual([
      "`SubtensorModule.Owner` is gone (the validator hotkey's owner)",
      "`SubtensorModule.TotalHotkeyAlpha` changed shape to Default Blake2_128Concat,Identity:(([u8;32]),u16)->u128 (the hotkey's alpha per subnet)",
      '`SubtensorModule.AlphaV3` is new (a new version of `SubtensorModule.Alpha`)',
      'extension `FutureTip` is new',
    ]);
  });

  it("the escrow's items are optional: absent is fine, present with another shape than the source's is not", () => {
    // AlphaV2 holds SafeFloat shares: a runtime where it holds Alpha's U64F64 instead is not the one ValTrac knows.
    const bytes = alterMetadata('devnet-381', (m) => copyStorage(m, 'SubtensorModule', 'Alpha', 'AlphaV2'));
    expect(differences(bytes, 470)).toEqual([
      '`SubtensorModule.AlphaV2` changed shape to Default Blake2_128Concat,Blake2_128Concat,Identity:(([u8;32]),([u8;32]),u16)->{bits:u128} ' +
        '(alpha shares per nominator and subnet, SafeFloat (2026))',
    ]);
    for (const item of ['AlphaV2', 'TotalHotkeySharesV2', 'BasketShares', 'BasketRate', 'BasketClaimed']) {
      expect(KNOWN_RUNTIME[`storage SubtensorModule.${item}`]!.need).toBe('optional');
    }
  });
});
