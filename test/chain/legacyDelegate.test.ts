import { TypeRegistry } from '@polkadot/types';
import { hexToU8a } from '@polkadot/util';
import { describe, expect, it } from 'vitest';
import { decodeLegacyDelegate } from '../../src/chain/delegateInfo.js';

// spec 218's get_delegate answer for a freshly registered delegate (take 9000, no nominators), exactly as
// @polkadot/api's `api.call.delegateInfoRuntimeApi.getDelegate` handed it back on the real runtime under chopsticks:
// the runtime's Vec<u8> (`DelegateInfo.encode()`) with its own length prefix (0x2501 = 73 bytes) still in front.
const ANSWER =
  '0x250104932ebefa99f55f54e4e73670f69d8dbcaa341e0a3b3311d57611db920f1765a18c0076e4bd7d84edf7a0dedc1790376613d7b9ba3d6b87b90eb8a55b26aba0f8b159040404040000';

describe("spec 218's get_delegate answer", () => {
  const registry = new TypeRegistry();

  it('strips the inner length prefix and decodes a bare DelegateInfo (no Option tag)', () => {
    const info = decodeLegacyDelegate(registry, hexToU8a(ANSWER))!;
    expect(info.take).toBe(9000n);
    expect(info.owner).toBe('5EkbTVaQ5dLt8yUo5LF1ztPP9HeZ9fCZWWvufaK3TXg8snZM');
    expect(info.stake).toEqual(new Map());
  });

  it('an empty vector is a hotkey that is not a delegate', () => {
    expect(decodeLegacyDelegate(registry, hexToU8a('0x00'))).toBeNull();
  });

  it('bytes that are not one Vec<u8> holding one DelegateInfo are refused, never half-read', () => {
    expect(() => decodeLegacyDelegate(registry, hexToU8a(ANSWER).subarray(0, 40))).toThrow(/length prefix says 73/);
    const padded = hexToU8a(ANSWER.replace('0x2501', '0x2901') + '00');
    expect(() => decodeLegacyDelegate(registry, padded)).toThrow(/decodes to 73 of its 74 bytes/);
  });
});
