import { createHash } from 'node:crypto';

/**
 * SS58 for 32-byte account keys, on node's own blake2b: checking a sheet of addresses must not wait for
 * @polkadot/util-crypto's WASM start-up (about half a second), which only the chain commands need.
 *
 * Layout of the decoded bytes: network prefix (1 byte below 64, else 2), the key, then the first two bytes of
 * blake2b-512("SS58PRE" ++ prefix ++ key).
 */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const DIGIT = new Map([...ALPHABET].map((c, i) => [c, BigInt(i)]));
const CONTEXT = Buffer.from('SS58PRE');
const KEY_LENGTH = 32;
const CHECKSUM_LENGTH = 2;

/** The bytes of a base58 string (Bitcoin's alphabet), or null if a character is not in it. */
export function base58Decode(text: string): Uint8Array | null {
  let value = 0n;
  for (const c of text) {
    const digit = DIGIT.get(c);
    if (digit === undefined) return null;
    value = value * 58n + digit;
  }
  const bytes: number[] = [];
  for (; value > 0n; value >>= 8n) bytes.push(Number(value & 0xffn));
  // Each leading '1' stands for a leading zero byte.
  for (const c of text) {
    if (c !== '1') break;
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

export function base58Encode(bytes: Uint8Array): string {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  let text = '';
  for (; value > 0n; value /= 58n) text = ALPHABET[Number(value % 58n)] + text;
  for (const b of bytes) {
    if (b !== 0) break;
    text = '1' + text;
  }
  return text;
}

function checksum(body: Uint8Array): Uint8Array {
  return createHash('blake2b512').update(CONTEXT).update(body).digest().subarray(0, CHECKSUM_LENGTH);
}

export type Ss58Decoded =
  | { kind: 'account'; prefix: number; key: Uint8Array }
  | { kind: 'badChecksum' }
  | { kind: 'notAccount'; bytes: number };

/** What a base58 string holds: an account key with its network prefix, a mistyped one, or something else. */
export function decodeSs58(text: string): Ss58Decoded | null {
  const bytes = base58Decode(text);
  if (bytes === null) return null;
  const first = bytes[0] ?? 0;
  // Prefixes 0-63 take one byte; 64-16383 take two, marked by bit 6 of the first; bit 7 is reserved.
  const prefixLength = first & 0x40 ? 2 : 1;
  if (first & 0x80 || bytes.length !== prefixLength + KEY_LENGTH + CHECKSUM_LENGTH) return { kind: 'notAccount', bytes: bytes.length };
  const body = bytes.subarray(0, prefixLength + KEY_LENGTH);
  const sum = checksum(body);
  if (sum[0] !== bytes[body.length] || sum[1] !== bytes[body.length + 1]) return { kind: 'badChecksum' };
  const second = bytes[1]!;
  const prefix = prefixLength === 1 ? first : ((first & 0x3f) << 2) | (second >> 6) | ((second & 0x3f) << 8);
  return { kind: 'account', prefix, key: bytes.slice(prefixLength, prefixLength + KEY_LENGTH) };
}

/** The SS58 address of a 32-byte key on a network whose prefix is below 64 (Bittensor's is 42). */
export function encodeSs58(key: Uint8Array, prefix: number): string {
  if (key.length !== KEY_LENGTH || !Number.isInteger(prefix) || prefix < 0 || prefix > 63) {
    throw new RangeError(`encodeSs58 takes a ${KEY_LENGTH}-byte key and a prefix 0-63`);
  }
  const body = Uint8Array.from([prefix, ...key]);
  return base58Encode(Uint8Array.from([...body, ...checksum(body)]));
}
