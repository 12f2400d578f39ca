import { base58Decode as polkadotBase58Decode, base58Encode as polkadotBase58Encode, checkAddress, encodeAddress } from '@polkadot/util-crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base58Decode, base58Encode, decodeSs58, encodeSs58 } from '../../src/domain/ss58.js';

const key = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** ValTrac's own SS58 against @polkadot/util-crypto's, which the chain side of ValTrac uses. */
describe('SS58 without @polkadot/util-crypto', () => {
  it('base58 round-trips and matches polkadot byte for byte, leading zeros included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(3), (bytes, zeros) => {
        const input = Uint8Array.from([...new Array<number>(zeros).fill(0), ...bytes]);
        const text = base58Encode(input);
        expect(text).toBe(polkadotBase58Encode(input));
        expect(base58Decode(text)).toEqual(polkadotBase58Decode(text));
      }),
    );
  });

  it('decodes every network prefix and key that polkadot encodes, and encodes prefixes 0-63 the same', () => {
    fc.assert(
      fc.property(key, fc.integer({ min: 0, max: 16383 }), (k, prefix) => {
        fc.pre(prefix !== 46 && prefix !== 47); // reserved by the SS58 registry: polkadot refuses to encode them
        const address = encodeAddress(k, prefix);
        expect(decodeSs58(address)).toEqual({ kind: 'account', prefix, key: k });
        if (prefix < 64) expect(encodeSs58(k, prefix)).toBe(address);
      }),
    );
  });

  it('agrees with polkadot on which one-character edits break the checksum', () => {
    fc.assert(
      fc.property(key, fc.nat(47), fc.nat(57), (k, position, digit) => {
        const address = encodeSs58(k, 42);
        const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
        const edited = address.slice(0, position) + alphabet[digit] + address.slice(position + 1);
        const ours = decodeSs58(edited)!;
        const [valid] = checkAddress(edited, 42);
        expect(ours.kind === 'account' && ours.prefix === 42).toBe(valid);
      }),
      { numRuns: 500 },
    );
  });

  it('tells a non-account payload and a character outside the alphabet apart', () => {
    expect(decodeSs58('0OIl')).toBeNull();
    expect(decodeSs58(base58Encode(Uint8Array.from([42, 1, 2, 3])))).toEqual({ kind: 'notAccount', bytes: 4 });
    expect(() => encodeSs58(new Uint8Array(31), 42)).toThrow(RangeError);
  });
});
